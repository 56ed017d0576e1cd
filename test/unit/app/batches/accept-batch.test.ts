import { describe, expect, it } from 'vitest';
import type { BatchIdClaim, ClaimResult } from '../../../../functions/adapters/batches-repository';
import type { StoredBatchItem } from '../../../../functions/adapters/batch-items';
import { acceptBatch, type AcceptBatchDeps, type FanOutMessage } from '../../../../functions/app/batches/accept-batch';
import type { BatchItemsSource, RawBatchItem } from '../../../../functions/app/batches/batch-items-source';
import { noUploads } from '../../../support/no-uploads';
import { parseApprovalPolicies } from '../../../../functions/domain/approval';
import type { Batch } from '../../../../functions/domain/batches/batch';
import approvalPolicyFile from '../../../../config/approval-policy.json';

// The upload_id path: records come from an injected BatchItemsSource and are validated by the same
// item schema as inline items. In memory: the store below keeps what DynamoDB would, `items` what the
// accept put in its items object.

const caller = { tenantId: 'acme', clientId: 'c1', subject: 'c1', scopes: [], role: 'backend' } as never;
const record = (id: string, overrides: Record<string, unknown> = {}) => ({
  sender_item_id: id,
  amount: 100,
  currency: 'EUR',
  destination: { country: 'DE', method: 'sepa', iban: 'DE89370400440532013000' },
  recipient: { name: 'Ada' },
  ...overrides,
});

function memoryDeps(source: BatchItemsSource) {
  const claims = new Map<string, BatchIdClaim>();
  const batches = new Map<string, Batch>();
  const items: StoredBatchItem[] = [];
  const sent: FanOutMessage[] = [];
  let n = 0;
  const deps: AcceptBatchDeps = {
    store: {
      claimSenderBatchId: async (tenant, id, claim): Promise<ClaimResult> => {
        const held = claims.get(`${tenant}#${id}`);
        if (held !== undefined && held.windowEndsAt > claim.acceptedAt) return { kind: 'held', claim: held };
        claims.set(`${tenant}#${id}`, claim);
        return { kind: 'claimed' };
      },
      takeOverClaim: async () => true,
      commitBatch: async (batch) => {
        batches.set(batch.batchId, batch);
        claims.set(`${batch.tenantId}#${batch.senderBatchId}`, {
          ...claims.get(`${batch.tenantId}#${batch.senderBatchId}`)!,
          state: 'accepted',
        });
      },
      getBatch: async (batchId) => batches.get(batchId),
      updateBatch: async () => undefined,
    },
    itemsSource: source,
    // The accept's one object of JSON lines: what it stores of the items (process-batch writes their records).
    itemObjects: {
      put: async (_key, body) => {
        const lines = Buffer.from(body).toString('utf8').split('\n');
        items.push(...lines.filter((line) => line !== '').map((line) => JSON.parse(line) as StoredBatchItem));
      },
    },
    enqueueFanOut: async (messages) => void sent.push(...messages),
    approvalPolicies: parseApprovalPolicies(approvalPolicyFile),
    amountMaxMinor: 100_000_000,
    nowIso: () => '2026-12-01T00:00:00.000Z',
    newBatchId: () => `bat_01JD00000000000000000000${String(++n).padStart(2, '0')}`,
  };
  return { deps, items, sent };
}

function uploadOf(records: readonly unknown[]): BatchItemsSource & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    readUpload: ({ tenantId, uploadId }) => {
      reads.push(`${tenantId}/${uploadId}`);
      return (async function* (): AsyncIterable<RawBatchItem> {
        for (const [index, r] of records.entries()) yield { index, record: r as Record<string, unknown> };
      })();
    },
  };
}

const fromUpload = (uploadId = 'up_01JD0000000000000000000000') =>
  ({ senderBatchId: 'file-1', source: 'upload', uploadId }) as const;

describe('POST /batches with upload_id (in-memory source)', () => {
  it("reads the tenant's upload and accepts its records like inline items", async () => {
    const source = uploadOf([record('b'), record('a')]);
    const { deps, items, sent } = memoryDeps(source);
    const { batch } = await acceptBatch(deps, { request: fromUpload(), caller, requestId: 'r1' });
    expect(source.reads).toEqual(['acme/up_01JD0000000000000000000000']);
    expect(batch).toMatchObject({ itemCount: 2, chunkCount: 1, totals: [{ currency: 'EUR', amountMinor: 200 }] });
    // Stored in sender_item_id order, with their positions in the file.
    expect(items.map((i) => [i.senderItemId, i.index])).toEqual([
      ['a', 1],
      ['b', 0],
    ]);
    expect(sent).toEqual([{ batchId: batch.batchId, chunk: 0 }]);
  });

  it.each([
    ['a schema error in a row', [record('a'), record('b', { amount: 0 })], 'batch_items_invalid', [1]],
    ['a duplicate id in the file', [record('a'), record('a')], 'sender_item_id_duplicate', [1]],
    ['an unknown column', [record('a', { colour: 'red' })], 'batch_items_invalid', [0]],
    ['an empty file', [], 'batch_items_empty', undefined],
  ])('%s → the same whole-batch error as inline items, nothing written', async (_name, records, code, indices) => {
    const { deps, items, sent } = memoryDeps(uploadOf(records));
    const failure = await acceptBatch(deps, { request: fromUpload(), caller, requestId: 'r1' }).catch((e) => e);
    expect(failure).toMatchObject({ status: 400, code });
    if (indices !== undefined) expect(failure.details.items.map((i: { index: number }) => i.index)).toEqual(indices);
    expect(items).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('an upload that is not there (the stand-in source) → 404 upload_not_found, nothing written', async () => {
    const { deps, items } = memoryDeps(noUploads);
    await expect(acceptBatch(deps, { request: fromUpload(), caller, requestId: 'r1' })).rejects.toMatchObject({
      status: 404,
      code: 'upload_not_found',
      category: 'terminal',
    });
    expect(items).toEqual([]);
  });

  it('the same file again → the original batch, replayed; a changed file → 409 batch_id_reused', async () => {
    const { deps } = memoryDeps(uploadOf([record('a'), record('b')]));
    const first = await acceptBatch(deps, { request: fromUpload(), caller, requestId: 'r1' });
    const again = await acceptBatch(deps, { request: fromUpload(), caller, requestId: 'r2' });
    expect(again).toMatchObject({ replayed: true, batch: { batchId: first.batch.batchId } });
    const changed = { ...deps, itemsSource: uploadOf([record('a'), record('b', { amount: 101 })]) };
    await expect(acceptBatch(changed, { request: fromUpload(), caller, requestId: 'r3' })).rejects.toMatchObject({
      status: 409,
      code: 'batch_id_reused',
      details: { batch_id: first.batch.batchId, batch_url: `/batches/${first.batch.batchId}` },
    });
  });
});

describe('crash safety of the accept', () => {
  it('a crash after the commit, before the fan-out was queued: the replay queues it', async () => {
    const { deps, sent } = memoryDeps(uploadOf([record('a')]));
    let failNext = true;
    const crashing: AcceptBatchDeps = {
      ...deps,
      enqueueFanOut: async (messages) => {
        if (failNext) {
          failNext = false;
          throw new Error('SQS unavailable');
        }
        await deps.enqueueFanOut(messages);
      },
    };
    await expect(acceptBatch(crashing, { request: fromUpload(), caller, requestId: 'r1' })).rejects.toThrow('SQS');
    expect(sent).toEqual([]);
    const replay = await acceptBatch(crashing, { request: fromUpload(), caller, requestId: 'r2' });
    expect(replay.replayed).toBe(true);
    expect(sent).toEqual([{ batchId: replay.batch.batchId, chunk: 0 }]);
  });

  it('a writer that crashed mid-write: within its lease 409 batch_in_progress; after it, taken over', async () => {
    const { deps, items, sent } = memoryDeps(uploadOf([record('a'), record('b')]));
    let now = Date.parse('2026-12-01T00:00:00.000Z');
    const clocked = { ...deps, nowIso: () => new Date(now).toISOString() };
    const crashing = {
      ...clocked,
      store: { ...deps.store, commitBatch: () => Promise.reject(new Error('crashed before the commit')) },
    };
    await expect(acceptBatch(crashing, { request: fromUpload(), caller, requestId: 'r1' })).rejects.toThrow('crashed');
    await expect(acceptBatch(clocked, { request: fromUpload(), caller, requestId: 'r2' })).rejects.toMatchObject({
      status: 409,
      code: 'batch_in_progress',
      category: 'retryable',
      headers: { 'retry-after': '5' },
    });
    now += 60_000;
    const taken = await acceptBatch(clocked, { request: fromUpload(), caller, requestId: 'r3' });
    expect(taken.replayed).toBe(false);
    // The same item records again (same keys, same content) under the first writer's batch id.
    expect(new Set(items.map((i) => `${i.batchId}/${i.senderItemId}`)).size).toBe(2);
    expect(sent).toEqual([{ batchId: taken.batch.batchId, chunk: 0 }]);
  });
});
