// Issue 14: a payout through a Stripe corridor goes submitted → accepted → pending → paid in the twin:
// POST /payouts → SubmissionQueue → submit-payout (the Stripe adapter, credentials from the twin's file)
// → the Stripe stand-in → signed connected-account payout.* webhooks → /webhooks/stripe → the payout.
// A paid payout that Stripe then fails is Stripe's bank return: it becomes reversed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwin, type StartedTwin } from '../support/twin.js';

const SETTLE_TIMEOUT_MS = 60_000;
const POLL_INTERVAL_MS = 250;
const ACCOUNT = 'acct_1TwinRecipient';

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

describe('a payout through the Stripe corridor, in the twin', () => {
  it('is submitted to Stripe on the connected account, paid by webhook, and reversed when Stripe fails it', async () => {
    const response = await fetch(`${twin.url}/payouts`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': `e2e-stripe-${Date.now()}`,
      },
      body: JSON.stringify({
        amount: 12_500,
        currency: 'USD',
        destination: { country: 'US', method: 'stripe_connect', stripe_account: ACCOUNT },
        recipient: { name: 'Grace Hopper' },
      }),
    });
    const created = (await response.json()) as Record<string, string>;
    expect(response.status, JSON.stringify(created)).toBe(201);
    expect(created).toMatchObject({ status: 'submitted', provider: 'stripe' });
    const payoutId = created['payout_id']!;

    const accepted = await waitForStatus(payoutId, 'accepted');
    expect(accepted['status']).toBe('accepted');
    const reference = accepted['provider_reference'] as string;
    expect(reference).toMatch(new RegExp(`^${ACCOUNT}/po_[A-Za-z0-9]+$`));

    const stripe = twin.twin.providerStandIns['stripe']!;
    await stripe.setState(reference, 'in_transit');
    expect((await waitForStatus(payoutId, 'pending'))['status']).toBe('pending');
    await stripe.setState(reference, 'paid');
    expect((await waitForStatus(payoutId, 'paid'))['status']).toBe('paid');
    await stripe.setState(reference, 'failed');
    const reversed = await waitForStatus(payoutId, 'reversed');
    expect(reversed).toMatchObject({ status: 'reversed' });
  });
});
