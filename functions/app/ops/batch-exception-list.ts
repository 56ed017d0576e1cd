import type { BatchExceptionGroups, BatchGroupMember } from '../../adapters/batch-exception-groups';
import type { ExceptionRecord } from '../../adapters/exceptions-records';
import { batchGroupExceptionIds } from '../../domain/batches/batch-exceptions';
import type { ExceptionCategory, ExceptionOwner, ExceptionState } from '../../domain/exceptions';

/** What the exceptions list needs of the batch groups: their rows by key, and a page of their items. */
export type BatchGroupsReader = Pick<BatchExceptionGroups, 'groups' | 'items'>;

export interface GroupItemsPage {
  readonly items: BatchGroupMember[];
  readonly nextCursor?: string;
}

/**
 * GET /exceptions?batch_id=: the batch's groups read by key (their ids are functions of the batch
 * and the failure source: four GetItems, no index), with the list's other filters applied.
 */
export async function batchGroupList(
  groups: BatchGroupsReader,
  query: { batchId: string; state?: ExceptionState; category?: ExceptionCategory; owner?: ExceptionOwner },
): Promise<ExceptionRecord[]> {
  const rows = await groups.groups(batchGroupExceptionIds(query.batchId).map((g) => g.exceptionId));
  return rows.filter(
    (row) =>
      (query.state === undefined || row.state === query.state) &&
      (query.category === undefined || row.category === query.category) &&
      (query.owner === undefined || row.owner === query.owner),
  );
}

/** The first page of items of every group exception among the listed ones (one Query per group). */
export async function groupItemPages(
  groups: BatchGroupsReader,
  records: readonly ExceptionRecord[],
): Promise<Map<string, GroupItemsPage>> {
  const pages = new Map<string, GroupItemsPage>();
  for (const record of records)
    if (record.batchId !== undefined) pages.set(record.exceptionId, await groups.items(record.exceptionId));
  return pages;
}
