// The whole twin: POST /payouts through the HTTP API → SubmissionQueue → the bundled submit-payout
// in a Lambda worker → the sandbox provider. One payout at the provider per payout, whatever the
// client retries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countSandboxPayouts, sandboxPayoutsFor } from '../../local/sandbox/client.js';
import { startTwin, type StartedTwin } from '../support/twin.js';
import { ibanFor } from '../support/sandbox-client.js';

/** The twin's SQS poller, the worker cold start and the sandbox together answer well within this. */
const SETTLE_TIMEOUT_MS = 60_000;
const POLL_INTERVAL_MS = 250;

let twin: StartedTwin;
let token: string;

beforeAll(async () => {
  twin = await startTwin({ port: 0, fresh: true });
  token = await twin.token({ tenant: 'acme', role: 'backend', scopes: ['payouts:write', 'payouts:read'] });
});
afterAll(async () => twin?.stop());

async function create(trigger: string, key: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${twin.url}/payouts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({
      amount: 12_500,
      currency: 'EUR',
      destination: { country: 'DE', method: 'sepa', iban: ibanFor(trigger) },
      recipient: { name: 'Ada Lovelace' },
    }),
  });
  return { status: response.status, body: await response.json() };
}

async function waitForStatus(payoutId: string, statuses: string[]): Promise<any> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const payout = await (
      await fetch(`${twin.url}/payouts/${payoutId}`, { headers: { authorization: `Bearer ${token}` } })
    ).json();
    if (statuses.includes(payout.status) || Date.now() > deadline) return payout;
    await new Promise((resolveWait) => setTimeout(resolveWait, POLL_INTERVAL_MS));
  }
}

describe('submission through the twin', () => {
  it('a created payout is accepted by the sandbox, with its reference, exactly once — also when the client retries', async () => {
    const key = `e2e-submit-${Date.now()}`;
    const first = await create('paid', key);
    expect(first.status).toBe(201);
    expect(first.body.status).toBe('submitted');
    const retries = await Promise.all(Array.from({ length: 5 }, () => create('paid', key)));
    expect(new Set(retries.map((retry) => retry.body.payout_id))).toEqual(new Set([first.body.payout_id]));

    const accepted = await waitForStatus(first.body.payout_id, ['accepted', 'pending', 'paid']);
    const atSandbox = await sandboxPayoutsFor(twin.twin.sandboxProviderUrl, first.body.payout_id);
    expect(atSandbox).toHaveLength(1);
    expect(accepted.provider_reference).toBe(atSandbox[0]!.id);
    expect(atSandbox[0]).toMatchObject({ idempotency_key: first.body.payout_id, amount: 12_500, currency: 'EUR' });
  });

  it('a rejected submission fails the payout with the provider reason', async () => {
    const created = await create('rejected', `e2e-reject-${Date.now()}`);
    const failed = await waitForStatus(created.body.payout_id, ['failed']);
    expect(failed.status).toBe('failed');
    expect(failed.status_reason).toContain('invalid_account_number');
    expect(await countSandboxPayouts(twin.twin.sandboxProviderUrl, created.body.payout_id)).toBe(0);
  });
});
