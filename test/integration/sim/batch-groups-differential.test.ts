import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail } from '../../../functions/adapters/audit-trail';
import { BatchExceptionGroups, type BatchGroupMember } from '../../../functions/adapters/batch-exception-groups';
import type { ExceptionActor, ExceptionRecord } from '../../../functions/adapters/exceptions-records';
import { ExceptionsRepository } from '../../../functions/adapters/exceptions-repository';
import { batchGroupExceptionIds, openBatchGroup } from '../../../functions/domain/batches/batch-exceptions';
import { chainKeyOf, type AuditRecord, type AuditSubject } from '../../../functions/domain/audit';
import { FAILURE_SOURCES } from '../../../functions/domain/failure-source';
import { INERT_GATE } from '../../sim/gate';
import { AuditState } from '../../sim/memory/audit';
import { BatchGroupsState, InMemoryBatchGroups } from '../../sim/memory/batch-groups';
import { ExceptionsState, InMemoryExceptions } from '../../sim/memory/exceptions';
import { startEmulators, type StartedEmulators } from '../../support/emulators';

// The simulation's failed-batch-items-grouped invariant reads test/sim/memory/batch-groups.ts; this
// holds that model to BatchExceptionGroups on DynamoDB Local, as batches-differential.test.ts holds
// the batch store. Seeded fast-check sequences of the group operations — an item counted (again),
// moved out by a retry, an emptied group resolved, an operator resolving a group that still lists
// items, reads — run on both, one at a time; every result (value, or error name), each group's row,
// its member list and its audit chain must agree. The model does not bump the row's `version` on a
// member write (memory/batch-groups.ts says why), so versions (the row's, the chain's details') are
// left out of the comparison.
const SEED = 20_261_202;
const RUNS = 30;
const BASE_MS = Date.UTC(2026, 11, 2, 12);
const BATCH_SLOTS = 2;
const ITEM_SLOTS = 3;
const OPS_ACTOR: ExceptionActor = { kind: 'operator', id: 'ops-1', role: 'ops' };

let emulators: StartedEmulators;
let dynamo: { groups: BatchExceptionGroups; exceptions: ExceptionsRepository; audit: AuditTrail };

beforeAll(async () => {
  emulators = await startEmulators();
  const client = emulators.clients.documentClient;
  const operationsTable = emulators.names.tables['OperationsTable']!;
  const audit = new AuditTrail(client, emulators.env['AUDIT_TABLE']!);
  const exceptions = new ExceptionsRepository(client, operationsTable, { audit });
  dynamo = { groups: new BatchExceptionGroups(client, operationsTable, exceptions), exceptions, audit };
});
afterAll(async () => emulators?.stop());

type Op =
  | { op: 'add'; batch: number; source: number; item: number; code: number }
  | { op: 'remove'; batch: number; source: number; item: number }
  | { op: 'resolveIfEmpty'; batch: number; source: number }
  | { op: 'operatorResolves'; batch: number; source: number }
  | { op: 'groups'; batch: number };

const slot = (n: number) => fc.nat({ max: n - 1 });
const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('add' as const),
      batch: slot(BATCH_SLOTS),
      source: slot(FAILURE_SOURCES.length),
      item: slot(ITEM_SLOTS),
      code: slot(2),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('remove' as const),
      batch: slot(BATCH_SLOTS),
      source: slot(FAILURE_SOURCES.length),
      item: slot(ITEM_SLOTS),
    }),
  },
  fc.record({
    op: fc.constant('resolveIfEmpty' as const),
    batch: slot(BATCH_SLOTS),
    source: slot(FAILURE_SOURCES.length),
  }),
  fc.record({
    op: fc.constant('operatorResolves' as const),
    batch: slot(BATCH_SLOTS),
    source: slot(FAILURE_SOURCES.length),
  }),
  fc.record({ op: fc.constant('groups' as const), batch: slot(BATCH_SLOTS) }),
);

interface Side {
  readonly groups: Pick<BatchExceptionGroups, 'addItem' | 'removeItem' | 'resolveIfEmpty' | 'groups'>;
  readonly resolve: ExceptionsRepository['resolve'];
  readonly members: (exceptionId: string) => Promise<BatchGroupMember[]>;
  readonly chain: (subject: AuditSubject) => Promise<readonly AuditRecord[]>;
}

interface Run {
  readonly tenant: string;
  readonly batchId: (n: number) => string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const groupId = (run: Run, batch: number, source: number) =>
  batchGroupExceptionIds(run.batchId(batch)).find((g) => g.source === FAILURE_SOURCES[source])!.exceptionId;

async function apply(side: Side, run: Run, op: Op, step: number): Promise<unknown> {
  try {
    return await applyOrThrow(side, run, op, iso(BASE_MS + step * 1_000));
  } catch (error) {
    return { error: (error as Error).name };
  }
}

async function applyOrThrow(side: Side, run: Run, op: Op, at: string): Promise<unknown> {
  switch (op.op) {
    case 'add': {
      const facts = { batchId: run.batchId(op.batch), senderBatchId: `sb-${op.batch}`, tenantId: run.tenant };
      return side.groups.addItem(openBatchGroup({ ...facts, source: FAILURE_SOURCES[op.source]! }, at), {
        senderItemId: `item-${op.item}`,
        payoutId: `po_${run.tenant}_${op.batch}_${op.item}`,
        code: op.code === 0 ? 'account_closed' : 'corridor_policy_gated',
        category: op.code === 0 ? 'terminal' : 'human_action_required',
        message: `failed (${op.code})`,
        at,
      });
    }
    case 'remove':
      return side.groups.removeItem(groupId(run, op.batch, op.source), `item-${op.item}`, at);
    case 'resolveIfEmpty':
      return side.groups.resolveIfEmpty(groupId(run, op.batch, op.source), at, 'req-retry');
    case 'operatorResolves':
      return comparable(
        await side.resolve({ exceptionId: groupId(run, op.batch, op.source), note: 'done', actor: OPS_ACTOR, now: at }),
      );
    case 'groups':
      return (await side.groups.groups(batchGroupExceptionIds(run.batchId(op.batch)).map((g) => g.exceptionId))).map(
        comparable,
      );
  }
}

const comparable = (record: ExceptionRecord | undefined) => {
  if (record === undefined) return undefined;
  const { version: _version, ...rest } = record;
  return rest;
};

async function finalState(side: Side, run: Run) {
  const ids = Array.from({ length: BATCH_SLOTS }, (_, b) => batchGroupExceptionIds(run.batchId(b))).flat();
  return Promise.all(
    ids.map(async ({ exceptionId }) => ({
      group: (await side.groups.groups([exceptionId])).map(comparable),
      members: await side.members(exceptionId),
      chain: (await side.chain({ type: 'exception', id: exceptionId })).map(
        ({ audit_id: _id, hash: _hash, prev_hash: _prev, details, ...rest }) => ({
          ...rest,
          details: { ...details, version: undefined },
        }),
      ),
    })),
  );
}

describe('the in-memory batch groups agree with BatchExceptionGroups on DynamoDB Local', () => {
  it('on random operation sequences: every result, and each group, its members and its chain', async () => {
    let runNumber = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArbitrary, { minLength: 5, maxLength: 30 }), async (ops) => {
        runNumber += 1;
        const tenant = `t${runNumber}${Math.random().toString(36).slice(2, 8)}`;
        const run: Run = { tenant, batchId: (n) => `bat_${tenant}_${n}` };
        const auditState = new AuditState();
        const groupsState = new BatchGroupsState();
        const exceptions = new InMemoryExceptions(new ExceptionsState(auditState), INERT_GATE, async () => undefined);
        const memory: Side = {
          groups: new InMemoryBatchGroups(groupsState, exceptions, INERT_GATE),
          resolve: (input) => exceptions.resolve(input),
          members: async (exceptionId) =>
            [...(groupsState.members.get(exceptionId)?.values() ?? [])].sort((a, b) =>
              a.senderItemId.localeCompare(b.senderItemId),
            ),
          chain: async (subject) => auditState.chainOf(chainKeyOf(subject)),
        };
        const dynamoSide: Side = {
          groups: dynamo.groups,
          resolve: (input) => dynamo.exceptions.resolve(input),
          members: async (exceptionId) => (await dynamo.groups.items(exceptionId)).items,
          chain: (subject) => dynamo.audit.chainRecords(subject, 1, Number.MAX_SAFE_INTEGER, { strict: true }),
        };
        for (const [index, op] of ops.entries()) {
          const fromDynamo = await apply(dynamoSide, run, op, index + 1);
          const fromMemory = await apply(memory, run, op, index + 1);
          expect(fromMemory, `op ${index + 1} ${JSON.stringify(op)}`).toEqual(fromDynamo);
        }
        expect(await finalState(memory, run)).toEqual(await finalState(dynamoSide, run));
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });
});
