import type { BatchExceptionGroups } from '../../adapters/batch-exception-groups';
import { batchGroupExceptionIds } from '../../domain/batches/batch-exceptions';
import { failureSourceOfException } from '../../domain/failure-source';
import type { BatchExceptionSummary } from '../../http/batch-view';

/** What the batch reads need of the group exceptions: the (at most four) rows, by key. */
export type BatchGroupReads = Pick<BatchExceptionGroups, 'groups'>;

/** A batch's group exceptions, one per failure source that has any (GET /batches/{batchId}). */
export async function batchExceptions(groups: BatchGroupReads, batchId: string): Promise<BatchExceptionSummary[]> {
  const rows = await groups.groups(batchGroupExceptionIds(batchId).map((g) => g.exceptionId));
  return rows.map((row) => ({
    exception_id: row.exceptionId,
    failure_source: failureSourceOfException(row.category),
    owner: row.owner,
    state: row.state,
    item_count: row.itemCount ?? 0,
  }));
}
