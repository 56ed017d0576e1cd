import type { Batch } from '../../domain/batches/batch';
import { badRequest, notFound } from '../../http/api-error';
import type { ApiEvent } from '../../http/http-handler';
import { BATCH_ID_PATTERN } from '../../shared/ids';
import type { BatchItemView } from '../../http/batch-view';
import type { BatchItemStatus } from '../../domain/batches/batch-status';
import { batchItemPage, type BatchReadStore } from './batch-reads';
import { decodeItemCursor, encodeItemCursor } from './item-cursor';

/** A parsed GET …/items query (listBatchItemsQuerySchema): the tenant's and the operator's routes share it. */
export interface ItemPageRequest {
  readonly status?: BatchItemStatus | undefined;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

/**
 * One page of a batch's items with the cursor of the next. The cursor is checked against this
 * batch before any item is read: a tampered or foreign one is 400 cursor_invalid, never a 500.
 */
export async function pagedItems(
  store: BatchReadStore,
  batch: Batch,
  query: ItemPageRequest,
): Promise<{ data: BatchItemView[]; next_cursor: string | null; pending_materialisation: boolean }> {
  const after = query.cursor === undefined ? undefined : decodeItemCursor(query.cursor, batch.chunkCount);
  if (after === null) throw badRequest('cursor_invalid', 'cursor is not valid for this query', 'cursor');
  const page = await batchItemPage(store, batch, {
    limit: query.limit,
    ...(query.status === undefined ? {} : { status: query.status }),
    ...(after === undefined ? {} : { after }),
  });
  return {
    data: page.items,
    next_cursor: page.next === undefined ? null : encodeItemCursor(page.next),
    // Item records are written after the 202 (process-batch): until then a page may lack items.
    pending_materialisation: page.pendingMaterialisation,
  };
}

/** A value outside the id shape names no batch: 404 without a read. */
export function batchIdOf(event: ApiEvent): string {
  const batchId = event.pathParameters?.['batchId'];
  if (batchId === undefined || !BATCH_ID_PATTERN.test(batchId)) throw notFound('batch');
  return batchId;
}
