// Issue 14: a payout through the PayPal corridor (US/USD/paypal) in the twin: POST /payouts →
// SubmissionQueue → submit-payout (the PayPal adapter from the registry, OAuth credentials from the twin's
// file) → the PayPal stand-in → PAYMENT.PAYOUTS-ITEM.* webhooks, signed with the test PKI and self-verified
// by the intake → the payout. And PayPal's own terminal path: an UNCLAIMED item that nobody claims is
// RETURNED after 30 days, and the payout becomes failed with the expiry as its reason, the recipient's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNCLAIMED_EXPIRED_REASON } from '../../functions/domain/paypal-status';
import { startTwin, type StartedTwin } from '../support/twin.js';

const SETTLE_TIMEOUT_MS = 60_000;
const POLL_INTERVAL_MS = 250;

let twin: StartedTwin;
let token: string;

beforeAll(async () => {
  twin = await startTwin({ port: 0, fresh: true });
  token = await twin.token({ tenant: 'acme', role: 'backend', scopes: ['payouts:write', 'payouts:read'] });
});
afterAll(async () => twin?.stop());

async function waitForStatus(payoutId: string, statuses: readonly string[]): Promise<Record<string, unknown>> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const response = await fetch(`${twin.url}/payouts/${payoutId}`, { headers: { authorization: `Bearer ${token}` } });
    const payout = (await response.json()) as Record<string, unknown>;
    if (statuses.includes(payout['status'] as string) || Date.now() > deadline) return payout;
    await new Promise((resolveWait) => setTimeout(resolveWait, POLL_INTERVAL_MS));
  }
}

/** Creates a PayPal payout and waits until PayPal holds its item: answers the payout id and payout_item_id. */
async function submittedToPaypal(email: string): Promise<{ payoutId: string; reference: string }> {
  const response = await fetch(`${twin.url}/payouts`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'idempotency-key': `e2e-paypal-${email}-${Date.now()}`,
    },
    body: JSON.stringify({
      amount: 4_200,
      currency: 'USD',
      destination: { country: 'US', method: 'paypal', email },
      recipient: { name: 'Ada Lovelace' },
    }),
  });
  const created = (await response.json()) as Record<string, string>;
  expect(response.status, JSON.stringify(created)).toBe(201);
  expect(created).toMatchObject({ status: 'submitted', provider: 'paypal' });
  const payoutId = created['payout_id']!;
  // PayPal answers a new item PENDING: our payout is accepted, then pending, by the submission alone.
  const held = await waitForStatus(payoutId, ['accepted', 'pending']);
  expect(['accepted', 'pending'], JSON.stringify(held)).toContain(held['status']);
  const reference = held['provider_reference'] as string;
  expect(reference).toMatch(/^[A-Z0-9]{13}$/);
  return { payoutId, reference };
}

describe('a payout through the PayPal corridor, in the twin', () => {
  it('is submitted to PayPal as an item to the email, and paid by its SUCCEEDED webhook', async () => {
    const { payoutId, reference } = await submittedToPaypal('ada@example.com');
    await twin.twin.providerStandIns['paypal']!.setState(reference, 'SUCCESS');
    const paid = await waitForStatus(payoutId, ['paid']);
    expect(paid).toMatchObject({ status: 'paid', provider: 'paypal', provider_reference: reference });
  });

  it('an UNCLAIMED item that expires (RETURNED after 30 days) becomes failed, with the expiry as its reason', async () => {
    const { payoutId, reference } = await submittedToPaypal('no-account-yet@example.com');
    const paypal = twin.twin.providerStandIns['paypal']!;
    await paypal.setState(reference, 'UNCLAIMED');
    const unclaimed = await waitForStatus(payoutId, ['pending']);
    expect(unclaimed['status']).toBe('pending');
    await paypal.setState(reference, 'RETURNED');
    const failed = await waitForStatus(payoutId, ['failed']);
    expect(failed).toMatchObject({
      status: 'failed',
      status_reason: UNCLAIMED_EXPIRED_REASON,
      failure_source: 'recipient',
      provider_reference: reference,
    });
  });
});
