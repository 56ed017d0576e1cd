import { InvalidCursorError } from '../../adapters/cursor';
import { BATCH_EXCEPTION_ITEMS_PAGE_MAX } from '../../domain/batches/batch-exceptions';
import { badRequest, notFound } from '../../http/api-error';
import { exceptionItemsQuerySchema, type ExceptionItemsPage } from '../../http/exception-items-schemas';
import { parseQuery } from '../../http/query-parameters';
import type { ExceptionsRepository } from '../../adapters/exceptions-repository';
import type { BatchGroupsReader } from './batch-exception-list';

/** The same words GET /exceptions uses for the same refusal, with this route's own page bound. */
const QUERY_MESSAGES = {
  invalid_limit: () => `limit must be 1–${BATCH_EXCEPTION_ITEMS_PAGE_MAX}`,
  invalid_cursor: () => 'cursor is not valid for this query; start again without it',
};

/**
 * GET /exceptions/{exceptionId}/items (exceptions:read): a batch group's members a page at a time,
 * from the first or from a cursor (GET /exceptions' items_next_cursor, or this route's next_cursor).
 * Only a group has members: any other exception, like one that does not exist, is 404. The cursor is
 * DynamoDB's key, checked against this group's partition before the Query (adapters/cursor.ts): a
 * tampered one, or another group's, is 400 invalid_cursor, never a 500.
 */
export async function exceptionItems(
  deps: { exceptions: Pick<ExceptionsRepository, 'get'>; groups: BatchGroupsReader },
  exceptionId: string,
  rawQuery: Record<string, string | undefined> | undefined,
): Promise<ExceptionItemsPage> {
  const query = parseQuery(exceptionItemsQuerySchema, rawQuery, QUERY_MESSAGES);
  const group = await deps.exceptions.get(exceptionId);
  if (group?.batchId === undefined) throw notFound('exception');
  try {
    const page = await deps.groups.items(exceptionId, {
      limit: query.limit,
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
    });
    return {
      exception_id: exceptionId,
      batch_id: group.batchId,
      item_count: group.itemCount ?? 0,
      data: page.items.map((m) => ({
        sender_item_id: m.senderItemId,
        payout_id: m.payoutId,
        code: m.code,
        category: m.category,
        message: m.message,
        at: m.at,
      })),
      next_cursor: page.nextCursor ?? null,
    };
  } catch (error) {
    if (error instanceof InvalidCursorError)
      throw badRequest('invalid_cursor', QUERY_MESSAGES.invalid_cursor(), 'cursor');
    throw error;
  }
}
