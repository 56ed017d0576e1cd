// Event ownership end to end on DynamoDB Local + fauxqs: a validly signed event
// that is not about the payout it names moves nothing — no status, no postings, no reference — and
// becomes one ops exception, while its queue message is processed (no retries, no DLQ). The same
// rule holds for the sweeper's status answers and for replays and DLQ redrives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulidx';
import { DeadLetterQueue } from '../../../functions/adapters/dlq';
import { readBalances } from '../../../functions/adapters/ledger-balances';
import { RecheckMarkers } from '../../../functions/adapters/recheck-markers';
import type { OwnershipCheck } from '../../../functions/domain/event-ownership';
import { exceptionIdFor } from '../../../functions/domain/exceptions';
import type { Payout } from '../../../functions/domain/payout';
import type { ProviderPort, StatusResult } from '../../../functions/domain/provider-port';
import { mapSandboxState } from '../../../functions/domain/provider-status';
import { sweep } from '../../../functions/app/sweeper/sweep';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { samplePayout, scanAll } from '../payouts/helpers';
import { harness, MAX_RECEIVE_COUNT } from './harness';

let emulators: StartedEmulators;
let h: ReturnType<typeof harness>;

beforeAll(async () => {
  emulators = await startEmulators();
  h = harness(emulators);
});
afterAll(async () => emulators?.stop());

type Provider = 'sandbox' | 'stripe';
const PROVIDERS: readonly Provider[] = ['sandbox', 'stripe'];
const OTHER: Record<Provider, Provider> = { sandbox: 'stripe', stripe: 'sandbox' };
const referenceFor = (provider: Provider) => `${provider === 'stripe' ? 'po_' : 'sbx_po_'}${ulid().toLowerCase()}`;
const eventIdFor = (provider: Provider) => `${provider === 'stripe' ? 'evt_' : 'msg_'}${ulid()}`;
const at = () => new Date().toISOString();

/**
 * A payout of its own tenant (so its ledger accounts are its own) at `provider`, moved the way the
 * real system moves it: the submitter's answer records the reference (and its index item), then the
 * provider says in transit.
 */
async function seed(
  provider: Provider,
  options: { status?: 'submitted' | 'pending'; reference?: boolean } = {},
): Promise<Payout> {
  const created = samplePayout({ provider, tenantId: `own-${ulid().toLowerCase()}` });
  await h.payouts.createPayout(created);
  const { payoutId } = created.payout;
  if (options.reference !== false) {
    const base = { payoutId, occurredAt: at(), recordedAt: at() };
    const submitter = { kind: 'system', id: 'submit-payout' } as const;
    const reference = referenceFor(provider);
    await h.payouts.applyTransition({
      ...base,
      event: 'provider_accepted',
      source: 'submitter',
      sourceRef: `sub-${payoutId}`,
      actor: submitter,
      providerReference: reference,
    });
    if ((options.status ?? 'pending') === 'pending') {
      const sweeper = { kind: 'system', id: 'sweep' } as const;
      await h.payouts.applyTransition({
        ...base,
        event: 'provider_pending',
        source: 'poller',
        sourceRef: `poll-${payoutId}`,
        actor: sweeper,
        claim: { provider },
      });
    }
  }
  return (await h.payouts.getPayoutById(payoutId))!;
}

interface Claim {
  payoutId: string;
  providerReference?: string;
  amountMinor?: number;
  currency?: string;
}

/** A `paid` event as the provider signs it: the sandbox's body (Standard Webhooks) or Stripe's payout object. */
async function deliverPaid(provider: Provider, eventId: string, claim: Claim) {
  const currency = claim.currency ?? 'EUR';
  if (provider === 'sandbox') {
    const data = {
      payout_id: claim.payoutId,
      provider_reference: claim.providerReference,
      status: 'paid',
      amount: claim.amountMinor ?? 12_500,
      currency,
      fee_minor: 25,
    };
    return h.deliverSandbox(eventId, { type: 'payout.paid', timestamp: at(), data });
  }
  // Stripe writes ISO currencies in lower case; the mapper normalises them.
  const object = {
    id: claim.providerReference,
    status: 'paid',
    amount: claim.amountMinor ?? 12_500,
    currency: currency.toLowerCase(),
    metadata: { payout_id: claim.payoutId },
  };
  return h.deliverStripe(eventId, 'payout.paid', object);
}

/** Everything a refused event must leave as it was: the payout's moving parts, its timeline, its books. */
async function footprint(payout: Payout) {
  const current = (await h.payouts.getPayoutById(payout.payoutId))!;
  const { balances } = await readBalances(
    emulators.clients.documentClient,
    emulators.env['LEDGER_TABLE']!,
    payout.currency,
    payout.tenantId,
  );
  const journal = (await scanAll(emulators.clients.documentClient, emulators.env['LEDGER_TABLE']!)).filter(
    (i) => i['pk'] === `JOURNAL#${payout.payoutId}`,
  );
  return {
    payout: {
      status: current.status,
      version: current.version,
      providerReference: current.providerReference,
      lastEventAt: current.lastEventAt,
      feeMinor: current.feeMinor,
    },
    timeline: (await h.payouts.listTimelineOfAnyTenant(payout.payoutId)).length,
    balances: Object.fromEntries(balances.map((b) => [b.account, b.balanceMinor])),
    journalEntries: journal.length,
  };
}

async function ownershipExceptionsOf(payoutId: string) {
  return (await h.exceptions.list({ category: 'event_ownership_mismatch', limit: 200 })).items.filter(
    (e) => e.payoutId === payoutId,
  );
}

/** Per mismatch kind: the payout the event names, and what the event claims about it. */
/**
 * Per mismatch kind: the payout the event names, what the event claims about it, and the checks that
 * fail in their order. Another provider's event also carries another provider's reference, so the
 * provider row fails the reference check too (every check runs; the first names the cause).
 */
interface MismatchRow {
  check: OwnershipCheck;
  failed: OwnershipCheck[];
  name: string;
  arrange: (provider: Provider) => Promise<{ target: Payout; claim: Claim }>;
}
const MISMATCHES: readonly MismatchRow[] = [
  {
    check: 'provider',
    failed: ['provider', 'provider_reference'],
    name: "another provider's signed event names our payout id",
    arrange: async (provider) => {
      const target = await seed(OTHER[provider]);
      return { target, claim: { payoutId: target.payoutId, providerReference: referenceFor(provider) } };
    },
  },
  {
    check: 'provider_reference',
    failed: ['provider_reference'],
    name: "the event carries another payout's reference",
    arrange: async (provider) => {
      const [target, other] = [await seed(provider), await seed(provider)];
      return { target, claim: { payoutId: target.payoutId, providerReference: other.providerReference! } };
    },
  },
  {
    check: 'provider_reference',
    failed: ['provider_reference'],
    name: 'the payout has no reference yet and the claimed one belongs to another payout',
    arrange: async (provider) => {
      const [target, other] = [await seed(provider, { reference: false }), await seed(provider)];
      return { target, claim: { payoutId: target.payoutId, providerReference: other.providerReference! } };
    },
  },
  {
    check: 'amount',
    failed: ['amount'],
    name: 'the event names another amount',
    arrange: async (provider) => {
      const target = await seed(provider);
      return {
        target,
        claim: { payoutId: target.payoutId, providerReference: target.providerReference!, amountMinor: 12_499 },
      };
    },
  },
  {
    check: 'currency',
    failed: ['currency'],
    name: 'the event names another currency',
    arrange: async (provider) => {
      const target = await seed(provider);
      return {
        target,
        claim: { payoutId: target.payoutId, providerReference: target.providerReference!, currency: 'GBP' },
      };
    },
  },
];

describe.each(PROVIDERS)('%s-signed events (intake → queue → processor)', (provider) => {
  it.each(MISMATCHES.map((m) => [m.check, m.name, m] as const))(
    '%s: %s → refused, nothing moves, one ops exception, message processed',
    async (check, _name, mismatch) => {
      const { target, claim } = await mismatch.arrange(provider);
      const before = await footprint(target);
      const dlqBefore = await h.depth(h.dlqUrl);
      const eventId = eventIdFor(provider);
      expect((await deliverPaid(provider, eventId, claim)).statusCode).toBe(202);
      // Processed, not failed: the message is deleted, so neither SQS nor the provider retries it.
      expect(await h.drain()).toEqual(['rejected_ownership']);
      expect(await h.depth(h.queueUrl)).toBe(0);
      expect(await h.depth(h.dlqUrl)).toBe(dlqBefore);
      expect(await h.inbox.get(provider, eventId)).toMatchObject({ outcome: 'rejected_ownership' });

      expect(await footprint(target)).toEqual(before);
      const exceptions = await ownershipExceptionsOf(target.payoutId);
      expect(exceptions).toHaveLength(1);
      expect(exceptions[0]).toMatchObject({
        exceptionId: exceptionIdFor({
          category: 'event_ownership_mismatch',
          provider,
          payoutId: target.payoutId,
          via: { kind: 'webhook', providerEventId: eventId },
        }),
        category: 'event_ownership_mismatch',
        owner: 'ops',
        state: 'open',
        evidence: {
          provider,
          provider_event_id: eventId,
          event_type: 'payout.paid',
          event: 'provider_paid',
          failed_checks: mismatch.failed,
          payout_provider: target.provider,
          payout_status: target.status,
        },
        firstError: { code: `${check}_mismatch` },
      });
      expect((await h.payouts.getPayoutById(target.payoutId))?.exceptionOwner).toBe('ops');
    },
  );

  it('a matching event still applies (and checks amount and currency on the way)', async () => {
    const target = await seed(provider);
    await deliverPaid(provider, eventIdFor(provider), {
      payoutId: target.payoutId,
      providerReference: target.providerReference!,
      amountMinor: 12_500,
      currency: 'EUR',
    });
    expect(await h.drain()).toEqual(['applied']);
    expect((await footprint(target)).balances).toMatchObject({ in_transit: 0, settled: 12_500 });
    expect(await ownershipExceptionsOf(target.payoutId)).toHaveLength(0);
  });

  it('a first reference nobody holds is recorded, as before', async () => {
    const target = await seed(provider, { reference: false });
    const reference = referenceFor(provider);
    await deliverPaid(provider, eventIdFor(provider), { payoutId: target.payoutId, providerReference: reference });
    expect(await h.drain()).toEqual(['applied']);
    expect((await h.payouts.findByProviderReference(provider, reference))?.payoutId).toBe(target.payoutId);
  });
});

describe('the probe findings, reproduced', () => {
  it('a Stripe-signed payout.paid naming a payout in transit at the sandbox does not settle it', async () => {
    const sandboxPayout = await seed('sandbox');
    expect((await footprint(sandboxPayout)).balances).toMatchObject({ available: -12_500, in_transit: 12_500 });
    const eventId = eventIdFor('stripe');
    await h.deliverStripe(eventId, 'payout.paid', {
      id: referenceFor('stripe'),
      status: 'paid',
      amount: 12_500,
      currency: 'eur',
      metadata: { payout_id: sandboxPayout.payoutId },
    });
    expect(await h.drain()).toEqual(['rejected_ownership']);
    const after = await footprint(sandboxPayout);
    expect(after.payout.status).toBe('pending');
    expect(after.balances).toMatchObject({ available: -12_500, in_transit: 12_500 });
    expect(after.balances['settled'] ?? 0).toBe(0);
    const [exception] = await ownershipExceptionsOf(sandboxPayout.payoutId);
    expect(exception?.evidence).toMatchObject({
      provider: 'stripe',
      payout_provider: 'sandbox',
      failed_checks: ['provider', 'provider_reference'],
    });
    expect((exception?.evidence['mismatches'] as unknown[])[0]).toEqual({
      check: 'provider',
      payout: 'sandbox',
      claimed: 'stripe',
    });
  });

  it("a sandbox-signed payout.paid for P3 carrying P4's reference leaves P3 (and P4) where they were", async () => {
    const [p3, p4] = [await seed('sandbox'), await seed('sandbox')];
    const [p3Before, p4Before] = [await footprint(p3), await footprint(p4)];
    const eventId = eventIdFor('sandbox');
    await deliverPaid('sandbox', eventId, { payoutId: p3.payoutId, providerReference: p4.providerReference! });
    expect(await h.drain()).toEqual(['rejected_ownership']);
    expect(await footprint(p3)).toEqual(p3Before);
    expect(await footprint(p4)).toEqual(p4Before);
    const [exception] = await ownershipExceptionsOf(p3.payoutId);
    expect(exception?.evidence).toMatchObject({
      claimed_payout_id: p3.payoutId,
      claimed_provider_reference: p4.providerReference,
      mismatches: [{ check: 'provider_reference', payout: p3.providerReference, claimed: p4.providerReference }],
    });
  });
});

describe('race: two payouts claim the same new reference at once', () => {
  it('exactly one records it; the other is refused, naming the holder', async () => {
    const [a, b] = [await seed('sandbox', { reference: false }), await seed('sandbox', { reference: false })];
    const reference = referenceFor('sandbox');
    const command = (payoutId: string) => ({
      payoutId,
      event: 'provider_accepted' as const,
      source: 'provider_webhook' as const,
      sourceRef: `evt-${payoutId}`,
      occurredAt: at(),
      recordedAt: at(),
      actor: { kind: 'provider' as const, id: 'sandbox' },
      providerReference: reference,
      claim: { provider: 'sandbox' },
      dedup: { provider: 'sandbox', providerEventId: `evt-${payoutId}` },
    });
    const results = await Promise.all([
      h.payouts.applyTransition(command(a.payoutId)),
      h.payouts.applyTransition(command(b.payoutId)),
    ]);
    expect(results.map((r) => r.kind).sort()).toEqual(['applied', 'rejected_ownership']);
    const holder = (await h.payouts.findByProviderReference('sandbox', reference))!.payoutId;
    const refused = results.find((r) => r.kind === 'rejected_ownership');
    expect(refused).toMatchObject({
      mismatches: [{ check: 'provider_reference', payout: null, claimed: reference, heldBy: holder }],
    });
    const loser = holder === a.payoutId ? b : a;
    expect(await h.payouts.getPayoutById(loser.payoutId)).toMatchObject({
      status: 'submitted',
      version: loser.version,
    });
    expect((await h.payouts.getPayoutById(loser.payoutId))?.providerReference).toBeUndefined();
  });
});

describe('replays go through the same check', () => {
  it('POST /ops/replay of a refused event refuses it again: same exception, one more occurrence, nothing moves', async () => {
    const target = await seed('sandbox');
    const eventId = eventIdFor('stripe');
    await h.deliverStripe(eventId, 'payout.paid', {
      id: referenceFor('stripe'),
      status: 'paid',
      metadata: { payout_id: target.payoutId },
    });
    expect(await h.drain()).toEqual(['rejected_ownership']);
    const before = await footprint(target);
    const replayed = await h.ops('POST', '/ops/replay', { event_ids: [`stripe#${eventId}`] });
    expect(replayed.body).toMatchObject({ matched: 1, enqueued: 1 });
    expect(await h.drain()).toEqual(['rejected_ownership']);
    expect(await footprint(target)).toEqual(before);
    const exceptions = await ownershipExceptionsOf(target.payoutId);
    expect(exceptions).toHaveLength(1);
    expect(exceptions[0]?.occurrences).toBe(2);
  });

  it('a dead-lettered event redriven once its payout exists is still checked: refused, the DLQ exception closes, an ownership one opens', async () => {
    const created = samplePayout({ provider: 'sandbox', tenantId: `own-${ulid().toLowerCase()}` });
    const eventId = eventIdFor('stripe');
    // Stripe names a payout we do not know yet: retried, then dead-lettered.
    await h.deliverStripe(eventId, 'payout.paid', {
      id: referenceFor('stripe'),
      status: 'paid',
      metadata: { payout_id: created.payout.payoutId },
    });
    expect(await h.drain(MAX_RECEIVE_COUNT + 3)).toEqual(Array(MAX_RECEIVE_COUNT).fill('failed'));
    expect(await h.depth(h.dlqUrl)).toBe(1);
    // The payout appears — at the sandbox. The redriven Stripe event must not settle it.
    await h.payouts.createPayout(created);
    const before = await footprint(created.payout);
    const view = (await h.ops('GET', '/ops/dlq')).body.data?.find((m) => m['provider_event_id'] === eventId);
    expect((await h.ops('POST', '/ops/dlq/redrive', { message_id: view?.['message_id'] })).body).toMatchObject({
      moved: 1,
    });
    expect(await h.drain()).toEqual(['rejected_ownership']);
    expect(await footprint(created.payout)).toEqual(before);
    expect(await h.depth(h.dlqUrl)).toBe(0);
    expect(
      (
        await h.exceptions.get(
          exceptionIdFor({
            category: 'webhook_dead_lettered',
            message: { kind: 'event', provider: 'stripe', providerEventId: eventId },
          }),
        )
      )?.state,
    ).toBe('resolved');
    expect(await ownershipExceptionsOf(created.payout.payoutId)).toHaveLength(1);
  });
});

describe('the sweeper checks a status answer the same way', () => {
  function port(name: string, answer: (payout: Payout) => StatusResult): ProviderPort {
    return {
      provider: name,
      submit: async () => {
        throw new Error('not used');
      },
      cancel: async () => ({ kind: 'unsupported' as const }),
      requestReturn: async () => ({ kind: 'unsupported' as const }),
      getStatus: async (q) => answer((await h.payouts.getPayoutById(q.payoutId))!),
    };
  }
  const sweepWith = (providers: Record<string, ProviderPort>, payouts: Payout[]) =>
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
      // Quiet since long enough for the stale job: created an hour ago by the clock below.
      awaiting: {
        quietSince: async () =>
          payouts.map((p) => ({
            payoutId: p.payoutId,
            status: p.status,
            country: p.destination.country,
            currency: p.currency,
            createdAt: p.createdAt,
            lastEventAt: p.lastEventAt,
          })),
      },
      providers,
      nowMs: () => Date.now() + 24 * 3_600_000,
    });
  const paid = (payout: Payout, extra: Partial<Extract<StatusResult, { kind: 'found' }>> = {}): StatusResult => ({
    kind: 'found',
    providerReference: payout.providerReference!,
    state: mapSandboxState('paid'),
    countAtProvider: 1,
    amountMinor: payout.amountMinor,
    currency: payout.currency,
    ...extra,
  });

  it.each([
    [
      'provider',
      'a port registered under sandbox that is another provider',
      (p: Payout) => ({ sandbox: port('stripe', () => paid(p)) }),
    ],
    [
      'provider_reference',
      "the provider answers with another payout's reference",
      (p: Payout) => {
        const another = referenceFor('sandbox');
        return { sandbox: port('sandbox', () => paid(p, { providerReference: another })) };
      },
    ],
    [
      'amount',
      'the provider answers with another amount',
      (p: Payout) => ({ sandbox: port('sandbox', () => paid(p, { amountMinor: 1 })) }),
    ],
    [
      'currency',
      'the provider answers with another currency',
      (p: Payout) => ({ sandbox: port('sandbox', () => paid(p, { currency: 'USD' })) }),
    ],
  ] as const)('%s: %s → not applied, one exception however often it is asked', async (check, _name, providersFor) => {
    const target = await seed('sandbox');
    const before = await footprint(target);
    const providers = providersFor(target);
    const first = await sweepWith(providers, [target]);
    expect(first).toMatchObject({ applied: 0, ownershipRejected: 1, errors: 0 });
    await sweepWith(providers, [target]);
    expect(await footprint(target)).toEqual(before);
    const exceptions = await ownershipExceptionsOf(target.payoutId);
    expect(exceptions).toHaveLength(1);
    const answered = providers.sandbox.provider;
    const reference = (
      (await providers.sandbox.getStatus({ payoutId: target.payoutId })) as Extract<StatusResult, { kind: 'found' }>
    ).providerReference;
    expect(exceptions[0]).toMatchObject({
      exceptionId: exceptionIdFor({
        category: 'event_ownership_mismatch',
        provider: answered,
        payoutId: target.payoutId,
        via: { kind: 'poll', providerReference: reference },
      }),
      evidence: { source: 'poller', failed_checks: [check] },
    });
  });

  it('a matching answer is applied', async () => {
    const target = await seed('sandbox');
    expect(await sweepWith({ sandbox: port('sandbox', () => paid(target)) }, [target])).toMatchObject({
      applied: 1,
      ownershipRejected: 0,
    });
    expect((await h.payouts.getPayoutById(target.payoutId))?.status).toBe('paid');
  });
});
