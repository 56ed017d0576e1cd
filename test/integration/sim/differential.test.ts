import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionKeyLocks, tenantKeyPrincipal, type ActionKeyLockStore } from '../../../functions/adapters/action-keys';
import { AuditTrail } from '../../../functions/adapters/audit-trail';
import { PayoutWaitingIndex } from '../../../functions/adapters/payout-waiting-index';
import { ExceptionsRepository } from '../../../functions/adapters/exceptions-repository';
import { InboxRepository } from '../../../functions/adapters/inbox-repository';
import { readBalances } from '../../../functions/adapters/ledger-balances';
import { payoutExceptionOwnerUpdater } from '../../../functions/adapters/payout-exception-owner';
import { PayoutsRepository, type NewPayout } from '../../../functions/adapters/payouts-repository';
import { RecheckMarkers } from '../../../functions/adapters/recheck-markers';
import { exceptionIdFor, openException, type ExceptionSubject } from '../../../functions/domain/exceptions';
import { PAYOUT_EVENTS, type PayoutEvent } from '../../../functions/domain/lifecycle';
import type { CurrencyCode } from '../../../functions/domain/money';
import type { Payout, TransitionCommand } from '../../../functions/domain/payout';
import { chainKeyOf, type AuditRecord, type AuditSubject } from '../../../functions/domain/audit';
import { INERT_GATE } from '../../sim/gate';
import { AuditState } from '../../sim/memory/audit';
import { ExceptionsState, InMemoryExceptions } from '../../sim/memory/exceptions';
import { InboxState, InMemoryInbox } from '../../sim/memory/inbox';
import { InMemoryActionKeys } from '../../sim/memory/action-keys';
import { InMemoryPayouts, PayoutsState } from '../../sim/memory/payouts';
import { InMemoryRechecks, RechecksState } from '../../sim/memory/rechecks';
import { startEmulators, type StartedEmulators } from '../../support/emulators';

// The simulation is only as honest as its in-memory stores. This runs random operation sequences
// (fast-check, seeded) against the in-memory implementations of our repository interfaces and
// against the DynamoDB repositories on DynamoDB Local, one operation at a time on both, and
// requires the same result from each operation (value, or error name) and the same final state
// read back through the repositories. Each run works on ids of its own, so runs share the tables.
// The tenant actions' repository methods are covered too: a transition with its action key lock,
// refused without a write (recordUnapplied false) or recorded stale with its audit, the lock's
// find, getPayout per tenant, and the sweeper's approvals-expired index (PayoutWaitingIndex).
const SEED = 20_260_314;
const RUNS = 40;
/**
 * Noon of today, not a fixed date: inbox items carry a TTL (35 days after receipt) and DynamoDB
 * Local deletes expired items, which the in-memory inbox does not model (no history spans 35 days).
 */
const BASE_MS = Math.floor(Date.now() / 86_400_000) * 86_400_000 + 12 * 3_600_000;
const PAYOUT_SLOTS = 4;
const KEYS = 3;
const EVENTS = 4;
const REFERENCES = 3;
const DEDUP_KEYS = 3;
/** Idempotency-Keys of the tenant's actions: few, so a key is reused (its lock refuses the second use). */
const ACTION_KEYS = 2;
/** The tenant's actions as the use cases apply them (app/actions), and the events they send. */
const ACTION_EVENTS = ['approved', 'approval_rejected', 'cancel_requested', 'provider_canceled'] as const;
/** Approvals in a run expire this many operations (seconds) after their payout's creation. */
const APPROVAL_EXPIRY_OFFSETS = [5, 20] as const;

let emulators: StartedEmulators;
let dynamo: {
  payouts: PayoutsRepository;
  inbox: InboxRepository;
  exceptions: ExceptionsRepository;
  rechecks: RecheckMarkers;
  audit: AuditTrail;
  locks: ActionKeyLocks;
  waiting: PayoutWaitingIndex;
};

beforeAll(async () => {
  emulators = await startEmulators();
  const client = emulators.clients.documentClient;
  const payoutsTable = emulators.names.tables['PayoutsTable']!;
  const operationsTable = emulators.names.tables['OperationsTable']!;
  const auditTable = emulators.env['AUDIT_TABLE']!;
  const audit = new AuditTrail(client, auditTable);
  dynamo = {
    payouts: new PayoutsRepository({
      client,
      payoutsTable,
      ledgerTable: emulators.names.tables['LedgerTable']!,
      auditTable,
    }),
    inbox: new InboxRepository(
      client,
      emulators.names.tables['InboxTable']!,
      emulators.clients.s3,
      emulators.names.buckets['EvidenceBucket'] ?? 'evidence',
    ),
    exceptions: new ExceptionsRepository(client, operationsTable, {
      audit,
      onPayoutOwnerChange: payoutExceptionOwnerUpdater(client, payoutsTable),
    }),
    rechecks: new RecheckMarkers(client, operationsTable),
    audit,
    // As handlers/payout-actions.ts wires them: the locks beside the payouts they lock.
    locks: new ActionKeyLocks(client, payoutsTable),
    waiting: new PayoutWaitingIndex(client, payoutsTable),
  };
});
afterAll(async () => emulators?.stop());

type Op =
  | { op: 'create'; slot: number; key: number; currency: CurrencyCode; amount: number; approval: number | null }
  | { op: 'action'; slot: number; event: (typeof ACTION_EVENTS)[number]; key: number; note: boolean }
  | { op: 'findActionKey'; slot: number; key: number }
  | { op: 'getPayout'; slot: number; otherTenant: boolean }
  | { op: 'approvalsExpiredBy'; offsetSeconds: number }
  | {
      op: 'transition';
      slot: number;
      event: PayoutEvent;
      source: 'provider_webhook' | 'poller' | 'submitter';
      eventId: number;
      reference: number | null;
      wrongAmount: boolean;
      fee: number | null;
    }
  | { op: 'get'; slot: number }
  | { op: 'findByKey'; key: number }
  | { op: 'findByReference'; reference: number }
  | { op: 'receive'; event: number; body: number }
  | { op: 'markEnqueued' | 'recordOutcome' | 'recordFailure' | 'inboxGet'; event: number }
  | { op: 'listUnenqueued'; offsetSeconds: number; limit: number }
  | { op: 'openException'; dedup: number; slot: number | null; reopen: boolean }
  | { op: 'resolveException' | 'getException'; dedup: number }
  | { op: 'requestRecheck' | 'clearRecheck'; slot: number; at: number }
  | { op: 'listRechecks' };

const slot = fc.integer({ min: 0, max: PAYOUT_SLOTS - 1 });
const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('create' as const),
      slot,
      key: fc.integer({ min: 0, max: KEYS - 1 }),
      currency: fc.constantFrom<CurrencyCode>('EUR', 'GBP'),
      amount: fc.constantFrom(777, 12_500),
      // Created requires_approval, expiring that many seconds later; null: created submitted.
      approval: fc.option(fc.constantFrom(...APPROVAL_EXPIRY_OFFSETS), { nil: null }),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('action' as const),
      slot,
      event: fc.constantFrom(...ACTION_EVENTS),
      key: fc.integer({ min: 0, max: ACTION_KEYS - 1 }),
      note: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('findActionKey' as const),
      slot,
      key: fc.integer({ min: 0, max: ACTION_KEYS - 1 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('getPayout' as const), slot, otherTenant: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('approvalsExpiredBy' as const),
      offsetSeconds: fc.integer({ min: 0, max: 30 }),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      op: fc.constant('transition' as const),
      slot,
      event: fc.constantFrom(...PAYOUT_EVENTS),
      source: fc.constantFrom('provider_webhook' as const, 'poller' as const, 'submitter' as const),
      eventId: fc.integer({ min: 0, max: EVENTS - 1 }),
      reference: fc.option(fc.integer({ min: 0, max: REFERENCES - 1 }), { nil: null }),
      wrongAmount: fc.boolean(),
      fee: fc.option(fc.constantFrom(0, 25), { nil: null }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('get' as const), slot }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('findByKey' as const), key: fc.integer({ min: 0, max: KEYS - 1 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('findByReference' as const),
      reference: fc.integer({ min: 0, max: REFERENCES - 1 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('receive' as const),
      event: fc.integer({ min: 0, max: EVENTS - 1 }),
      body: fc.integer({ min: 0, max: 1 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constantFrom(
        'markEnqueued' as const,
        'recordOutcome' as const,
        'recordFailure' as const,
        'inboxGet' as const,
      ),
      event: fc.integer({ min: 0, max: EVENTS - 1 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('listUnenqueued' as const),
      offsetSeconds: fc.integer({ min: 0, max: 120 }),
      limit: fc.integer({ min: 1, max: 3 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.integer({ min: 0, max: DEDUP_KEYS - 1 }).chain((dedup) =>
      // Slots 0..1 open forbidden-transition rows of a payout, the rest dead-lettered webhooks.
      fc.record({
        op: fc.constant('openException' as const),
        dedup: fc.constant(dedup),
        slot: dedup < 2 ? slot : fc.constant(null),
        reopen: fc.boolean(),
      }),
    ),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constantFrom('resolveException' as const, 'getException' as const),
      dedup: fc.integer({ min: 0, max: DEDUP_KEYS - 1 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constantFrom('requestRecheck' as const, 'clearRecheck' as const),
      slot: fc.integer({ min: 0, max: 1 }),
      at: fc.integer({ min: 0, max: 1 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('listRechecks' as const) }) },
);

interface Side {
  payouts: Pick<
    PayoutsRepository,
    | 'createPayout'
    | 'applyTransition'
    | 'getPayoutById'
    | 'getPayoutForSubmission'
    | 'findByIdempotencyKey'
    | 'findByProviderReference'
    | 'getPayout'
  >;
  locks: ActionKeyLockStore;
  waiting: Pick<PayoutWaitingIndex, 'approvalsExpiredBy'>;
  inbox: Pick<
    InboxRepository,
    'receive' | 'markEnqueued' | 'get' | 'recordOutcome' | 'recordFailure' | 'listUnenqueued'
  >;
  exceptions: Pick<ExceptionsRepository, 'openOrUpdate' | 'resolve' | 'get'>;
  rechecks: Pick<RecheckMarkers, 'request' | 'clear' | 'list'>;
}

/** The names one run uses: its own tenant, payout ids, keys, event ids and dedup keys. */
function namesOf(run: string) {
  return {
    tenant: `t-${run}`,
    payoutId: (s: number) => `po_diff_${run}_${s}`,
    key: (k: number) => `key-${k}`,
    eventId: (e: number) => `evt_${run}_${e}`,
    reference: (r: number) => `ref_${run}_${r}`,
    dedupKey: (d: number) => `diff:${run}:${d}`,
  };
}

const at = (index: number) => new Date(BASE_MS + index * 1_000).toISOString();

function newPayout(names: ReturnType<typeof namesOf>, op: Extract<Op, { op: 'create' }>, index: number): NewPayout {
  const approval =
    op.approval === null ? {} : { approval: { thresholdMinor: 500, expiresAt: at(index + op.approval) } };
  const payout: Payout = {
    payoutId: names.payoutId(op.slot),
    tenantId: names.tenant,
    idempotencyKey: names.key(op.key),
    status: op.approval === null ? 'submitted' : 'requires_approval',
    createdBy: { clientId: 'c', subject: 'c' },
    ...approval,
    version: 1,
    amountMinor: op.amount,
    currency: op.currency,
    provider: 'sandbox',
    destination: { country: 'DE', method: 'sepa', fields: { iban: '••••3000' } },
    recipient: { name: 'Ada' },
    createdAt: at(index),
    lastEventAt: at(index),
    requestIds: [`req-${index}`],
  };
  return {
    payout,
    destination: { country: 'DE', method: 'sepa', fields: { iban: 'DE89370400440532013000' } },
    actor: { kind: 'client', id: 'c', role: 'backend' },
    requestId: `req-${index}`,
    fieldHashes: { amount: `h${op.amount}` },
  };
}

function commandOf(
  names: ReturnType<typeof namesOf>,
  op: Extract<Op, { op: 'transition' }>,
  index: number,
  amountOf: (slot: number) => number | undefined,
): TransitionCommand {
  const claimed =
    op.source === 'submitter'
      ? {}
      : { claim: { provider: 'sandbox', ...(op.wrongAmount ? { amountMinor: (amountOf(op.slot) ?? 0) + 1 } : {}) } };
  return {
    payoutId: names.payoutId(op.slot),
    event: op.event,
    source: op.source,
    sourceRef: op.source === 'provider_webhook' ? names.eventId(op.eventId) : `ref-${index}`,
    occurredAt: at(index),
    recordedAt: at(index),
    actor: { kind: op.source === 'submitter' ? 'system' : 'provider', id: 'sandbox' },
    ...(op.reference === null ? {} : { providerReference: names.reference(op.reference) }),
    ...(op.fee === null ? {} : { feeMinor: op.fee }),
    ...claimed,
    ...(op.source === 'provider_webhook'
      ? { dedup: { provider: 'sandbox', providerEventId: names.eventId(op.eventId) } }
      : {}),
  };
}

/** The lock scope of an action key: the run's tenant, the action's route, the payout. */
const actionScope = (names: ReturnType<typeof namesOf>, event: string, slotIndex: number, key: number) => ({
  principal: tenantKeyPrincipal(names.tenant),
  route: `POST /payouts/{payoutId}/${event}`,
  resourceId: names.payoutId(slotIndex),
  key: `action-key-${key}`,
});

/**
 * A tenant's action as app/actions applies it: its own event from the API, the approver's decision
 * with it, the action key lock in the same transaction; refused (not recorded) when stale or forbidden,
 * except the provider's cancel confirmation, which is recorded like any provider word.
 */
function applyAction(side: Side, names: ReturnType<typeof namesOf>, op: Extract<Op, { op: 'action' }>, index: number) {
  const by = { clientId: 'approver', subject: 'approver' };
  const decision =
    op.event === 'approved'
      ? { approvalDecision: { kind: 'approved' as const, by, at: at(index) } }
      : op.event === 'approval_rejected'
        ? { approvalDecision: { kind: 'rejected' as const, by, at: at(index), reason: 'no' } }
        : {};
  const lock = side.locks.lockItem(actionScope(names, op.event, op.slot, op.key), {
    fieldHashes: { note: op.note ? 'h1' : 'h0' },
    salt: `salt-${index}`,
    requestId: `req-${index}`,
    at: at(index),
  });
  return side.payouts.applyTransition(
    {
      payoutId: names.payoutId(op.slot),
      event: op.event,
      source: 'api',
      sourceRef: `req-${index}`,
      occurredAt: at(index),
      recordedAt: at(index),
      actor: { kind: 'client', id: 'approver', role: 'approver' },
      ...decision,
      ...(op.event === 'provider_canceled' ? { claim: { provider: 'sandbox' } } : {}),
    },
    {
      actionKey: lock,
      ...(op.event === 'provider_canceled' ? {} : { recordUnapplied: false }),
      ...(op.note ? { auditDetails: { note: `note ${index}` } } : {}),
    },
  );
}

/** One operation on one side: its value, or the name of what it threw. */
async function apply(
  side: Side,
  names: ReturnType<typeof namesOf>,
  op: Op,
  index: number,
  amountOf: (slot: number) => number | undefined,
): Promise<unknown> {
  try {
    switch (op.op) {
      case 'create':
        return await side.payouts.createPayout(newPayout(names, op, index));
      case 'transition':
        return await side.payouts.applyTransition(commandOf(names, op, index, amountOf));
      case 'action':
        return await applyAction(side, names, op, index);
      case 'findActionKey':
        return await side.locks.find(actionScope(names, 'approved', op.slot, op.key));
      case 'getPayout':
        return await side.payouts.getPayout(
          op.otherTenant ? `${names.tenant}-other` : names.tenant,
          names.payoutId(op.slot),
        );
      case 'approvalsExpiredBy':
        // The index is shared by every run: this run's payouts only, in the index's order.
        return (await side.waiting.approvalsExpiredBy(at(index + op.offsetSeconds), 10_000)).filter((id) =>
          id.startsWith(names.payoutId(0).slice(0, -1)),
        );
      case 'get':
        return await side.payouts.getPayoutById(names.payoutId(op.slot));
      case 'findByKey':
        return await side.payouts.findByIdempotencyKey(names.tenant, names.key(op.key));
      case 'findByReference':
        return await side.payouts.findByProviderReference('sandbox', names.reference(op.reference));
      case 'receive':
        return await side.inbox.receive({
          provider: 'sandbox',
          providerEventId: names.eventId(op.event),
          eventType: 'payout.paid',
          receivedAt: at(index),
          signatureTimestampSeconds: Math.floor((BASE_MS + index * 1_000) / 1_000),
          rawBody: Buffer.from(JSON.stringify({ body: op.body }), 'utf8'),
        });
      case 'markEnqueued':
        return await side.inbox.markEnqueued('sandbox', names.eventId(op.event), at(index));
      case 'recordOutcome':
        return await side.inbox.recordOutcome('sandbox', names.eventId(op.event), 'applied', at(index));
      case 'recordFailure':
        return await side.inbox.recordFailure(
          'sandbox',
          names.eventId(op.event),
          { message: `failure ${index}`, category: 'payout_not_found' },
          at(index),
        );
      case 'inboxGet':
        return await side.inbox.get('sandbox', names.eventId(op.event));
      case 'listUnenqueued':
        return (await side.inbox.listUnenqueued(at(index - op.offsetSeconds), 100))
          .filter((e) => e.providerEventId.startsWith(names.eventId(0).slice(0, -1)))
          .slice(0, op.limit);
      case 'openException':
        return await side.exceptions.openOrUpdate({
          ...openException(subjectOf(names, op.dedup, op.slot), {
            evidence: { index },
            error: { message: `seen at ${index}`, code: 'forbidden_transition' },
            seenAt: at(index),
          }),
          ...(op.reopen ? { reopenIfResolved: true } : {}),
        });
      case 'resolveException':
        return await side.exceptions.resolve({
          exceptionId: exceptionId(names, op.dedup),
          note: `resolved ${index}`,
          actor: { kind: 'operator', id: 'op', role: 'ops' },
          now: at(index),
        });
      case 'getException':
        return await side.exceptions.get(exceptionId(names, op.dedup));
      case 'requestRecheck':
        return await side.rechecks.request({
          payoutId: names.payoutId(op.slot),
          reason: `r${op.at}`,
          requestedAt: at(op.at),
        });
      case 'clearRecheck':
        return await side.rechecks.clear({
          payoutId: names.payoutId(op.slot),
          reason: `r${op.at}`,
          requestedAt: at(op.at),
        });
      case 'listRechecks':
        return (await side.rechecks.list(1_000)).filter((m) => m.payoutId.startsWith(names.payoutId(0).slice(0, -1)));
    }
  } catch (error) {
    return { threw: (error as Error).name };
  }
}

/**
 * The exception a dedup slot opens: linked to a payout (a forbidden event of that payout) when the
 * operation names one, else a dead-lettered webhook; each slot's key is the same either way.
 */
function subjectOf(names: ReturnType<typeof namesOf>, dedup: number, slotOrNull: number | null): ExceptionSubject {
  const providerEventId = names.dedupKey(dedup);
  return slotOrNull === null
    ? { category: 'webhook_dead_lettered', message: { kind: 'event', provider: 'sandbox', providerEventId } }
    : { category: 'forbidden_transition', provider: 'sandbox', providerEventId, payoutId: names.payoutId(slotOrNull) };
}
/** Dedup slots 0..1 are forbidden-transition rows, the rest dead-lettered webhooks (their ids differ). */
const exceptionId = (names: ReturnType<typeof namesOf>, dedup: number) =>
  exceptionIdFor(subjectOf(names, dedup, dedup < 2 ? 0 : null));

/** The state a run left, read back through each side's own reads. */
async function finalState(
  side: Side,
  names: ReturnType<typeof namesOf>,
  balances: () => Promise<unknown>,
  timelines: (payoutId: string) => Promise<unknown>,
  chain: (subject: AuditSubject) => Promise<readonly AuditRecord[]>,
): Promise<unknown> {
  const slots = [...Array(PAYOUT_SLOTS).keys()];
  return {
    payouts: await Promise.all(slots.map((s) => side.payouts.getPayoutById(names.payoutId(s)))),
    submissions: await Promise.all(slots.map((s) => side.payouts.getPayoutForSubmission(names.payoutId(s)))),
    timelines: await Promise.all(slots.map((s) => timelines(names.payoutId(s)))),
    keys: await Promise.all(
      [...Array(KEYS).keys()].map((k) => side.payouts.findByIdempotencyKey(names.tenant, names.key(k))),
    ),
    references: await Promise.all(
      [...Array(REFERENCES).keys()].map((r) => side.payouts.findByProviderReference('sandbox', names.reference(r))),
    ),
    inbox: await Promise.all([...Array(EVENTS).keys()].map((e) => side.inbox.get('sandbox', names.eventId(e)))),
    exceptions: await Promise.all([...Array(DEDUP_KEYS).keys()].map((d) => side.exceptions.get(exceptionId(names, d)))),
    rechecks: (await side.rechecks.list(1_000)).filter((m) => m.payoutId.startsWith(names.payoutId(0).slice(0, -1))),
    actionKeys: await Promise.all(
      slots.flatMap((s) =>
        ACTION_EVENTS.flatMap((event) =>
          [...Array(ACTION_KEYS).keys()].map((k) => side.locks.find(actionScope(names, event, s, k))),
        ),
      ),
    ),
    balances: await balances(),
    // Each payout's and exception's audit chain: the same records in the same order (ids and the
    // hashes over them differ by construction; `seq` and the chain's verification cover the links).
    audit: await Promise.all(
      [
        ...slots.map((s): AuditSubject => ({ type: 'payout', id: names.payoutId(s) })),
        ...[...Array(DEDUP_KEYS).keys()].map((d): AuditSubject => ({ type: 'exception', id: exceptionId(names, d) })),
      ].map(async (subject) => ({ chain: chainKeyOf(subject), records: comparableChain(await chain(subject)) })),
    ),
  };
}

const comparableChain = (records: readonly AuditRecord[]) =>
  records.map(({ audit_id: _id, hash: _hash, prev_hash: _prev, ...rest }) => rest);

/** Timeline entries in a comparable order and shape (the DynamoDB side sorts by time, then a ulid). */
const comparableTimeline = (entries: readonly Record<string, unknown>[]) =>
  entries
    .map(({ pk: _pk, sk: _sk, entity: _e, ...rest }) => rest)
    .sort((a, b) => `${String(a['at'])}${String(a['event'])}`.localeCompare(`${String(b['at'])}${String(b['event'])}`));

describe('in-memory repositories agree with the DynamoDB repositories', () => {
  it('on random operation sequences: every result and the final state', async () => {
    let runNumber = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArbitrary, { minLength: 5, maxLength: 40 }), async (ops) => {
        runNumber += 1;
        const run = `${SEED}-${runNumber}-${Math.random().toString(36).slice(2, 8)}`;
        const names = namesOf(run);
        const auditState = new AuditState();
        const payoutsState = new PayoutsState(auditState);
        const memoryPayouts = new InMemoryPayouts(payoutsState, INERT_GATE);
        const memory: Side = {
          payouts: memoryPayouts,
          inbox: new InMemoryInbox(new InboxState(), INERT_GATE),
          exceptions: new InMemoryExceptions(new ExceptionsState(auditState), INERT_GATE, (payoutId, owner) =>
            memoryPayouts.setExceptionOwner(payoutId, owner),
          ),
          rechecks: new InMemoryRechecks(new RechecksState(), INERT_GATE),
          locks: new InMemoryActionKeys(payoutsState.actionKeys, INERT_GATE),
          waiting: memoryPayouts,
        };
        const amounts = new Map<number, number>();
        const amountOf = (s: number) => amounts.get(s);
        for (const [index, op] of ops.entries()) {
          const fromDynamo = await apply(dynamo, names, op, index + 1, amountOf);
          const fromMemory = await apply(memory, names, op, index + 1, amountOf);
          expect(fromMemory, `op ${index + 1} ${JSON.stringify(op)}`).toEqual(fromDynamo);
          if (op.op === 'create' && (fromDynamo as { kind?: string }).kind === 'created')
            amounts.set(op.slot, op.amount);
        }
        const dynamoState = await finalState(
          dynamo,
          names,
          async () =>
            (
              await Promise.all(
                (['EUR', 'GBP'] as const).map((c) =>
                  readBalances(emulators.clients.documentClient, dynamo.payouts.ledgerTable, c, names.tenant),
                ),
              )
            )
              .flatMap((r) => r.balances)
              .filter((b) => b.balanceMinor !== 0)
              .map((b) => `${b.currency}:${b.account}:${b.balanceMinor}`)
              .sort(),
          async (payoutId) =>
            comparableTimeline(
              (await dynamo.payouts.listTimelineOfAnyTenant(payoutId)) as unknown as Record<string, unknown>[],
            ),
          (subject) => dynamo.audit.chainRecords(subject, 1, Number.MAX_SAFE_INTEGER, { strict: true }),
        );
        const memoryState = await finalState(
          memory,
          names,
          async () =>
            [...payoutsState.balances]
              .filter(([, v]) => v !== 0)
              .map(([k, v]) => {
                const [currency, , account] = k.split('#');
                return `${currency}:${account}:${v}`;
              })
              .sort(),
          async (payoutId) =>
            comparableTimeline((payoutsState.timeline.get(payoutId) ?? []) as unknown as Record<string, unknown>[]),
          async (subject) => auditState.chainOf(chainKeyOf(subject)),
        );
        expect(memoryState).toEqual(dynamoState);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });
});
