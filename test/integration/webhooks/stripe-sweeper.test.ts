// Stripe intake end to end, large bodies in S3, and the sweeper's provider re-checks.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulidx';
import { DeadLetterQueue } from '../../../functions/adapters/dlq';
import { INBOX_INLINE_BODY_BYTES_MAX } from '../../../functions/adapters/inbox-repository';
import { RecheckMarkers } from '../../../functions/adapters/recheck-markers';
import type { ProviderPort, StatusResult } from '../../../functions/domain/provider-port';
import { mapSandboxState } from '../../../functions/domain/provider-status';
import { STALE_AFTER_SECONDS_DEFAULT, LONG_PENDING_AFTER_SECONDS_DEFAULT } from '../../../functions/domain/staleness';
import { sweep } from '../../../functions/app/sweeper/sweep';
import { intakeWebhook } from '../../../functions/app/webhooks/intake';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { samplePayout } from '../payouts/helpers';
import { harness, sandboxEvent, STRIPE_SECRET } from './harness';

let emulators: StartedEmulators;
let h: ReturnType<typeof harness>;
const stripe = new Stripe('sk_test_oracle_only');

beforeAll(async () => {
  emulators = await startEmulators();
  h = harness(emulators);
});
afterAll(async () => emulators?.stop());

async function deliverStripe(type: string, object: Record<string, unknown>) {
  const payload = JSON.stringify({
    id: `evt_${ulid()}`,
    object: 'event',
    type,
    created: Math.floor(Date.now() / 1000),
    data: { object: { object: 'payout', ...object } },
  });
  const header = stripe.webhooks.generateTestHeaderString({ payload, secret: STRIPE_SECRET });
  return intakeWebhook(h.intakeDeps, {
    provider: 'stripe',
    headers: { 'stripe-signature': header },
    rawBody: new TextEncoder().encode(payload),
    requestId: 'req-stripe',
  });
}

describe('stripe', () => {
  it('payout.paid then payout.failed (signed by the stripe package) → our paid → reversed, found by metadata and by reference', async () => {
    const created = samplePayout({ status: 'accepted', provider: 'stripe' });
    await h.payouts.createPayout(created);
    const payoutId = created.payout.payoutId;
    const reference = `po_stripe_${ulid()}`;
    expect(
      (await deliverStripe('payout.paid', { id: reference, status: 'paid', metadata: { payout_id: payoutId } }))
        .statusCode,
    ).toBe(202);
    expect(await h.drain()).toEqual(['applied']);
    expect((await h.payouts.findByProviderReference('stripe', reference))?.payoutId).toBe(payoutId);
    // No metadata this time: the provider reference index finds the payout.
    expect(
      (
        await deliverStripe('payout.failed', {
          id: reference,
          status: 'failed',
          failure_code: 'account_closed',
          metadata: {},
        })
      ).statusCode,
    ).toBe(202);
    expect(await h.drain()).toEqual(['applied']);
    expect(await h.payouts.getPayoutById(payoutId)).toMatchObject({
      status: 'reversed',
      statusReason: 'account_closed',
    });
  });
});

describe('large bodies', () => {
  it('a body over the inline limit is stored in S3 and processed from there', async () => {
    const created = samplePayout();
    await h.payouts.createPayout(created);
    const eventId = `evt_big_${ulid()}`;
    const res = await h.deliverSandbox(
      eventId,
      sandboxEvent(created.payout.payoutId, 'accepted', { note: 'x'.repeat(INBOX_INLINE_BODY_BYTES_MAX) }),
    );
    expect(res.statusCode).toBe(202);
    const stored = await h.inbox.get('sandbox', eventId);
    expect(stored?.bodyInline).toBeUndefined();
    expect(stored?.bodyS3Key).toContain(eventId);
    expect(await h.drain()).toEqual(['applied']);
  });
});

describe('sweeper re-checks', () => {
  function provider(answer: (payoutId: string) => StatusResult): ProviderPort & { calls: number } {
    const port = {
      provider: 'sandbox',
      calls: 0,
      submit: async () => {
        throw new Error('not used');
      },
      cancel: async () => ({ kind: 'unsupported' as const }),
      requestReturn: async () => ({ kind: 'unsupported' as const }),
      getStatus: async (q: { payoutId: string }) => (port.calls++, answer(q.payoutId)),
    };
    return port;
  }
  const resubmitted: string[] = [];
  const sweepWith = (port: ProviderPort, payouts: Array<{ payoutId: string }>, nowMs: number) =>
    sweep({
      inbox: h.inbox,
      webhookQueue: h.intakeDeps.queue,
      dlq: new DeadLetterQueue(emulators.clients.sqs),
      dlqUrls: {
        webhook: h.dlqUrl,
        submission: emulators.env['SUBMISSION_DLQ_URL']!,
        reconciliation: emulators.env['RECONCILIATION_DLQ_URL']!,
        batch: emulators.env['BATCH_DLQ_URL']!,
      },
      exceptions: h.exceptions,
      rechecks: new RecheckMarkers(emulators.clients.documentClient, emulators.env['OPERATIONS_TABLE']!),
      payouts: h.payouts,
      // Only this test's payouts (the emulator holds other tests' too); the index itself: awaiting-index.test.ts.
      awaiting: {
        quietSince: async () =>
          (await Promise.all(payouts.map((p) => h.payouts.getPayoutById(p.payoutId))))
            .filter((p) => p !== undefined)
            .map((p) => ({
              payoutId: p.payoutId,
              status: p.status,
              country: p.destination.country,
              currency: p.currency,
              createdAt: p.createdAt,
              lastEventAt: p.lastEventAt,
            })),
      },
      providers: { sandbox: port },
      resubmit: async (payoutId) => void resubmitted.push(payoutId),
      nowMs: () => nowMs,
    });

  it('a quiet accepted payout is re-asked and the answer applied as a poller event; long pending opens an exception', async () => {
    const old = new Date(Date.now() - (LONG_PENDING_AFTER_SECONDS_DEFAULT + 60) * 1000).toISOString();
    const paidOne = samplePayout({
      status: 'accepted',
      createdAt: old,
      lastEventAt: old,
      destination: { country: 'JP', method: 'bank', fields: {} },
      currency: 'JPY',
    });
    const stuckOne = samplePayout({
      status: 'pending',
      createdAt: old,
      lastEventAt: old,
      destination: { country: 'JP', method: 'bank', fields: {} },
      currency: 'JPY',
    });
    const fresh = samplePayout({ status: 'accepted' });
    for (const p of [paidOne, stuckOne, fresh]) await h.payouts.createPayout(p);
    const port = provider((payoutId) => ({
      kind: 'found',
      providerReference: `sbx_${payoutId}`,
      state: mapSandboxState(payoutId === paidOne.payout.payoutId ? 'paid' : 'in_transit'),
      countAtProvider: 1,
    }));
    const report = await sweepWith(port, [paidOne.payout, stuckOne.payout, fresh.payout], Date.now());
    expect(report).toMatchObject({ applied: 1, longPending: 1, statusCalls: 2, errors: 0 });
    expect((await h.payouts.getPayoutById(paidOne.payout.payoutId))?.status).toBe('paid');
    const timeline = await h.payouts.listTimeline('acme', paidOne.payout.payoutId);
    expect(timeline?.at(-1)).toMatchObject({ event: 'provider_paid', source: 'poller', outcome: 'applied' });
    const open = await h.exceptions.list({ state: 'open', category: 'long_pending' });
    expect(open.items.map((e) => e.payoutId)).toEqual([stuckOne.payout.payoutId]);
    expect((await h.payouts.getPayoutById(stuckOne.payout.payoutId))?.exceptionOwner).toBe('ops');
    // Twice: the same exception, seen again; no second row.
    await sweepWith(port, [stuckOne.payout], Date.now());
    expect((await h.exceptions.list({ state: 'open', category: 'long_pending' })).items).toHaveLength(1);
    expect(STALE_AFTER_SECONDS_DEFAULT).toBeLessThan(LONG_PENDING_AFTER_SECONDS_DEFAULT);
    // The final answer arrives by webhook: the long_pending exception closes and the owner clears.
    // In the payout's own currency: an event naming another one is refused by event ownership.
    await h.deliverSandbox(`evt_${ulid()}`, sandboxEvent(stuckOne.payout.payoutId, 'paid', { currency: 'JPY' }));
    expect(await h.drain()).toEqual(['applied']);
    expect((await h.exceptions.list({ state: 'open', category: 'long_pending' })).items).toHaveLength(0);
    expect((await h.payouts.getPayoutById(stuckOne.payout.payoutId))?.exceptionOwner).toBeUndefined();
  });

  it('a submitted payout the provider never received is handed back to the submitter', async () => {
    const old = new Date(Date.now() - 3_600_000).toISOString();
    const lost = samplePayout({ status: 'submitted', createdAt: old, lastEventAt: old });
    await h.payouts.createPayout(lost);
    const report = await sweepWith(
      provider(() => ({ kind: 'not_found' })),
      [lost.payout],
      Date.now(),
    );
    expect(report.resubmitted).toBe(1);
    expect(resubmitted).toEqual([lost.payout.payoutId]);
  });

  it('a forbidden webhook leaves a re-check marker that the sweeper works off with getStatus', async () => {
    const created = samplePayout({ status: 'failed' });
    await h.payouts.createPayout(created);
    await h.deliverSandbox(`evt_${ulid()}`, sandboxEvent(created.payout.payoutId, 'paid'));
    expect(await h.drain()).toEqual(['forbidden']);
    const port = provider(() => ({
      kind: 'found',
      providerReference: 'sbx_x',
      state: mapSandboxState('failed'),
      countAtProvider: 1,
    }));
    const report = await sweepWith(port, [], Date.now());
    expect(report.rechecked).toBeGreaterThanOrEqual(1);
    expect(port.calls).toBeGreaterThanOrEqual(1);
    const markers = await new RecheckMarkers(emulators.clients.documentClient, emulators.env['OPERATIONS_TABLE']!).list(
      100,
    );
    expect(markers.map((m) => m.payoutId)).not.toContain(created.payout.payoutId);
  });
});
