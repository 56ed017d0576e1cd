import type { Batch } from '../domain/batches/batch';
import type { ErrorCategory } from '../domain/domain-error';
import type { CurrencyCode } from '../domain/money';

/**
 * Key design of the batch records, in PAYOUTS_TABLE beside the payouts they fan out into (issue 13):
 *
 *   batch id claim   pk BATCHID#<tenant>#<sender_batch_id>  sk BATCHID
 *                    which batch holds the id, its content hash, `windowEndsAt`; a conditional Put
 *                    claims it (free, or its window over), so two requests can never both win it.
 *   batch            pk BATCH#<batchId>                     sk BATCH      (domain/batches/batch.ts)
 *   item             pk BATCH#<batchId>#<chunk:4>           sk ITEM#<sender_item_id>
 *                    chunked (BATCH_CHUNK_ITEMS by sender_item_id order): one fan-out message and
 *                    one consistent Query per chunk, and a 15,000-item batch's writes spread over
 *                    150 partition keys instead of one hot one.
 *
 * Why this table and not one of its own: an item's payout, its never-expiring identity (the key
 * lock of the payout's idempotency key) and its ledger postings are written in one transaction by
 * the existing create path; the batch records sit beside them under the grants the payout
 * functions already hold, and need no index of their own (every read is a GetItem or a Query).
 */
export const BATCH_SK = 'BATCH';
export const BATCH_ID_CLAIM_SK = 'BATCHID';
export const ITEM_SK_PREFIX = 'ITEM#';

export const batchIdClaimPk = (tenantId: string, senderBatchId: string): string =>
  `BATCHID#${tenantId}#${senderBatchId}`;
export const batchPk = (batchId: string): string => `BATCH#${batchId}`;
export const batchChunkPk = (batchId: string, chunk: number): string =>
  `BATCH#${batchId}#${String(chunk).padStart(4, '0')}`;
export const itemSk = (senderItemId: string): string => `${ITEM_SK_PREFIX}${senderItemId}`;

/** An item's own state: `received` until the fan-out, `rejected` when its business checks failed. */
export type StoredItemState = 'received' | 'rejected';

export interface ItemRejection {
  readonly code: string;
  readonly category: ErrorCategory;
  readonly message: string;
  readonly param?: string;
  readonly at: string;
}

/** One stored item: what the client sent (the destination unmasked, like the payout's destination item). */
export interface StoredBatchItem {
  readonly batchId: string;
  readonly chunk: number;
  /** 0-based position in the request (body array index or upload data row). */
  readonly index: number;
  readonly senderItemId: string;
  readonly payoutId: string;
  readonly amountMinor: number;
  readonly currency: CurrencyCode;
  readonly destination: Readonly<Record<string, string>>;
  readonly recipient: { readonly name: string; readonly email?: string };
  readonly description?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly state: StoredItemState;
  readonly rejection?: ItemRejection;
  /** The rejection a batch retry moved the item away from (kept while it is `received` again). */
  readonly lastRejection?: ItemRejection;
  /** Times a batch retry moved this item back to `received`. */
  readonly retries?: number;
}

export function batchItemRecord(item: StoredBatchItem): Record<string, unknown> {
  return { pk: batchChunkPk(item.batchId, item.chunk), sk: itemSk(item.senderItemId), entity: 'batch_item', ...item };
}

export function batchRecord(batch: Batch): Record<string, unknown> {
  return { pk: batchPk(batch.batchId), sk: BATCH_SK, entity: 'batch', ...batch };
}

const KEY_ATTRIBUTES = new Set(['pk', 'sk', 'entity']);

export function withoutKeys<T>(item: Record<string, unknown>): T {
  const value: Record<string, unknown> = {};
  for (const [name, attribute] of Object.entries(item)) if (!KEY_ATTRIBUTES.has(name)) value[name] = attribute;
  return value as T;
}
