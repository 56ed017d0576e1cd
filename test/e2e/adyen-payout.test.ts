// Issue 14: a payout through the Adyen corridor (NL/EUR/bank_transfer) in the twin: POST /payouts →
// SubmissionQueue → submit-payout (the Adyen adapter from the registry, its API key and balance account from
// the twin's file) → the Adyen stand-in's POST /transfers → balancePlatform.transfer.* webhooks signed with
// the twin's HMAC key → /webhooks/adyen → the payout. A booked transfer the counterparty's bank sends back
// (`returned`) is our paid → reversed, attributed by Adyen's reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwin, type StartedTwin } from '../support/twin.js';

const SETTLE_TIMEOUT_MS = 60_000;
const POLL_INTERVAL_MS = 250;
const IBAN = 'NL91ABNA0417164300';

let twin: StartedTwin;
let token: string;

beforeAll(async () => {
  twin = await startTwin({ port: 0, fresh: true });
  token = await twin.token({ tenant: 'acme', role: 'backend', scopes: ['payouts:write', 'payouts:read'] });
});
afterAll(async () => twin?.stop());

async function waitForStatus(payoutId: string, status: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const response = await fetch(`${twin.url}/payouts/${payoutId}`, { headers: { authorization: `Bearer ${token}` } });
    const payout = (await response.json()) as Record<string, unknown>;
    if (payout['status'] === status || Date.now() > deadline) return payout;
    await new Promise((resolveWait) => setTimeout(resolveWait, POLL_INTERVAL_MS));
  }
}

describe('a payout through the Adyen corridor, in the twin', () => {
  it('is a bank transfer at Adyen, paid when booked, and reversed when the transfer is returned', async () => {
    const response = await fetch(`${twin.url}/payouts`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': `e2e-adyen-${Date.now()}`,
      },
      body: JSON.stringify({
        amount: 7_750,
        currency: 'EUR',
        destination: { country: 'NL', method: 'bank_transfer', iban: IBAN },
        recipient: { name: 'Anna Klaassen' },
      }),
    });
    const created = (await response.json()) as Record<string, string>;
    expect(response.status, JSON.stringify(created)).toBe(201);
    expect(created).toMatchObject({ status: 'submitted', provider: 'adyen' });
    const payoutId = created['payout_id']!;

    // Adyen answers a new transfer `received`: our accepted.
    const accepted = await waitForStatus(payoutId, 'accepted');
    expect(accepted['status'], JSON.stringify(accepted)).toBe('accepted');
    const reference = accepted['provider_reference'] as string;
    expect(reference).toMatch(/^[A-Z0-9]{16}$/);

    const adyen = twin.twin.providerStandIns['adyen']!;
    await adyen.setState(reference, 'booked');
    expect((await waitForStatus(payoutId, 'paid'))['status']).toBe('paid');
    await adyen.setState(reference, 'returned:counterpartyAccountClosed');
    const reversed = await waitForStatus(payoutId, 'reversed');
    expect(reversed).toMatchObject({ status: 'reversed', provider_reference: reference, failure_source: 'recipient' });
  });
});
