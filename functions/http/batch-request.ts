import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod';
import {
  BATCH_ERROR_INDICES_MAX,
  BATCH_ITEMS_MAX,
  SENDER_BATCH_ID_CHARS_MAX,
  SENDER_ID_PATTERN,
  SENDER_ITEM_ID_CHARS_MAX,
} from '../domain/batches/batch-limits';
import { ApiError, badRequest } from './api-error';
import { parseJsonBody } from './body';
import { BATCH_BODY_BYTES_MAX } from './http-limits';
import { requestErrorOf } from './request-errors';
import { createPayoutBodySchema, SERVER_OWNED_FIELDS, type CreatePayoutBody } from './schemas';
import { UPLOAD_ID_PATTERN } from './batch-upload-requests';

/**
 * POST /batches → a batch request, or the ONE whole-batch error (400, nothing written). The body
 * names either inline `items` or an `upload_id`; both kinds of item are checked by the same
 * `batchItemSchema` (`parseBatchItems`), so a file and a body can never disagree on what an item is.
 */

const senderId = (code: string, charsMax: number) =>
  z
    .string({ error: code })
    .min(1, { error: code })
    .max(charsMax, { error: code })
    .regex(SENDER_ID_PATTERN, { error: code });

export const senderBatchIdSchema = senderId('sender_batch_id_invalid', SENDER_BATCH_ID_CHARS_MAX).describe(
  `Your id of the batch: 1 to ${SENDER_BATCH_ID_CHARS_MAX} of A-Z a-z 0-9 _ . -; unique per tenant for 30 days`,
);

const batchItemSchemas = new Map<number, BatchItemSchema>();

/** One item: the POST /payouts body plus its `sender_item_id`, strict like it. Built once per maximum (schemas.ts). */
export function batchItemSchema(amountMaxMinor: number): BatchItemSchema {
  let schema = batchItemSchemas.get(amountMaxMinor);
  if (schema === undefined) {
    schema = buildBatchItemSchema(amountMaxMinor);
    batchItemSchemas.set(amountMaxMinor, schema);
  }
  return schema;
}

type BatchItemSchema = ReturnType<typeof buildBatchItemSchema>;

function buildBatchItemSchema(amountMaxMinor: number) {
  return createPayoutBodySchema(amountMaxMinor).extend({
    sender_item_id: senderId('sender_item_id_invalid', SENDER_ITEM_ID_CHARS_MAX).describe(
      `Your id of the item, unique in the batch: 1 to ${SENDER_ITEM_ID_CHARS_MAX} of A-Z a-z 0-9 _ . -`,
    ),
  });
}

/** The body's shape; items are checked one by one afterwards, so every bad index can be named. */
export const createBatchBodySchema = z
  .object({
    sender_batch_id: senderBatchIdSchema,
    items: z.array(z.unknown(), { error: 'items_invalid' }).optional(),
    upload_id: z
      .string({ error: 'upload_id_invalid' })
      .regex(UPLOAD_ID_PATTERN, { error: 'upload_id_invalid' })
      .optional(),
  })
  .strict();

/** One raw record, as app/batches/batch-items-source.ts yields it (the edge does not import app/). */
export interface RawBatchItem {
  readonly index: number;
  readonly record: Readonly<Record<string, unknown>>;
}

export interface BatchItemInput {
  readonly index: number;
  readonly senderItemId: string;
  readonly body: CreatePayoutBody;
}

export type CreateBatchRequest =
  | { readonly senderBatchId: string; readonly source: 'items'; readonly items: readonly unknown[] }
  | { readonly senderBatchId: string; readonly source: 'upload'; readonly uploadId: string };

export function parseCreateBatchRequest(
  event: Pick<APIGatewayProxyEventV2, 'headers' | 'body' | 'isBase64Encoded'>,
): CreateBatchRequest {
  // Checked before the items are: a count over the maximum is refused without validating 15,001 items.
  const parsed = parseJsonBody(event, { bytesMax: BATCH_BODY_BYTES_MAX });
  const result = createBatchBodySchema.safeParse(parsed);
  if (!result.success) throw requestErrorOf(result.error.issues, parsed, { kind: 'body' });
  const { sender_batch_id: senderBatchId, items, upload_id: uploadId } = result.data;
  if ((items === undefined) === (uploadId === undefined))
    throw badRequest('batch_source_invalid', 'send exactly one of items or upload_id', 'items');
  if (items !== undefined && items.length > BATCH_ITEMS_MAX) throw tooMany();
  return items === undefined
    ? { senderBatchId, source: 'upload', uploadId: uploadId! }
    : { senderBatchId, source: 'items', items };
}

/** One bad item, as the whole-batch error names it. */
export interface BatchItemProblem {
  readonly index: number;
  readonly code: string;
  readonly param?: string;
  readonly message: string;
}

/**
 * Validates every raw item; any problem rejects the whole batch (400 `batch_items_invalid`,
 * naming the first BATCH_ERROR_INDICES_MAX bad indices and counting all), as do 0 items, more than
 * BATCH_ITEMS_MAX, and a `sender_item_id` that appears twice (every index of it named). Streams
 * the source: a count over the maximum stops reading at BATCH_ITEMS_MAX + 1.
 */
export async function parseBatchItems(
  source: AsyncIterable<RawBatchItem> | Iterable<RawBatchItem>,
  amountMaxMinor: number,
): Promise<BatchItemInput[]> {
  const schema = batchItemSchema(amountMaxMinor);
  const items: BatchItemInput[] = [];
  const problems: BatchItemProblem[] = [];
  const firstIndexOf = new Map<string, number>();
  let count = 0;
  for await (const raw of source) {
    if (++count > BATCH_ITEMS_MAX) throw tooMany();
    // Parsed once: the check's result is the item (a second parse doubled the accept's CPU at 15,000 items).
    const checked = checkedItem(raw, schema);
    if (checked.problem !== undefined) {
      problems.push(checked.problem);
      continue;
    }
    const { sender_item_id: senderItemId, ...body } = checked.value;
    const first = firstIndexOf.get(senderItemId);
    if (first !== undefined) {
      problems.push({
        index: raw.index,
        code: 'sender_item_id_duplicate',
        param: 'sender_item_id',
        message: `sender_item_id ${senderItemId} is also the id of item ${first}`,
      });
      continue;
    }
    firstIndexOf.set(senderItemId, raw.index);
    items.push({ index: raw.index, senderItemId, body });
  }
  if (count === 0) throw badRequest('batch_items_empty', 'a batch needs at least one item', 'items');
  if (problems.length > 0) throw itemsInvalid(problems);
  return items;
}

type ItemSchema = ReturnType<typeof batchItemSchema>;
type CheckedItem =
  | { readonly problem: BatchItemProblem; readonly value?: undefined }
  | { readonly problem?: undefined; readonly value: z.infer<ItemSchema> };

function checkedItem(raw: RawBatchItem, schema: ItemSchema): CheckedItem {
  const record: unknown = raw.record;
  if (record === null || typeof record !== 'object' || Array.isArray(record))
    return { problem: { index: raw.index, code: 'item_not_object', message: 'each item must be a JSON object' } };
  const serverOwned = SERVER_OWNED_FIELDS.find((field) => Object.hasOwn(raw.record, field));
  if (serverOwned !== undefined)
    return {
      problem: {
        index: raw.index,
        code: 'field_server_owned',
        param: serverOwned,
        message: `${serverOwned} is set by the server`,
      },
    };
  const result = schema.safeParse(raw.record);
  if (result.success) return { value: result.data };
  const error = requestErrorOf(result.error.issues, raw.record, { kind: 'body' });
  return {
    problem: {
      index: raw.index,
      code: error.code,
      ...(error.param === undefined ? {} : { param: error.param }),
      message: error.message,
    },
  };
}

const tooMany = () => badRequest('batch_items_too_many', `a batch takes at most ${BATCH_ITEMS_MAX} items`, 'items');

function itemsInvalid(problems: readonly BatchItemProblem[]): ApiError {
  const shown = problems.slice(0, BATCH_ERROR_INDICES_MAX);
  const duplicate = problems.every((p) => p.code === 'sender_item_id_duplicate');
  return new ApiError({
    status: 400,
    type: 'invalid_request_error',
    code: duplicate ? 'sender_item_id_duplicate' : 'batch_items_invalid',
    category: 'terminal',
    message:
      `${problems.length} item(s) of the batch are invalid (indices ${shown.map((p) => p.index).join(', ')}` +
      `${problems.length > shown.length ? ', …' : ''}); nothing was written`,
    param: 'items',
    details: { invalid_item_count: problems.length, items: shown },
  });
}

/** Inline items as the raw-record stream the upload path yields too. */
export function* inlineItems(items: readonly unknown[]): Iterable<RawBatchItem> {
  for (let index = 0; index < items.length; index++) {
    yield { index, record: items[index] as Record<string, unknown> };
  }
}
