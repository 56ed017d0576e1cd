// PayPal webhook envelopes and item events → lifecycle events, one row per published event type (issue 14).
import { describe, expect, it } from 'vitest';
import { PAYPAL_ITEM_EVENT_STATES } from '../../../functions/domain/paypal-events';
import { PAYPAL_BATCH_STATES, UNCLAIMED_EXPIRED_REASON } from '../../../functions/domain/paypal-status';
import { mapWebhookEvent, webhookEnvelope } from '../../../functions/domain/provider-events';

const item = (status: string, extra: Record<string, unknown> = {}) => ({
  id: 'WH-58D329510W468432D-8HN650336L201105X',
  event_version: '1.0',
  create_time: '2026-11-30T10:00:00.000Z',
  resource_type: 'payouts_item',
  resource: {
    payout_item_id: 'I000000000001',
    transaction_status: status,
    payout_batch_id: 'B000000000001',
    payout_item_fee: { currency: 'USD', value: '0.25' },
    payout_item: { amount: { currency: 'USD', value: '12.34' }, receiver: 'r@example.com', sender_item_id: 'po_1' },
    ...extra,
  },
});

const TABLE: ReadonlyArray<[string, string, string, string | undefined]> = [
  ['PAYMENT.PAYOUTS-ITEM.SUCCEEDED', 'SUCCESS', 'provider_paid', undefined],
  ['PAYMENT.PAYOUTS-ITEM.FAILED', 'FAILED', 'provider_failed', undefined],
  ['PAYMENT.PAYOUTS-ITEM.BLOCKED', 'BLOCKED', 'provider_failed', undefined],
  ['PAYMENT.PAYOUTS-ITEM.HELD', 'ONHOLD', 'provider_pending', undefined],
  ['PAYMENT.PAYOUTS-ITEM.UNCLAIMED', 'UNCLAIMED', 'provider_pending', undefined],
  ['PAYMENT.PAYOUTS-ITEM.RETURNED', 'RETURNED', 'provider_failed', UNCLAIMED_EXPIRED_REASON],
  ['PAYMENT.PAYOUTS-ITEM.REFUNDED', 'REFUNDED', 'provider_reversed', undefined],
  // PayPal shows a canceled unclaimed item as RETURNED: the type says it was our cancel, not the expiry.
  ['PAYMENT.PAYOUTS-ITEM.CANCELED', 'RETURNED', 'provider_canceled', undefined],
  ['PAYMENT.PAYOUTS-ITEM.DENIED', 'FAILED', 'provider_failed', undefined],
];

describe('PayPal item events', () => {
  it('has a row for every item event type, and no other', () => {
    expect(TABLE.map(([type]) => type).sort()).toEqual(Object.keys(PAYPAL_ITEM_EVENT_STATES).sort());
  });
  it.each(TABLE)('%s (item %s) → %s, reason %s', (type, status, event, reason) => {
    expect(mapWebhookEvent('paypal', type, { ...item(status), event_type: type })).toEqual({
      kind: 'transition',
      event,
      providerState: type.endsWith('DENIED') ? 'DENIED' : status,
      payoutId: 'po_1',
      providerReference: 'I000000000001',
      occurredAt: '2026-11-30T10:00:00.000Z',
      feeMinor: 25,
      amountMinor: 1_234,
      currency: 'USD',
      ...(reason === undefined ? {} : { statusReason: reason }),
    });
  });
  it("an item's own error name is its reason", () => {
    const body = item('FAILED', { errors: { name: 'RECEIVER_ACCOUNT_LOCKED', message: 'locked' } });
    expect(mapWebhookEvent('paypal', 'PAYMENT.PAYOUTS-ITEM.FAILED', body)).toMatchObject({
      statusReason: 'RECEIVER_ACCOUNT_LOCKED',
    });
  });
  it.each(PAYPAL_BATCH_STATES)('PAYMENT.PAYOUTSBATCH.%s is acknowledged, never applied', (state) => {
    expect(mapWebhookEvent('paypal', `PAYMENT.PAYOUTSBATCH.${state}`, {})).toMatchObject({ kind: 'ignored' });
  });
  it.each([
    ['an item event without its resource', {}],
    [
      'an amount that is not a decimal',
      item('SUCCESS', { payout_item: { amount: { currency: 'USD', value: '1.234' } } }),
    ],
    [
      'a currency that is not ISO 4217',
      item('SUCCESS', { payout_item: { amount: { currency: 'XXX1', value: '1.00' } } }),
    ],
    [
      'neither our payout id nor an item id',
      item('SUCCESS', { payout_item_id: undefined, payout_item: { amount: { currency: 'USD', value: '1.00' } } }),
    ],
  ])('%s is invalid', (_name, body) => {
    expect(mapWebhookEvent('paypal', 'PAYMENT.PAYOUTS-ITEM.SUCCEEDED', body)).toMatchObject({ kind: 'invalid' });
  });
  it('an event type PayPal sends for something else is ignored', () => {
    expect(mapWebhookEvent('paypal', 'PAYMENT.CAPTURE.COMPLETED', item('SUCCESS'))).toMatchObject({ kind: 'ignored' });
  });
});

describe('PayPal envelope', () => {
  it('reads the event id from `id` and the type from `event_type`', () => {
    expect(webhookEnvelope('paypal', {}, { ...item('SUCCESS'), event_type: 'PAYMENT.PAYOUTS-ITEM.SUCCEEDED' })).toEqual(
      {
        ok: true,
        envelope: {
          providerEventId: 'WH-58D329510W468432D-8HN650336L201105X',
          eventType: 'PAYMENT.PAYOUTS-ITEM.SUCCEEDED',
        },
      },
    );
    expect(webhookEnvelope('paypal', {}, { ...item('SUCCESS'), type: 'PAYMENT.PAYOUTS-ITEM.SUCCEEDED' }).ok).toBe(
      false,
    );
  });
});
