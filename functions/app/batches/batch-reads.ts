import type { Hold } from '../../domain/compliance/contract';
import { openHolds } from '../../domain/compliance/holds';
import type { StoredBatchItem } from '../../adapters/batch-items';
import type { BatchIdClaim, ItemPayoutState } from '../../adapters/batches-repository';
import { chunkSizeOf, type Batch } from '../../domain/batches/batch';
import { deriveBatchStatus, type BatchItemCounts, type BatchItemStatus } from '../../domain/batches/batch-status';
import { notFound } from '../../http/api-error';
import { batchItemView, batchView, type BatchItemView, type BatchView } from '../../http/batch-view';

/**
 * The batch reads. A batch's counts come from its items, each item's status from its payout when
 * the fan-out created one: read every time, never kept as a counter beside the payouts that could
 * disagree with them. Cost: one Query per chunk and one BatchGetItem per 100 payouts (docs/batches.md).
 * Another tenant's batch answers exactly like one that does not exist (404).
 */
export interface BatchReadStore {
  getBatch(batchId: string): Promise<Batch | undefined>;
  getClaim(tenantId: string, senderBatchId: string): Promise<BatchIdClaim | undefined>;
  chunkItems(batchId: string, chunk: number): Promise<StoredBatchItem[]>;
  payoutStates(payoutIds: readonly string[]): Promise<Map<string, ItemPayoutState>>;
}

/** Chunks one page of GET /batches/{id}/items reads at most, so a rare status filter stays bounded. */
export const ITEM_PAGE_CHUNKS_MAX = 20;

export async function tenantBatch(store: BatchReadStore, tenantId: string, batchId: string): Promise<Batch> {
  const batch = await store.getBatch(batchId);
  if (batch === undefined || batch.tenantId !== tenantId) throw notFound('batch');
  return batch;
}

/**
 * Counts per item status from the item records; the items whose records the fan-out has not
 * written yet (the accept stored them as one object: accept-batch.ts) count as `received`, which
 * they are, and the view says how many records exist (`materialised_item_count`).
 */
export async function batchWithCounts(store: BatchReadStore, batch: Batch): Promise<BatchView> {
  const counts: Partial<Record<BatchItemStatus, number>> = {};
  let materialised = 0;
  for (let chunk = 0; chunk < batch.chunkCount; chunk++) {
    for (const { status } of await itemsWithStatus(store, batch.batchId, chunk)) {
      counts[status] = (counts[status] ?? 0) + 1;
      materialised += 1;
    }
  }
  if (materialised < batch.itemCount) counts.received = (counts.received ?? 0) + batch.itemCount - materialised;
  return batchView(batch, counts, deriveBatchStatus(counts as BatchItemCounts), materialised);
}

/**
 * The items of one chunk with their statuses (`rejected`, the payout's status, or `received`) and the open
 * holds of their payouts: a held item's payout is `submitted` and waits before submission (issue 15).
 */
export async function itemsWithStatus(
  store: Pick<BatchReadStore, 'chunkItems' | 'payoutStates'>,
  batchId: string,
  chunk: number,
): Promise<Array<{ item: StoredBatchItem; status: BatchItemStatus; holds: Hold[] }>> {
  const items = await store.chunkItems(batchId, chunk);
  const states = await store.payoutStates(items.filter((i) => i.state === 'received').map((i) => i.payoutId));
  return items.map((item) => {
    const state = item.state === 'rejected' ? undefined : states.get(item.payoutId);
    return {
      item,
      status: item.state === 'rejected' ? 'rejected' : (state?.status ?? 'received'),
      holds: openHolds(state?.holds),
    };
  });
}

export interface ItemPageQuery {
  readonly status?: BatchItemStatus;
  readonly limit: number;
  /** Where the previous page stopped: the chunk, and the last item id it returned there. */
  readonly after?: { readonly chunk: number; readonly senderItemId: string };
}

export interface ItemPage {
  readonly items: BatchItemView[];
  readonly next?: { chunk: number; senderItemId: string };
  /** A chunk this page read had fewer records than items: the rest are not written yet. */
  readonly pendingMaterialisation: boolean;
}

/** Items in sender_item_id order (the chunks' order), filtered by status, at most ITEM_PAGE_CHUNKS_MAX chunks a page. */
export async function batchItemPage(store: BatchReadStore, batch: Batch, query: ItemPageQuery): Promise<ItemPage> {
  const views: BatchItemView[] = [];
  const first = query.after?.chunk ?? 0;
  let pendingMaterialisation = false;
  for (let chunk = first; chunk < batch.chunkCount && chunk < first + ITEM_PAGE_CHUNKS_MAX; chunk++) {
    const items = await itemsWithStatus(store, batch.batchId, chunk);
    if (items.length < chunkSizeOf(batch.itemCount, chunk)) pendingMaterialisation = true;
    for (const { item, status, holds } of items) {
      if (chunk === query.after?.chunk && item.senderItemId <= query.after.senderItemId) continue;
      if (query.status !== undefined && status !== query.status) continue;
      views.push(batchItemView(item, status, holds));
      if (views.length === query.limit)
        return { items: views, next: { chunk, senderItemId: item.senderItemId }, pendingMaterialisation };
    }
  }
  const lastRead = Math.min(batch.chunkCount, first + ITEM_PAGE_CHUNKS_MAX) - 1;
  // Stopped at the chunk limit, not the end: the next page starts after the last chunk read.
  const more = lastRead < batch.chunkCount - 1;
  return more
    ? { items: views, next: { chunk: lastRead + 1, senderItemId: '' }, pendingMaterialisation }
    : { items: views, pendingMaterialisation };
}

/** GET /batches?sender_batch_id=: the batch that holds the id now (0 or 1), read consistently. */
export async function findBySenderBatchId(
  store: BatchReadStore,
  tenantId: string,
  senderBatchId: string,
): Promise<BatchView[]> {
  const claim = await store.getClaim(tenantId, senderBatchId);
  if (claim === undefined || claim.state !== 'accepted') return [];
  const batch = await store.getBatch(claim.batchId);
  return batch === undefined ? [] : [await batchWithCounts(store, batch)];
}
