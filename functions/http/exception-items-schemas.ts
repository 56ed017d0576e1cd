import * as z from 'zod';
import { BATCH_EXCEPTION_ITEMS_PAGE_MAX } from '../domain/batches/batch-exceptions';
import { batchGroupItemSchema } from './ops-schemas';
import { CURSOR_CHARS_MAX, pageSizeQuery } from './schemas';

/**
 * GET /exceptions/{exceptionId}/items: a batch group exception's members past the first page that
 * GET /exceptions carries. Codes as the other exceptions routes spell them (invalid_limit, invalid_cursor).
 */
export const exceptionItemsQuerySchema = z
  .object({
    limit: pageSizeQuery(BATCH_EXCEPTION_ITEMS_PAGE_MAX, BATCH_EXCEPTION_ITEMS_PAGE_MAX, 'invalid_limit'),
    cursor: z
      .string({ error: 'invalid_cursor' })
      .min(1, { error: 'invalid_cursor' })
      .max(CURSOR_CHARS_MAX, { error: 'invalid_cursor' })
      .optional()
      .describe("The previous page's next_cursor (or GET /exceptions' items_next_cursor); opaque"),
  })
  .strict();

export const exceptionItemsPageSchema = z.object({
  exception_id: z.string(),
  batch_id: z.string(),
  item_count: z.number().int().min(0).describe('How many of the batch items the group holds now'),
  data: z.array(batchGroupItemSchema).describe(`In sender_item_id order, at most ${BATCH_EXCEPTION_ITEMS_PAGE_MAX}`),
  next_cursor: z
    .string()
    .nullable()
    .describe('null: no more members (a full last page may be followed by one empty page: DynamoDB cannot tell)'),
});
export type ExceptionItemsPage = z.infer<typeof exceptionItemsPageSchema>;
