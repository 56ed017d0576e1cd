import { describe, expect, it } from 'vitest';
import type { SandboxPayout } from '../../../functions/adapters/providers/sandbox-api';
import { checkEventOwnership } from '../../../functions/domain/event-ownership';
import { mapWebhookEvent, webhookEnvelope } from '../../../functions/domain/provider-events';
import type { SandboxStateChange } from '../../../local/sandbox/books';
import { webhookEventOf } from '../../../local/sandbox/webhook-event';
import { SANDBOX_PAYOUT_STATES } from '../../../functions/domain/provider-status';

const sandbox = (status: string, extra: Record<string, unknown> = {}) => ({
  id: 'evt_sbx_00000001',
  type: `payout.${status}`,
  timestamp: '2026-11-25T10:00:00.000Z',
  data: {
    payout_id: 'po_1',
    provider_reference: 'sbx_1',
    status,
    amount: 100,
    currency: 'GBP',
    fee_minor: 25,
    ...extra,
  },
});
const stripe = (type: string, object: Record<string, unknown> = {}) => ({
  id: 'evt_1',
  type,
  created: 1_795_600_800,
  data: { object: { id: 'po_stripe_1', object: 'payout', status: 'paid', metadata: { payout_id: 'po_1' }, ...object } },
});

describe('sandbox events → payout events (every sandbox state)', () => {
  const expected: Record<(typeof SANDBOX_PAYOUT_STATES)[number], string> = {
    accepted: 'provider_accepted',
    in_transit: 'provider_pending',
    paid: 'provider_paid',
    failed: 'provider_failed',
    canceled: 'provider_canceled',
    returned: 'provider_reversed',
  };
  for (const state of SANDBOX_PAYOUT_STATES) {
    it(`payout.${state} → ${expected[state]}`, () => {
      const mapped = mapWebhookEvent('sandbox', `payout.${state}`, sandbox(state));
      expect(mapped).toMatchObject({
        kind: 'transition',
        event: expected[state],
        providerState: state,
        payoutId: 'po_1',
        providerReference: 'sbx_1',
        occurredAt: '2026-11-25T10:00:00.000Z',
        feeMinor: 25,
      });
    });
  }
  it('carries the failure code as the status reason', () => {
    expect(
      mapWebhookEvent('sandbox', 'payout.failed', sandbox('failed', { failure_code: 'account_closed' })),
    ).toMatchObject({ statusReason: 'account_closed' });
  });
  it.each([
    ['unknown state', 'payout.teleported', sandbox('teleported'), 'unknown_state'],
    ['no data', 'payout.paid', { type: 'payout.paid' }, 'invalid'],
    ['no payout id or reference', 'payout.paid', { type: 'payout.paid', data: { status: 'paid' } }, 'invalid'],
    ['not about a payout', 'balance.updated', { type: 'balance.updated', data: {} }, 'ignored'],
  ])('%s → %s', (_name, type, body, kind) => expect(mapWebhookEvent('sandbox', type, body).kind).toBe(kind));
});

describe('stripe payout.* events → payout events', () => {
  it.each([
    ['payout.paid', {}, 'provider_paid'],
    ['payout.failed', { status: 'failed', failure_code: 'account_closed' }, 'provider_failed'],
    ['payout.canceled', { status: 'canceled' }, 'provider_canceled'],
    ['payout.updated', { status: 'in_transit' }, 'provider_pending'],
    ['payout.updated', { status: 'pending' }, 'provider_accepted'],
    ['payout.updated', { status: 'paid' }, 'provider_paid'],
    ['payout.updated', { status: 'failed' }, 'provider_failed'],
    ['payout.updated', { status: 'canceled' }, 'provider_canceled'],
  ])('%s %j → %s', (type, object, event) => {
    expect(mapWebhookEvent('stripe', type, stripe(type, object))).toMatchObject({
      kind: 'transition',
      event,
      payoutId: 'po_1',
      providerReference: 'po_stripe_1',
      occurredAt: '2026-11-25T10:00:00.000Z',
    });
  });
  it('payout.failed carries failure_code (on a paid payout the lifecycle makes it paid → reversed)', () => {
    expect(
      mapWebhookEvent(
        'stripe',
        'payout.failed',
        stripe('payout.failed', { status: 'failed', failure_code: 'account_closed' }),
      ),
    ).toMatchObject({ event: 'provider_failed', statusReason: 'account_closed' });
  });
  it('without metadata.payout_id the provider reference is used', () => {
    const mapped = mapWebhookEvent('stripe', 'payout.paid', stripe('payout.paid', { metadata: {} }));
    expect(mapped).toMatchObject({ kind: 'transition', providerReference: 'po_stripe_1' });
    expect(mapped).not.toHaveProperty('payoutId');
  });
  it.each([
    ['payout.created', 'ignored'],
    ['payout.reconciliation_completed', 'ignored'],
    ['charge.succeeded', 'ignored'],
  ])('%s → %s', (type, kind) => expect(mapWebhookEvent('stripe', type, stripe(type)).kind).toBe(kind));
  it('payout.updated with an unknown status → unknown_state, never guessed', () =>
    expect(mapWebhookEvent('stripe', 'payout.updated', stripe('payout.updated', { status: 'exploded' }))).toMatchObject(
      {
        kind: 'unknown_state',
        providerState: 'exploded',
        payoutId: 'po_1',
      },
    ));
  it.each([['a non-payout object', { id: 'evt', type: 'payout.paid', data: { object: { object: 'charge' } } }]])(
    '%s → invalid',
    (_n, body) => expect(mapWebhookEvent('stripe', (body as { type: string }).type, body).kind).toBe('invalid'),
  );
});

describe('envelope: provider event id and type', () => {
  it('sandbox: the webhook-id header', () =>
    expect(webhookEnvelope('sandbox', { 'webhook-id': 'evt_sbx_1' }, sandbox('paid'))).toEqual({
      ok: true,
      envelope: { providerEventId: 'evt_sbx_1', eventType: 'payout.paid' },
    }));
  it('stripe: the body id', () =>
    expect(webhookEnvelope('stripe', {}, stripe('payout.paid'))).toEqual({
      ok: true,
      envelope: { providerEventId: 'evt_1', eventType: 'payout.paid' },
    }));
  it.each([[null], [[1, 2]], ['text'], [{ type: 'x' }]])('refuses %j', (body) =>
    expect(webhookEnvelope('stripe', {}, body).ok).toBe(false),
  );
  it('refuses an event id with spaces or over 255 chars', () => {
    expect(webhookEnvelope('sandbox', { 'webhook-id': 'a b' }, sandbox('paid')).ok).toBe(false);
    expect(webhookEnvelope('sandbox', { 'webhook-id': 'x'.repeat(256) }, sandbox('paid')).ok).toBe(false);
  });
});

describe('amount and currency, for the ownership check', () => {
  it('sandbox: data.amount and data.currency', () => {
    expect(mapWebhookEvent('sandbox', 'payout.paid', sandbox('paid'))).toMatchObject({
      amountMinor: 100,
      currency: 'GBP',
    });
  });
  it("stripe: the payout object's amount, its lower-case currency normalised to ISO upper case", () => {
    expect(
      mapWebhookEvent('stripe', 'payout.paid', stripe('payout.paid', { amount: 12_500, currency: 'eur' })),
    ).toMatchObject({ amountMinor: 12_500, currency: 'EUR' });
  });
  it.each([
    ['sandbox', sandbox('paid', { amount: undefined, currency: undefined })],
    ['stripe', stripe('payout.paid', { amount: null, currency: null })],
  ] as const)('%s: absent (or null) → not carried, so not checked', (provider, body) => {
    const mapped = mapWebhookEvent(provider, 'payout.paid', body);
    expect(mapped.kind).toBe('transition');
    expect(mapped).not.toHaveProperty('amountMinor');
    expect(mapped).not.toHaveProperty('currency');
  });
  it.each([
    ['sandbox', 'a float amount', sandbox('paid', { amount: 125.5 })],
    ['sandbox', 'a negative amount', sandbox('paid', { amount: -1 })],
    ['sandbox', 'a string amount', sandbox('paid', { amount: '12500' })],
    ['sandbox', 'a currency that is no code', sandbox('paid', { currency: 'euro' })],
    ['stripe', 'a float amount', stripe('payout.paid', { amount: 1.5, currency: 'eur' })],
    ['stripe', 'a numeric currency', stripe('payout.paid', { amount: 100, currency: 978 })],
  ] as const)('%s: %s → invalid (an unreadable value is never skipped)', (provider, _name, body) => {
    expect(mapWebhookEvent(provider, 'payout.paid', body)).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/amount|currency/),
    });
  });
});

describe("the sandbox's own events pass ownership on the payout they are about", () => {
  const held: SandboxPayout = {
    id: 'sbx_po_7',
    object: 'payout',
    amount: 12_500,
    fee: 31,
    currency: 'EUR',
    status: 'paid',
    failure_code: null,
    failure_message: null,
    payout_id: 'po_7',
    idempotency_key: 'po_7',
    destination: { country: 'DE', method: 'sepa', fields: {} },
    metadata: { payout_id: 'po_7' },
    created: '2026-11-25T10:00:00.000Z',
    status_transitions: { paid: '2026-11-25T11:00:00.000Z' },
    batch_id: 'sbx_batch_1',
  };
  const change = {
    eventId: 'evt_sbx_00000007',
    type: 'payout.paid',
    previousStatus: 'in_transit',
    payout: held,
    occurredAt: '2026-11-25T11:00:00.000Z',
  };
  const body = webhookEventOf(change as unknown as SandboxStateChange);
  const mapped = mapWebhookEvent('sandbox', body.type, body);
  it('maps reference, amount and currency from the emitted body', () => {
    expect(mapped).toMatchObject({
      kind: 'transition',
      payoutId: 'po_7',
      providerReference: 'sbx_po_7',
      amountMinor: 12_500,
      currency: 'EUR',
    });
  });
  it("and the claim they make is the payout's", () => {
    if (mapped.kind !== 'transition') throw new Error('not a transition');
    const payout = {
      payoutId: 'po_7',
      provider: 'sandbox',
      providerReference: 'sbx_po_7',
      amountMinor: 12_500,
      currency: 'EUR',
    };
    const claim = {
      provider: 'sandbox',
      providerReference: mapped.providerReference!,
      amountMinor: mapped.amountMinor!,
      currency: mapped.currency!,
    };
    expect(checkEventOwnership(payout, claim)).toEqual({ ok: true });
  });
});
