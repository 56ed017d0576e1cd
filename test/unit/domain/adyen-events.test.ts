// Adyen transfer webhooks → envelope and lifecycle event, table-driven over the published example
// (02.payout-booked, BalancePlatformTransferNotification-v4.json, aa014f0) and variations of it.
import { describe, expect, it } from 'vitest';
import { mapWebhookEvent, webhookEnvelope } from '../../../functions/domain/provider-events';
import { ADYEN_VECTOR_BODY } from '../../conformance/fixtures/adyen/vectors';

const BOOKED = JSON.parse(ADYEN_VECTOR_BODY) as { type: string; data: Record<string, unknown> };
const withData = (data: Record<string, unknown>, type = BOOKED.type) => ({
  ...BOOKED,
  type,
  data: { ...BOOKED.data, ...data },
});

describe('adyen webhook envelope', () => {
  it('names a delivery by transfer id and sequence number', () =>
    expect(webhookEnvelope('adyen', {}, BOOKED)).toEqual({
      ok: true,
      envelope: { providerEventId: '6JKRLZ8LOT47J7RY.3', eventType: 'balancePlatform.transfer.updated' },
    }));
  it.each([
    ['no sequence number', withData({ sequenceNumber: undefined })],
    ['a fractional sequence number', withData({ sequenceNumber: 1.5 })],
    ['no transfer id', withData({ id: undefined })],
    ['no type', { ...BOOKED, type: undefined }],
    ['an array body', [BOOKED]],
  ])('refuses %s', (_name, body) =>
    expect(webhookEnvelope('adyen', {}, body)).toEqual({ ok: false, reason: 'invalid_json' }),
  );
});

describe('adyen webhook events', () => {
  it('the published booked example is our payout paid, with its reference, amount and time', () =>
    expect(mapWebhookEvent('adyen', BOOKED.type, BOOKED)).toEqual({
      kind: 'transition',
      event: 'provider_paid',
      providerState: 'booked',
      payoutId: 'Your user reference for the transfer',
      providerReference: '6JKRLZ8LOT47J7RY',
      occurredAt: '2023-02-28T11:30:18.000Z',
      amountMinor: 10000,
      currency: 'EUR',
    }));

  it.each([
    ['created, received', 'balancePlatform.transfer.created', { status: 'received', events: [] }, 'provider_accepted'],
    ['authorised', BOOKED.type, { status: 'authorised' }, 'provider_pending'],
    ['refused', BOOKED.type, { status: 'refused', reason: 'notEnoughBalance' }, 'provider_failed'],
    ['failed by the bank', BOOKED.type, { status: 'failed', reason: 'counterpartyAccountClosed' }, 'provider_failed'],
    [
      'returned after booked',
      BOOKED.type,
      { status: 'returned', reason: 'counterpartyAccountNotFound' },
      'provider_reversed',
    ],
  ] as const)('%s → %s', (_name, type, data, event) => {
    const mapped = mapWebhookEvent('adyen', type, withData(data, type));
    expect(mapped).toMatchObject({ kind: 'transition', event, providerState: data.status });
  });

  it('carries the failure reason as our failure code', () => {
    expect(
      mapWebhookEvent('adyen', BOOKED.type, withData({ status: 'returned', reason: 'counterpartyAccountClosed' })),
    ).toMatchObject({ statusReason: 'account_closed' });
    expect(mapWebhookEvent('adyen', BOOKED.type, withData({ status: 'failed', reason: 'somethingNew' }))).toMatchObject(
      {
        statusReason: 'adyen_somethingNew',
      },
    );
    expect(mapWebhookEvent('adyen', BOOKED.type, BOOKED)).not.toHaveProperty('statusReason');
  });

  it.each([
    ['a status Adyen documents for other transfers', 'chargeback'],
    ['a status nobody documents', 'settled'],
  ])('%s is an unknown state: never guessed', (_name, status) =>
    expect(mapWebhookEvent('adyen', BOOKED.type, withData({ status }))).toMatchObject({
      kind: 'unknown_state',
      providerState: status,
      payoutId: BOOKED.data['reference'],
    }),
  );

  it.each([
    ['no status', { status: undefined }, 'adyen transfer event has no status'],
    [
      'a fractional amount',
      { amount: { value: 10.5, currency: 'EUR' } },
      'adyen transfer amount 10.5 is not a count of minor units',
    ],
    [
      'neither reference nor id',
      { reference: undefined, id: undefined },
      'event names neither our payout id nor a provider reference',
    ],
  ])('%s is invalid: never guessed', (_name, data, reason) =>
    expect(mapWebhookEvent('adyen', BOOKED.type, withData(data))).toEqual({ kind: 'invalid', reason }),
  );

  it.each([
    ['an internal transfer', BOOKED.type, { category: 'internal' }],
    ['an incoming bank transfer', BOOKED.type, { direction: 'incoming' }],
    ['a card payout', BOOKED.type, { category: 'card' }],
    ['another webhook type', 'balancePlatform.balanceAccount.created', {}],
  ])('%s is acknowledged and ignored', (_name, type, data) =>
    expect(mapWebhookEvent('adyen', type, withData(data, type))).toMatchObject({ kind: 'ignored' }),
  );
});
