// cancel-over-unanswered-submission (docs/simulation.md), the webhook side, on DynamoDB Local + fauxqs:
// the provider's own `payout.accepted` / `payout.in_transit` for a payout we canceled before any
// answer of its was recorded is stale for the lifecycle, but never swallowed: it opens an ops-owned
// `canceled_but_live_at_provider` exception on the payout. A late event for a payout canceled through
// the provider (it has a reference: the provider confirmed) stays an ordinary stale delivery.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulidx';
import { exceptionIdFor } from '../../../functions/domain/exceptions';
import type { PayoutEvent } from '../../../functions/domain/lifecycle';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { samplePayout } from '../payouts/helpers';
import { harness, sandboxEvent } from './harness';

let emulators: StartedEmulators;
let h: ReturnType<typeof harness>;

beforeAll(async () => {
  emulators = await startEmulators();
  h = harness(emulators);
});
afterAll(async () => emulators?.stop());

const evt = () => `evt_it_${ulid()}`;

async function apply(payoutId: string, event: PayoutEvent, extra: Record<string, unknown> = {}) {
  const now = new Date().toISOString();
  const result = await h.payouts.applyTransition({
    payoutId,
    event,
    source: 'api',
    sourceRef: `req-${ulid()}`,
    occurredAt: now,
    recordedAt: now,
    actor: { kind: 'client', id: 'client-acme-backend', role: 'backend' },
    ...extra,
  });
  expect(result.kind).toBe('applied');
}

/** Canceled by the tenant while still `submitted`: no provider answer was ever recorded. */
async function canceledLocally(): Promise<string> {
  const created = samplePayout({ status: 'submitted' });
  await h.payouts.createPayout(created);
  await apply(created.payout.payoutId, 'cancel_requested');
  return created.payout.payoutId;
}

describe('a provider holding a payout we canceled before its answer', () => {
  it.each([
    ['accepted', 'provider_accepted'],
    ['in_transit', 'provider_pending'],
  ])('payout.%s → stale, and a canceled_but_live_at_provider exception (ops) opens', async (status, event) => {
    const payoutId = await canceledLocally();
    const eventId = evt();
    await h.deliverSandbox(eventId, sandboxEvent(payoutId, status));
    expect(await h.drain()).toEqual(['stale']);
    expect((await h.payouts.getPayoutById(payoutId))?.status).toBe('canceled');
    const exception = await h.exceptions.get(exceptionIdFor({ category: 'canceled_but_live_at_provider', payoutId }));
    expect(exception).toMatchObject({
      category: 'canceled_but_live_at_provider',
      owner: 'ops',
      state: 'open',
      payoutId,
      evidence: {
        provider: 'sandbox',
        event,
        payout_status: 'canceled',
        provider_event_id: eventId,
        provider_reference: `sbx_${payoutId}`,
      },
    });
    expect((await h.payouts.getPayoutById(payoutId))?.exceptionOwner).toBe('ops');
  });

  it('the accepted and then the in_transit event land on one exception', async () => {
    const payoutId = await canceledLocally();
    await h.deliverSandbox(evt(), sandboxEvent(payoutId, 'accepted'));
    await h.deliverSandbox(evt(), sandboxEvent(payoutId, 'in_transit'));
    expect(await h.drain()).toEqual(['stale', 'stale']);
    const { items } = await h.exceptions.list({ category: 'canceled_but_live_at_provider', limit: 200 });
    expect(items.filter((e) => e.payoutId === payoutId)).toHaveLength(1);
  });

  it('a late payout.accepted for a payout the provider confirmed canceled: stale, no exception', async () => {
    const created = samplePayout({ status: 'submitted' });
    await h.payouts.createPayout(created);
    const { payoutId } = created.payout;
    const reference = `sbx_${payoutId}`;
    await apply(payoutId, 'provider_accepted', { providerReference: reference, source: 'submitter' });
    await apply(payoutId, 'provider_canceled', { providerReference: reference, source: 'api' });
    await h.deliverSandbox(evt(), sandboxEvent(payoutId, 'accepted'));
    expect(await h.drain()).toEqual(['stale']);
    expect(await h.exceptions.get(exceptionIdFor({ category: 'canceled_but_live_at_provider', payoutId }))).toBe(
      undefined,
    );
  });
});
