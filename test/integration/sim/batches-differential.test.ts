import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredBatchItem } from '../../../functions/adapters/batch-items';
import { BatchesRepository, type BatchIdClaim } from '../../../functions/adapters/batches-repository';
import type { Batch } from '../../../functions/domain/batches/batch';
import { BATCH_ID_WINDOW_MS } from '../../../functions/domain/batches/batch-limits';
import { INERT_GATE } from '../../sim/gate';
import { BatchesState, InMemoryBatches } from '../../sim/memory/batches';
import { PayoutsState } from '../../sim/memory/payouts';
import { startEmulators, type StartedEmulators } from '../../support/emulators';

// The simulation's batch histories are only as honest as test/sim/memory/batches.ts. As in
// differential.test.ts: seeded fast-check sequences of the batch store's operations run on the
// in-memory store and on BatchesRepository against DynamoDB Local, one at a time on both; every
// result (value, or error name) and the final state read back must agree. The operations cover
// the sender_batch_id claim inside and after its window, the take-over of a writer's lease, item
// writes, the commit transaction (twice, or without its claim), the approval's conditional update,
// and item rejections and reopenings from a read that may be stale.
const SEED = 20_261_201;
const RUNS = 30;
const BASE_MS = Date.UTC(2026, 11, 1, 12);
const SENDER_BATCH_IDS = 2;
const BATCH_SLOTS = 3;
const ITEM_SLOTS = 3;
/** A claim's acceptance after the id's current claim: the same instant, inside its window, exactly at its end, after it. */
const ACCEPTED_AT_OFFSETS_MS = [0, BATCH_ID_WINDOW_MS - 1, BATCH_ID_WINDOW_MS, BATCH_ID_WINDOW_MS + 1] as const;

let emulators: StartedEmulators;
let dynamo: BatchesRepository;

beforeAll(async () => {
  emulators = await startEmulators();
  dynamo = new BatchesRepository(emulators.clients.documentClient, emulators.names.tables['PayoutsTable']!);
});
afterAll(async () => emulators?.stop());

type Op =
  | { op: 'claim'; sbid: number; batch: number; content: number; at: number }
  | { op: 'takeOver'; sbid: number; lease: number }
  | { op: 'writeItems'; batch: number; items: number[] }
  | { op: 'commit'; batch: number; sbid: number }
  | { op: 'getBatch'; batch: number }
  | { op: 'fanOutQueued'; batch: number }
  | { op: 'approve'; batch: number }
  | { op: 'read'; batch: number }
  | { op: 'reject'; batch: number; item: number }
  | { op: 'reopen'; batch: number; item: number };

const slot = (n: number) => fc.nat({ max: n - 1 });
const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('claim' as const),
      sbid: slot(SENDER_BATCH_IDS),
      batch: slot(BATCH_SLOTS),
      content: slot(2),
      at: slot(ACCEPTED_AT_OFFSETS_MS.length),
    }),
  },
  fc.record({ op: fc.constant('takeOver' as const), sbid: slot(SENDER_BATCH_IDS), lease: slot(3) }),
  fc.record({
    op: fc.constant('writeItems' as const),
    batch: slot(BATCH_SLOTS),
    items: fc.uniqueArray(slot(ITEM_SLOTS), { minLength: 1 }),
  }),
  fc.record({ op: fc.constant('commit' as const), batch: slot(BATCH_SLOTS), sbid: slot(SENDER_BATCH_IDS) }),
  fc.record({ op: fc.constant('getBatch' as const), batch: slot(BATCH_SLOTS) }),
  fc.record({ op: fc.constant('fanOutQueued' as const), batch: slot(BATCH_SLOTS) }),
  fc.record({ op: fc.constant('approve' as const), batch: slot(BATCH_SLOTS) }),
  fc.record({ op: fc.constant('read' as const), batch: slot(BATCH_SLOTS) }),
  fc.record({ op: fc.constant('reject' as const), batch: slot(BATCH_SLOTS), item: slot(ITEM_SLOTS) }),
  fc.record({ op: fc.constant('reopen' as const), batch: slot(BATCH_SLOTS), item: slot(ITEM_SLOTS) }),
);

type Store = Pick<
  BatchesRepository,
  | 'claimSenderBatchId'
  | 'getClaim'
  | 'takeOverClaim'
  | 'writeItems'
  | 'commitBatch'
  | 'getBatch'
  | 'updateBatch'
  | 'chunkItems'
  | 'rejectItem'
  | 'reopenItem'
>;

interface Run {
  readonly tenant: string;
  readonly batchId: (n: number) => string;
  readonly senderBatchId: (n: number) => string;
  /** Each side's last read of each item (read op): rejections and reopenings act on it, maybe stale. */
  readonly lastRead: Map<string, StoredBatchItem>;
}

const iso = (ms: number) => new Date(ms).toISOString();

function claimOf(run: Run, op: Extract<Op, { op: 'claim' }>, held: BatchIdClaim | undefined): BatchIdClaim {
  const acceptedAt = (held === undefined ? BASE_MS : Date.parse(held.acceptedAt)) + ACCEPTED_AT_OFFSETS_MS[op.at]!;
  return {
    batchId: run.batchId(op.batch),
    contentHash: `hash-${op.content}`,
    acceptedAt: iso(acceptedAt),
    windowEndsAt: iso(acceptedAt + BATCH_ID_WINDOW_MS),
    state: 'writing',
    leaseEndsAt: iso(acceptedAt + 60_000),
  };
}

function itemOf(run: Run, batch: number, item: number): StoredBatchItem {
  return {
    batchId: run.batchId(batch),
    chunk: 0,
    index: item,
    senderItemId: `item-${item}`,
    payoutId: `po_${run.tenant}_${batch}_${item}`,
    amountMinor: 100 * (item + 1),
    currency: 'EUR',
    destination: { country: 'DE', method: 'sepa', iban: 'DE89370400440532013000' },
    recipient: { name: 'Ada Lovelace' },
    state: 'received',
  };
}

function batchOf(run: Run, batch: number, sbid: number): Batch {
  return {
    batchId: run.batchId(batch),
    tenantId: run.tenant,
    senderBatchId: run.senderBatchId(sbid),
    contentHash: 'hash-0',
    itemCount: ITEM_SLOTS,
    chunkCount: 1,
    totals: [{ currency: 'EUR', amountMinor: 600, itemCount: ITEM_SLOTS }],
    createdBy: { clientId: 'client', subject: 'client' },
    createdByRole: 'backend',
    createdAt: iso(BASE_MS),
    requestId: 'req',
    approval: { thresholds: [{ currency: 'EUR', thresholdMinor: 500 }] },
  };
}

async function apply(store: Store, run: Run, op: Op): Promise<unknown> {
  try {
    return await applyOrThrow(store, run, op);
  } catch (error) {
    return { error: (error as Error).name };
  }
}

async function applyOrThrow(store: Store, run: Run, op: Op): Promise<unknown> {
  switch (op.op) {
    case 'claim': {
      const held = await store.getClaim(run.tenant, run.senderBatchId(op.sbid));
      return store.claimSenderBatchId(run.tenant, run.senderBatchId(op.sbid), claimOf(run, op, held));
    }
    case 'takeOver': {
      const held = await store.getClaim(run.tenant, run.senderBatchId(op.sbid));
      if (held === undefined) return 'no claim';
      const stale = op.lease === 2 ? { ...held, leaseEndsAt: iso(0) } : held;
      const taken = await store.takeOverClaim(run.tenant, run.senderBatchId(op.sbid), stale, iso(BASE_MS + op.lease));
      return { taken, claim: await store.getClaim(run.tenant, run.senderBatchId(op.sbid)) };
    }
    case 'writeItems':
      return store.writeItems(op.items.map((item) => itemOf(run, op.batch, item)));
    case 'commit':
      return store.commitBatch(batchOf(run, op.batch, op.sbid));
    case 'getBatch':
      return store.getBatch(run.batchId(op.batch));
    case 'fanOutQueued':
      return store.updateBatch(run.batchId(op.batch), { fanOutEnqueuedAt: iso(BASE_MS + 1) });
    case 'approve': {
      const approval = {
        thresholds: [{ currency: 'EUR' as const, thresholdMinor: 500 }],
        decision: { kind: 'approved' as const, by: { clientId: 'approver', subject: 'approver' }, at: iso(BASE_MS) },
      };
      return store.updateBatch(run.batchId(op.batch), { approval }, 'attribute_not_exists(approval.decision)');
    }
    case 'read': {
      const items = await store.chunkItems(run.batchId(op.batch), 0);
      for (const item of items) run.lastRead.set(`${op.batch}#${item.senderItemId}`, item);
      return items;
    }
    case 'reject': {
      const item = run.lastRead.get(`${op.batch}#item-${op.item}`);
      if (item === undefined) return 'not read';
      return store.rejectItem(item, {
        code: 'corridor_policy_gated',
        category: 'human_action_required',
        message: 'm',
        at: iso(BASE_MS),
      });
    }
    case 'reopen': {
      const item = run.lastRead.get(`${op.batch}#item-${op.item}`);
      // As retryBatch calls it: only on an item it read as rejected (the read may be stale).
      if (item?.state !== 'rejected') return 'not read as rejected';
      return store.reopenItem(item);
    }
  }
}

async function finalState(store: Store, run: Run) {
  const claims = await Promise.all(
    Array.from({ length: SENDER_BATCH_IDS }, (_, n) => store.getClaim(run.tenant, run.senderBatchId(n))),
  );
  const batches = await Promise.all(Array.from({ length: BATCH_SLOTS }, (_, n) => store.getBatch(run.batchId(n))));
  const items = await Promise.all(Array.from({ length: BATCH_SLOTS }, (_, n) => store.chunkItems(run.batchId(n), 0)));
  return { claims, batches, items };
}

describe('the in-memory batch store agrees with BatchesRepository on DynamoDB Local', () => {
  it('on random operation sequences: every result and the final state', async () => {
    let runNumber = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArbitrary, { minLength: 5, maxLength: 30 }), async (ops) => {
        runNumber += 1;
        const tenant = `t${runNumber}${Math.random().toString(36).slice(2, 8)}`;
        const runOf = (): Run => ({
          tenant,
          batchId: (n) => `bat_${tenant}_${n}`,
          senderBatchId: (n) => `sb-${n}`,
          lastRead: new Map(),
        });
        const [dynamoRun, memoryRun] = [runOf(), runOf()];
        const memory = new InMemoryBatches(new BatchesState(), new PayoutsState(), INERT_GATE);
        for (const [index, op] of ops.entries()) {
          const fromDynamo = await apply(dynamo, dynamoRun, op);
          const fromMemory = await apply(memory, memoryRun, op);
          expect(fromMemory, `op ${index + 1} ${JSON.stringify(op)}`).toEqual(fromDynamo);
        }
        expect(await finalState(memory, memoryRun)).toEqual(await finalState(dynamo, dynamoRun));
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });
});
