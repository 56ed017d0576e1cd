// Issue 14, "a provider status we do not know opens an exception and is never guessed", on the webhook path:
// for every webhook provider, an event in a state its mapping does not know is `unknown_state` with the raw
// state and the payout it names (never a transition, never `invalid`, which would dead-letter it).
import { describe, expect, it } from 'vitest';
import { mapWebhookEvent, webhookEnvelope } from '../../../functions/domain/provider-events';
import { WEBHOOK_PROVIDERS, type WebhookProvider } from '../../../functions/domain/webhook-signatures';
import { webhookInState } from '../../support/provider-webhooks';

const PAYOUT = { payoutId: 'po_unknown_1', amountMinor: 1_234, currency: 'USD' } as const;
const CASES: ReadonlyArray<{ provider: WebhookProvider; providerReference: string; state: string }> = [
  { provider: 'sandbox', providerReference: 'sbx_1', state: 'teleported' },
  { provider: 'stripe', providerReference: 'acct_1Unknown/po_1Unknown', state: 'exploded' },
  { provider: 'paypal', providerReference: 'I0000UNKNOWN1', state: 'IN_LIMBO' },
  { provider: 'adyen', providerReference: 'TRANSFER0UNKNOWN', state: 'onHoldAtCorrespondentBank' },
];

describe('an unknown provider state in a webhook', () => {
  it('covers every webhook provider', () =>
    expect(CASES.map((c) => c.provider).sort()).toEqual([...WEBHOOK_PROVIDERS].sort()));

  it.each(CASES)('$provider: $state is unknown_state with the raw state, never a guess', (c) => {
    const webhook = webhookInState(c.provider, c.state, { ...PAYOUT, providerReference: c.providerReference })!;
    expect(webhookEnvelope(c.provider, webhook.headers, webhook.body)).toEqual({
      ok: true,
      envelope: { providerEventId: webhook.providerEventId, eventType: webhook.eventType },
    });
    expect(mapWebhookEvent(c.provider, webhook.eventType, webhook.body)).toMatchObject({
      kind: 'unknown_state',
      providerState: c.state,
      payoutId: PAYOUT.payoutId,
      providerReference: c.providerReference,
      amountMinor: PAYOUT.amountMinor,
      currency: PAYOUT.currency,
    });
  });

  it.each(CASES)('$provider: an unknown state naming no payout is invalid (nobody to open it for)', (c) => {
    const webhook = webhookInState(c.provider, c.state, { ...PAYOUT, providerReference: c.providerReference })!;
    const body = structuredClone(webhook.body) as Record<string, any>;
    const strip = (o: Record<string, any> | undefined, keys: string[]) => keys.forEach((k) => o && delete o[k]);
    strip(body['data'], ['payout_id', 'provider_reference', 'reference', 'id']);
    strip(body['data']?.['object'], ['metadata', 'id']);
    strip(body['resource'], ['payout_item_id']);
    strip(body['resource']?.['payout_item'], ['sender_item_id']);
    expect(mapWebhookEvent(c.provider, webhook.eventType, body)).toMatchObject({ kind: 'invalid' });
  });

  it('paypal: a new item event type is never read as its transaction_status', () => {
    const webhook = webhookInState('paypal', 'SUCCESS', { ...PAYOUT, providerReference: 'I1' })!;
    expect(mapWebhookEvent('paypal', 'PAYMENT.PAYOUTS-ITEM.REVIEWED', webhook.body)).toMatchObject({
      kind: 'unknown_state',
      providerState: 'PAYMENT.PAYOUTS-ITEM.REVIEWED',
    });
    expect(mapWebhookEvent('paypal', 'PAYMENT.CAPTURE.COMPLETED', webhook.body)).toMatchObject({ kind: 'ignored' });
  });
});
