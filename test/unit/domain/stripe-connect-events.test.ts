import { describe, expect, it } from 'vitest';
import type { StripePayout } from '../../../functions/adapters/providers/stripe-api';
import { checkEventOwnership } from '../../../functions/domain/event-ownership';
import { decide } from '../../../functions/domain/lifecycle';
import { mapWebhookEvent } from '../../../functions/domain/provider-events';
import { parseStripeReference, stripeReference } from '../../../functions/domain/stripe-reference';
import { PLATFORM_ACCOUNT } from '../../../local/providers/stripe/books';
import { stripeEventOf } from '../../../local/providers/stripe/webhooks';

// Issue 14: Stripe's connected-account webhooks (top-level `account`), as the Stripe stand-in sends them.
const OWNER = 'acct_1OwnerOfThePayout';
const OTHER = 'acct_1SomeoneElse';
const payout = (status: string): StripePayout =>
  ({
    id: 'po_1Connect',
    object: 'payout',
    amount: 1_234,
    currency: 'usd',
    status,
    created: 1_796_083_200,
    metadata: { payout_id: 'po_ours_1' },
    failure_code: status === 'failed' ? 'account_closed' : null,
  }) as unknown as StripePayout;
const eventOf = (account: string, status: string, type = `payout.${status}`) =>
  stripeEventOf({ account, payout: payout(status), type }, 1_796_083_260);
const ours = {
  payoutId: 'po_ours_1',
  provider: 'stripe',
  providerReference: stripeReference(OWNER, 'po_1Connect'),
  amountMinor: 1_234,
  currency: 'USD',
};

describe('Stripe connected-account webhooks', () => {
  it.each([
    ['a connected account', OWNER, `${OWNER}/po_1Connect`],
    ['the platform account', PLATFORM_ACCOUNT, 'po_1Connect'],
  ])('an event of %s names the reference the adapter stored', (_name, account, reference) => {
    const event = eventOf(account, 'paid');
    expect(event['account']).toBe(account === PLATFORM_ACCOUNT ? undefined : account);
    expect(mapWebhookEvent('stripe', 'payout.paid', event)).toMatchObject({
      kind: 'transition',
      event: 'provider_paid',
      payoutId: 'po_ours_1',
      providerReference: reference,
    });
  });

  it.each([
    ['the owning account', OWNER, true],
    ['another connected account', OTHER, false],
    ['the platform account', PLATFORM_ACCOUNT, false],
  ])('event ownership: an event from %s is applied only when it owns the payout', (_name, account, owns) => {
    const mapped = mapWebhookEvent('stripe', 'payout.paid', eventOf(account, 'paid'));
    if (mapped.kind !== 'transition') throw new Error('expected a transition');
    const verdict = checkEventOwnership(ours, {
      provider: 'stripe',
      providerReference: mapped.providerReference!,
      amountMinor: mapped.amountMinor!,
      currency: mapped.currency!,
    });
    expect(verdict.ok).toBe(owns);
    if (!verdict.ok) expect(verdict.mismatches[0]).toMatchObject({ check: 'provider_reference' });
  });

  it('a paid payout that Stripe later fails (payout.failed) becomes reversed', () => {
    const mapped = mapWebhookEvent('stripe', 'payout.failed', eventOf(OWNER, 'failed'));
    expect(mapped).toMatchObject({ kind: 'transition', event: 'provider_failed', statusReason: 'account_closed' });
    if (mapped.kind !== 'transition') return;
    expect(decide('paid', mapped.event)).toEqual({ kind: 'transition', to: 'reversed' });
    expect(decide('pending', mapped.event)).toEqual({ kind: 'transition', to: 'failed' });
  });

  it.each([
    ['po_1abc', { payoutId: 'po_1abc' }],
    ['acct_1X/po_1abc', { account: 'acct_1X', payoutId: 'po_1abc' }],
    ['acct_1X/', undefined],
    ['acct_1X/po_1abc/extra', undefined],
    ['evil/po_1abc', undefined],
    ['', undefined],
  ])('reference %j parses to %j (never guessed)', (reference, parts) => {
    expect(parseStripeReference(reference)).toEqual(parts);
  });
});
