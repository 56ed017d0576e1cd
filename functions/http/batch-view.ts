import * as z from 'zod';
import type { StoredBatchItem } from '../adapters/batch-items';
import type { Batch } from '../domain/batches/batch';
import {
  BATCH_ITEM_STATUSES,
  BATCH_STATUSES,
  type BatchItemCounts,
  type BatchItemStatus,
  type BatchStatus,
} from '../domain/batches/batch-status';
import { HOLD_KINDS, HOLD_OWNERS, type Hold } from '../domain/compliance/contract';
import { ERROR_CATEGORIES } from '../domain/domain-error';
import { EXCEPTION_OWNERS, EXCEPTION_STATES } from '../domain/exceptions';
import { FAILURE_SOURCES } from '../domain/failure-source';
import { CURRENCY_EXPONENTS, type CurrencyCode } from '../domain/money';
import { senderBatchIdSchema } from './batch-request';
import { CURSOR_CHARS_MAX, pageSizeQuery } from './schemas';

/** What GET /batches… and POST /batches answer: the schemas feed GET /openapi.json. */
const currencyCodes = Object.keys(CURRENCY_EXPONENTS) as [CurrencyCode, ...CurrencyCode[]];
const iso = z.iso.datetime();

export const batchExceptionSummarySchema = z.object({
  exception_id: z.string(),
  failure_source: z.enum(FAILURE_SOURCES),
  owner: z.enum(EXCEPTION_OWNERS),
  state: z.enum(EXCEPTION_STATES),
  item_count: z.number().int().min(0).describe('Items of this batch the group holds now'),
});
export type BatchExceptionSummary = z.infer<typeof batchExceptionSummarySchema>;

export const batchViewSchema = z.object({
  batch_id: z.string(),
  sender_batch_id: z.string(),
  status: z.enum(BATCH_STATUSES).describe('Derived from the items, never stored: docs/batches.md'),
  item_count: z.number().int(),
  materialised_item_count: z
    .number()
    .int()
    .min(0)
    .describe(
      'Item records written so far. The accept stores the items as one object and answers 202; the fan-out ' +
        'writes each chunk of item records before it creates their payouts. Until then the missing items count ' +
        'as `received` and are not yet listed by GET /batches/{batchId}/items (docs/batches.md)',
    ),
  counts: z.partialRecord(z.enum(BATCH_ITEM_STATUSES), z.number().int()).describe('Items per item status'),
  totals: z.array(
    z.object({ currency: z.enum(currencyCodes), amount: z.number().int(), item_count: z.number().int() }),
  ),
  approval: z
    .object({
      status: z.enum(['pending', 'approved']),
      thresholds: z.array(z.object({ currency: z.enum(currencyCodes), threshold: z.number().int().nullable() })),
      decided_by: z.string().nullable(),
      decided_at: iso.nullable(),
    })
    .nullable()
    .describe('Present when a currency total met the tenant threshold: no item is submitted before approval'),
  created_at: iso,
  links: z.object({ self: z.string(), items: z.string() }),
  exceptions: z
    .array(batchExceptionSummarySchema)
    .optional()
    .describe(
      'GET /batches/{batchId} only: the failed items grouped per failure source, one exception each (docs/batches.md)',
    ),
});
export type BatchView = z.infer<typeof batchViewSchema>;

export const batchItemViewSchema = z.object({
  sender_item_id: z.string(),
  index: z.number().int().describe('0-based position in the request'),
  status: z.enum(BATCH_ITEM_STATUSES),
  payout_id: z.string().describe('The payout of this item identity, for ever; created by the fan-out'),
  amount: z.number().int(),
  currency: z.enum(currencyCodes),
  error: z
    .object({
      code: z.string(),
      category: z.enum(ERROR_CATEGORIES),
      message: z.string(),
      param: z.string().optional(),
    })
    .nullable()
    .describe('Why the item was rejected (its business checks), when it was'),
  retries: z.number().int(),
  open_holds: z
    .array(
      z.object({
        kind: z.enum(HOLD_KINDS),
        owner: z.enum(HOLD_OWNERS),
        requirement: z.string().describe('What releases it, machine-readable (`tax_form:W-8BEN`, …)'),
        opened_at: z.string(),
      }),
    )
    .describe(
      "The open holds of the item's payout (issue 15): while any is open the payout waits before submission " +
        '(status `submitted`); GET /payouts/{payoutId} shows them with their evidence. Empty: not held',
    ),
});
export type BatchItemView = z.infer<typeof batchItemViewSchema>;

export const batchItemPageSchema = z.object({
  batch_id: z.string(),
  data: z.array(batchItemViewSchema),
  next_cursor: z.string().nullable(),
  pending_materialisation: z
    .boolean()
    .describe(
      'True when a chunk this page covered has items whose records the fan-out has not written yet: they are ' +
        'missing from `data` (not failed), and a later read lists them. A batch awaiting approval lists none',
    ),
});

export const batchListSchema = z.object({ data: z.array(batchViewSchema) });

export function batchView(
  batch: Batch,
  counts: BatchItemCounts,
  status: BatchStatus,
  materialisedItemCount: number,
): BatchView {
  const decision = batch.approval?.decision;
  return {
    batch_id: batch.batchId,
    sender_batch_id: batch.senderBatchId,
    status,
    item_count: batch.itemCount,
    materialised_item_count: materialisedItemCount,
    counts: { ...counts },
    totals: batch.totals.map((t) => ({ currency: t.currency, amount: t.amountMinor, item_count: t.itemCount })),
    approval:
      batch.approval === undefined
        ? null
        : {
            status: decision === undefined ? 'pending' : 'approved',
            thresholds: batch.approval.thresholds.map((t) => ({ currency: t.currency, threshold: t.thresholdMinor })),
            decided_by: decision?.by.clientId ?? null,
            decided_at: decision?.at ?? null,
          },
    created_at: batch.createdAt,
    links: { self: `/batches/${batch.batchId}`, items: `/batches/${batch.batchId}/items` },
  };
}

export function batchItemView(
  item: StoredBatchItem,
  status: BatchItemStatus,
  holds: readonly Hold[] = [],
): BatchItemView {
  const rejection = item.state === 'rejected' ? item.rejection : undefined;
  return {
    sender_item_id: item.senderItemId,
    index: item.index,
    status,
    payout_id: item.payoutId,
    amount: item.amountMinor,
    currency: item.currency,
    error:
      rejection === undefined
        ? null
        : {
            code: rejection.code,
            category: rejection.category,
            message: rejection.message,
            ...(rejection.param === undefined ? {} : { param: rejection.param }),
          },
    retries: item.retries ?? 0,
    open_holds: holds.map((hold) => ({
      kind: hold.kind,
      owner: hold.owner,
      requirement: hold.requirement,
      opened_at: hold.openedAt,
    })),
  };
}

export const BATCH_ITEMS_LIMIT_DEFAULT = 100;
export const BATCH_ITEMS_LIMIT_MAX = 500;

export const listBatchItemsQuerySchema = z
  .object({
    status: z.enum(BATCH_ITEM_STATUSES, { error: 'status_invalid' }).optional(),
    limit: pageSizeQuery(BATCH_ITEMS_LIMIT_MAX, BATCH_ITEMS_LIMIT_DEFAULT, 'limit_invalid'),
    cursor: z
      .string({ error: 'cursor_invalid' })
      .min(1, { error: 'cursor_invalid' })
      .max(CURSOR_CHARS_MAX, { error: 'cursor_invalid' })
      .optional(),
  })
  .strict();

export const findBatchesQuerySchema = z.object({ sender_batch_id: senderBatchIdSchema }).strict();
