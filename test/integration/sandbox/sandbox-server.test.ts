// The sandbox provider as a real HTTP server on a free port: idempotency like Stripe's, every
// documented trigger, the clock-driven progression, persistence across restarts, and the hooks
// the webhook emitter and the settlement report use.
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxProvider, type SandboxProvider } from '../../../local/sandbox/sandbox-process.js';
import type { SandboxStateChange } from '../../../local/sandbox/store.js';
import {
  advanceSandbox,
  payoutsAtSandbox,
  postPayout,
  sandboxRequest,
  usAccountFor,
} from '../../support/sandbox-client.js';

const STEP_SECONDS = 60; // long enough that only /v1/test/advance moves payouts during a test
const HANG_MS = 1_500;
const CLIENT_TIMEOUT_MS = 200;

let sandbox: SandboxProvider;
let stateDir: string;
const changes: SandboxStateChange[] = [];
let sequence = 0;
const nextId = () => `po_test_${process.pid}_${++sequence}`;

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'sandbox-'));
  sandbox = await startSandboxProvider({ port: 0, stateDir, stepSeconds: STEP_SECONDS, submitHangMs: HANG_MS });
  sandbox.onStateChange((change) => changes.push(change));
});
afterAll(async () => {
  await sandbox.stop();
  rmSync(stateDir, { recursive: true, force: true });
});
afterEach(() => {
  changes.length = 0;
});

describe('idempotency on our payout id', () => {
  it('same key + same body returns the same payout, marked replayed', async () => {
    const payoutId = nextId();
    const first = await postPayout(sandbox.url, payoutId, sandboxRequest(payoutId));
    const second = await postPayout(sandbox.url, payoutId, sandboxRequest(payoutId));
    expect(first.status).toBe(200);
    expect(first.body.id).toMatch(/^sbx_po_[0-9a-f]{24}$/);
    expect(first.replayed).toBe(false);
    expect(second).toMatchObject({ status: 200, replayed: true, body: { id: first.body.id } });
    expect(await payoutsAtSandbox(sandbox.url, payoutId)).toHaveLength(1);
  });

  it('same key + different body is refused with 422 and creates nothing', async () => {
    const payoutId = nextId();
    await postPayout(sandbox.url, payoutId, sandboxRequest(payoutId));
    const reused = await postPayout(sandbox.url, payoutId, sandboxRequest(payoutId, 'paid', { amount: 1 }));
    expect(reused.status).toBe(422);
    expect(reused.body.error).toMatchObject({ type: 'idempotency_error', code: 'idempotency_key_reused' });
    expect(await payoutsAtSandbox(sandbox.url, payoutId)).toHaveLength(1);
  });

  it('20 concurrent submissions with one key create one payout', async () => {
    const payoutId = nextId();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => postPayout(sandbox.url, payoutId, sandboxRequest(payoutId))),
    );
    expect(new Set(answers.map((answer) => answer.body.id)).size).toBe(1);
    expect(await payoutsAtSandbox(sandbox.url, payoutId)).toHaveLength(1);
  });

  it('lists are bounded: limit caps a page, a nonsense limit falls back to the maximum', async () => {
    for (const id of [nextId(), nextId()]) await postPayout(sandbox.url, id, sandboxRequest(id));
    const page = await (await fetch(`${sandbox.url}/v1/payouts?limit=1`)).json();
    expect(page).toMatchObject({ object: 'list', has_more: true });
    expect(page.data).toHaveLength(1);
    const all = await (await fetch(`${sandbox.url}/v1/payouts?limit=-5`)).json();
    expect(all.data.length).toBeGreaterThanOrEqual(2);
  });

  it.each([
    ['no Idempotency-Key', undefined, sandboxRequest('x'), 'idempotency_key_missing'],
    ['a float amount', 'k-float', { ...sandboxRequest('x'), amount: 1.5 }, 'parameter_invalid'],
    ['no payout_id in metadata', 'k-meta', { ...sandboxRequest('x'), metadata: {} }, 'parameter_invalid'],
  ])('refuses %s with 400', async (_label, key, body, code) => {
    const answer = await postPayout(sandbox.url, key, body);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe(code);
  });
});

describe('progression by trigger', () => {
  it.each([
    ['paid', ['accepted', 'in_transit', 'paid']],
    ['failed', ['accepted', 'in_transit', 'failed']],
    ['pending', ['accepted', 'in_transit']],
    ['returned', ['accepted', 'in_transit', 'paid', 'returned']],
    ['canceled', ['accepted', 'canceled']],
  ])('%s walks %j, one step per advance', async (trigger, states) => {
    const payoutId = nextId();
    const created = await postPayout(sandbox.url, payoutId, sandboxRequest(payoutId, trigger));
    for (let step = 0; step < 5; step += 1) await advanceSandbox(sandbox.url, STEP_SECONDS);
    const mine = changes.filter((change) => change.payout.id === created.body.id);
    expect(mine.map((change) => change.payout.status)).toEqual(states);
    expect(mine.map((change) => change.previousStatus)).toEqual([null, ...states.slice(0, -1)]);
    const final = await (await fetch(`${sandbox.url}/v1/payouts/${created.body.id}`)).json();
    expect(final.status).toBe(states.at(-1));
    expect(Object.keys(final.status_transitions)).toEqual(states);
    if (states.includes('paid')) expect(final.batch_id).toMatch(/^sbx_batch_\d{8}$/);
  });

  it('selects triggers by US account number as well', async () => {
    const payoutId = nextId();
    const created = await postPayout(
      sandbox.url,
      payoutId,
      sandboxRequest(payoutId, 'paid', {
        currency: 'USD',
        destination: { country: 'US', method: 'ach', fields: usAccountFor('failed') },
      }),
    );
    await advanceSandbox(sandbox.url, 2 * STEP_SECONDS);
    expect(sandbox.getPayout(created.body.id)?.status).toBe('failed');
    expect(sandbox.triggerOf(created.body.id)?.name).toBe('failed');
  });

  it('event ids are unique and increasing', async () => {
    const payoutId = nextId();
    await postPayout(sandbox.url, payoutId, sandboxRequest(payoutId, 'returned'));
    await advanceSandbox(sandbox.url, 10 * STEP_SECONDS);
    const ids = changes.map((change) => change.eventId);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('submission faults', () => {
  it('rejected: 402 with a reason, nothing recorded, the same answer replayed', async () => {
    const payoutId = nextId();
    const first = await postPayout(sandbox.url, payoutId, sandboxRequest(payoutId, 'rejected'));
    const again = await postPayout(sandbox.url, payoutId, sandboxRequest(payoutId, 'rejected'));
    expect(first.status).toBe(402);
    expect(first.body.error).toMatchObject({ type: 'payout_rejected', code: 'invalid_account_number' });
    expect(again).toMatchObject({ status: 402, replayed: true });
    expect(await payoutsAtSandbox(sandbox.url, payoutId)).toHaveLength(0);
  });

  it('unavailable_on_submit: 503 every time, nothing recorded', async () => {
    const payoutId = nextId();
    for (let attempt = 0; attempt < 3; attempt += 1)
      expect((await postPayout(sandbox.url, payoutId, sandboxRequest(payoutId, 'unavailable_on_submit'))).status).toBe(
        503,
      );
    expect(await payoutsAtSandbox(sandbox.url, payoutId)).toHaveLength(0);
    expect(sandbox.attemptsFor(payoutId)).toBe(3);
  });

  it('flaky_on_submit: 503 first, then accepted', async () => {
    const payoutId = nextId();
    expect((await postPayout(sandbox.url, payoutId, sandboxRequest(payoutId, 'flaky_on_submit'))).status).toBe(503);
    expect(await payoutsAtSandbox(sandbox.url, payoutId)).toHaveLength(0);
    expect((await postPayout(sandbox.url, payoutId, sandboxRequest(payoutId, 'flaky_on_submit'))).status).toBe(200);
    expect(await payoutsAtSandbox(sandbox.url, payoutId)).toHaveLength(1);
  });

  it('error_after_record: 500 first but recorded; the retry gets that payout', async () => {
    const payoutId = nextId();
    expect((await postPayout(sandbox.url, payoutId, sandboxRequest(payoutId, 'error_after_record'))).status).toBe(500);
    expect(await payoutsAtSandbox(sandbox.url, payoutId)).toHaveLength(1);
    const retry = await postPayout(sandbox.url, payoutId, sandboxRequest(payoutId, 'error_after_record'));
    expect(retry).toMatchObject({ status: 200, replayed: true });
    expect(await payoutsAtSandbox(sandbox.url, payoutId)).toHaveLength(1);
  });

  it('timeout_on_submit: the caller gives up, the payout exists, a retry replays it', async () => {
    const payoutId = nextId();
    const abandoned = postPayout(
      sandbox.url,
      payoutId,
      sandboxRequest(payoutId, 'timeout_on_submit'),
      AbortSignal.timeout(CLIENT_TIMEOUT_MS),
    );
    await expect(abandoned).rejects.toThrow(/abort|timeout/i);
    expect(await payoutsAtSandbox(sandbox.url, payoutId)).toHaveLength(1);
    const retry = await postPayout(sandbox.url, payoutId, sandboxRequest(payoutId, 'timeout_on_submit'));
    expect(retry).toMatchObject({ status: 200, replayed: true });
    expect(await payoutsAtSandbox(sandbox.url, payoutId)).toHaveLength(1);
  });

  it('timeout_on_submit answers after the hang when the caller waits', async () => {
    const payoutId = nextId();
    const started = Date.now();
    const answer = await postPayout(sandbox.url, payoutId, sandboxRequest(payoutId, 'timeout_on_submit'));
    expect(answer.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(HANG_MS - 50);
  });
});

describe('persistence', () => {
  it('a restarted sandbox keeps its payouts and idempotency records, and applies states that fell due', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-restart-'));
    let fakeNow = Date.parse('2026-01-01T00:00:00Z');
    const options = { port: 0, stateDir: dir, stepSeconds: 10, realNowMs: () => fakeNow };
    const first = await startSandboxProvider(options);
    const payoutId = nextId();
    const created = await postPayout(first.url, payoutId, sandboxRequest(payoutId));
    await first.stop();

    fakeNow += 25_000; // two steps pass while the sandbox is down
    const second = await startSandboxProvider(options);
    try {
      expect(second.getPayout(created.body.id)?.status).toBe('paid');
      const replay = await postPayout(second.url, payoutId, sandboxRequest(payoutId));
      expect(replay).toMatchObject({ status: 200, replayed: true, body: { id: created.body.id } });
      expect(second.listPayouts({ payoutId })).toHaveLength(1);
    } finally {
      await second.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the journal is folded into the snapshot when it is full; a restart sees every payout and its state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-fold-'));
    const options = { port: 0, stateDir: dir, stepSeconds: STEP_SECONDS, journalLinesMax: 3, plugins: false };
    const first = await startSandboxProvider(options);
    const ids = Array.from({ length: 5 }, () => nextId());
    for (const id of ids) await postPayout(first.url, id, sandboxRequest(id, 'returned'));
    first.advance(2 * STEP_SECONDS);
    const journalLines = readFileSync(join(dir, 'sandbox-journal.jsonl'), 'utf8').split('\n').filter(Boolean).length;
    expect(journalLines).toBeLessThan(3);
    const before = first.listPayouts();
    await first.stop();
    const second = await startSandboxProvider(options);
    try {
      expect(second.listPayouts()).toEqual(before);
      expect(new Set(second.listPayouts().map((payout) => payout.status))).toEqual(new Set(['paid']));
    } finally {
      await second.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a torn journal line (a crash mid-append) is dropped; everything acknowledged before it survives', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-torn-'));
    const first = await startSandboxProvider({ port: 0, stateDir: dir, stepSeconds: STEP_SECONDS });
    const ids = [nextId(), nextId()];
    const created = await Promise.all(ids.map((id) => postPayout(first.url, id, sandboxRequest(id))));
    await first.stop();
    appendFileSync(join(dir, 'sandbox-journal.jsonl'), '{"clockOffsetMs":0,"eventSeq');
    const second = await startSandboxProvider({ port: 0, stateDir: dir, stepSeconds: STEP_SECONDS });
    try {
      expect(
        second
          .listPayouts()
          .map((payout) => payout.id)
          .sort(),
      ).toEqual(created.map((answer) => answer.body.id).sort());
      // The start folded the journal into a snapshot.
      expect(existsSync(join(dir, 'sandbox-state.json'))).toBe(true);
      expect(readFileSync(join(dir, 'sandbox-journal.jsonl'), 'utf8')).toBe('');
    } finally {
      await second.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
