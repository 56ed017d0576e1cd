// The status page and the reader-facing status fields on the twin (real template, DynamoDB Local,
// fauxqs): GET /status answers without a token; a missed reconciliation (the twin clock moved past
// the alarm's window) shows as degraded and catching up clears it; a dead-lettered webhook degrades
// webhook intake. GET /lifecycle and GET /payouts/{id} carry the sentence and the failure source.
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATUS_CACHE_SECONDS } from '../../functions/app/ops/status-api.js';
import { RECONCILIATION_WINDOW_HOURS } from '../../functions/shared/alarm-thresholds.js';
import { startTwin, type StartedTwin } from '../support/twin.js';
import { twinCaller } from '../support/twin-http.js';

const RUN_POLL_MS = 250;
const RUN_WAIT_MS_MAX = 60_000;
const HOUR_SECONDS = 3_600;

let twin: StartedTwin;
let finance: string;
let tenant: string;

beforeAll(async () => {
  twin = await startTwin({ port: 0, fresh: true });
  finance = await twin.token({ operator: 'status-finance', role: 'finance' });
  tenant = await twin.token({ tenant: 'status', role: 'backend', scopes: ['payouts:write', 'payouts:read'] });
});

afterAll(async () => {
  await twin?.stop();
});

const call = twinCaller(() => twin.url);

/** Past the status page's cache, on the twin's clock (every function reads it). */
async function advance(seconds: number) {
  expect((await call('POST', '/.twin/clock/advance', tenant, { seconds })).status).toBe(200);
}

async function status() {
  await advance(STATUS_CACHE_SECONDS + 1);
  const answer = await call('GET', '/status');
  expect(answer.status).toBe(200);
  const states = Object.fromEntries((answer.body['components'] as any[]).map((c) => [c.component, c.state]));
  return { body: answer.body, states, headers: answer.headers };
}

async function reconcile(date: string) {
  expect((await call('POST', '/reconciliations', finance, { date })).status).toBe(202);
  for (const deadline = Date.now() + RUN_WAIT_MS_MAX; Date.now() < deadline;) {
    const run = (await call('GET', `/reconciliations/${date}`, finance)).body['reconciliation'];
    if (run?.state === 'succeeded') return;
    if (run?.state === 'failed') throw new Error(`reconciliation of ${date} failed: ${JSON.stringify(run)}`);
    await new Promise((done) => setTimeout(done, RUN_POLL_MS));
  }
  throw new Error(`reconciliation of ${date} did not finish within ${RUN_WAIT_MS_MAX} ms`);
}

describe('GET /status on the twin', () => {
  it('answers without a token, and a missed reconciliation shows, then clears when it catches up', async () => {
    const first = await status();
    expect(first.headers.get('cache-control')).toBe(`public, max-age=${STATUS_CACHE_SECONDS}`);
    expect(Object.keys(first.states)).toEqual([
      'api',
      'webhook_intake',
      'submission:sandbox',
      'submission:stripe',
      // Issue 14: every provider the registry submits to is a component of its own.
      'submission:paypal',
      'submission:adyen',
      'reconciliation',
    ]);
    // A fresh twin never reconciled: like the alarm (missing data breaches), that is a missed night.
    expect(first.states['reconciliation']).toBe('degraded');
    // Issue 11 §3 adds the backlog figures: a fresh twin has no payout and no webhook waiting, and
    // no day read has a run, so an older payout could wait beyond them (may_be_older).
    expect(first.body['reconciliation']).toEqual({
      last_success_at: null,
      seconds_since_last_success: null,
      oldest_unreconciled_payout: {
        created_at: null,
        age_seconds: null,
        examined_from: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        may_be_older: true,
      },
    });
    expect(first.body['webhook_backlog']).toEqual({ oldest_received_at: null, age_seconds: null });

    await reconcile('2026-11-20');
    const caughtUp = await status();
    expect(caughtUp.states['reconciliation']).toBe('operational');
    expect(caughtUp.body['reconciliation']['last_success_at']).toEqual(expect.any(String));

    // The nightly run is missed: the twin clock moves past the alarm's window.
    await advance(RECONCILIATION_WINDOW_HOURS * HOUR_SECONDS);
    const missed = await status();
    expect(missed.states['reconciliation']).toBe('degraded');
    expect(missed.body['state']).toBe('degraded');
    expect(missed.body['reconciliation']['seconds_since_last_success']).toBeGreaterThan(
      RECONCILIATION_WINDOW_HOURS * HOUR_SECONDS,
    );
    expect(missed.body['components'].find((c: any) => c.component === 'reconciliation').reasons[0]).toMatch(
      /last successful reconciliation was 24 h ago/,
    );

    await reconcile('2026-11-21');
    expect((await status()).states['reconciliation']).toBe('operational');
  });

  it('a dead-lettered webhook degrades webhook intake, and nothing else', async () => {
    await twin.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: twin.names.queueUrls['WebhookDlq']!, MessageBody: '{"dead":true}' }),
    );
    const { states } = await status();
    expect(states['webhook_intake']).toBe('degraded');
    expect(states['api']).toBe('operational');
    expect(states['submission:sandbox']).toBe('operational');
  });

  it('refuses a query parameter with a clear 400', async () => {
    const answer = await call('GET', '/status?verbose=1');
    expect(answer.status).toBe(400);
    expect(answer.body['error']).toMatchObject({ code: 'parameter_unknown', category: 'terminal' });
  });
});

describe('reader-facing status on the twin', () => {
  it('GET /lifecycle: by_polling_only and one sentence per status and launch corridor', async () => {
    const lifecycle = (await call('GET', '/lifecycle', tenant)).body;
    expect(lifecycle['transitions']).toContainEqual(
      expect.objectContaining({ from: 'submitted', to: 'accepted', by_webhook: false, by_polling_only: true }),
    );
    const pending = lifecycle['statuses'].find((s: any) => s.status === 'pending');
    const gb = pending.copy.find((c: any) => c.country === 'GB' && c.currency === 'GBP');
    expect(gb).toMatchObject({
      confirmation: 'asynchronous',
      recheck_after_seconds: 3_600,
      investigation_after_seconds: 86_400,
    });
    expect(gb.sentence).toContain('manual investigation');
    // Unsupported corridors (JP) have no sentence: no payout can be in them.
    expect(pending.copy.map((c: any) => c.country)).not.toContain('JP');
  });

  it('a payout says whether confirmation is asynchronous and when ops investigate', async () => {
    const created = await call(
      'POST',
      '/payouts',
      tenant,
      {
        amount: 1_000,
        currency: 'GBP',
        destination: { country: 'GB', method: 'faster_payments', sort_code: '601613', account_number: '31926819' },
        recipient: { name: 'Status Reader' },
      },
      { 'idempotency-key': `status-copy-${Date.now()}` },
    );
    expect(created.status).toBe(201);
    const payout = (await call('GET', `/payouts/${created.body['payout_id']}`, tenant)).body;
    expect(payout['failure_source']).toBeNull();
    expect(payout['status_copy']).toMatchObject({ confirmation: 'asynchronous', investigation_after_seconds: 86_400 });
    expect(Date.parse(payout['status_copy']['investigation_from']) - Date.parse(payout['created_at'])).toBe(86_400_000);
  });
});
