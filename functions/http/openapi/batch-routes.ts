import * as z from 'zod';
import { BATCH_ITEMS_MAX } from '../../domain/batches/batch-limits';
import { BATCH_ID_PATTERN } from '../../shared/ids';
import { batchItemSchema, createBatchBodySchema } from '../batch-request';
import {
  batchItemPageSchema,
  batchListSchema,
  batchViewSchema,
  findBatchesQuerySchema,
  listBatchItemsQuerySchema,
} from '../batch-view';
import { BATCH_BODY_BYTES_MAX } from '../http-limits';
import { noQuerySchema } from '../query-parameters';
import { TENANT_403, type OpenApiRoute } from './route-types';

/** The batch routes (batches-api, issue 13) for GET /openapi.json; openapi-routes.ts lists them. */
const batchIdPath = { batchId: z.string().regex(BATCH_ID_PATTERN).describe('bat_ + a ULID') };
const SCOPE_403 = `${TENANT_403}; insufficient_scope: the handler checks the route's scope again`;
const NOT_FOUND = 'resource_not_found: no such batch for this tenant';
const BODY_400 = 'body_not_json, body_not_object, duplicate_json_key, forbidden_key, field_unknown, field_missing';

const ITEM_EXAMPLE = {
  sender_item_id: 'emp-0001',
  amount: 5_000,
  currency: 'GBP',
  destination: { country: 'GB', method: 'faster_payments', sort_code: '601613', account_number: '31926819' },
  recipient: { name: 'Ada Lovelace' },
};

/** What the document says the body is: exactly one of items or upload_id; the runtime checks each item the same way. */
function documentedBodySchema(amountMaxMinor: number) {
  const items = z
    .array(batchItemSchema(amountMaxMinor))
    .min(1)
    .max(BATCH_ITEMS_MAX)
    .describe(`1 to ${BATCH_ITEMS_MAX} items, each a POST /payouts body with its sender_item_id`);
  const { sender_batch_id: senderBatchId, upload_id: uploadId } = createBatchBodySchema.shape;
  return z.union([
    z.object({ sender_batch_id: senderBatchId, items }).strict(),
    z.object({ sender_batch_id: senderBatchId, upload_id: uploadId.unwrap() }).strict(),
  ]);
}

export function batchRoutes(amountMaxMinor: number): OpenApiRoute[] {
  return [
    {
      method: 'post',
      path: '/batches',
      functionName: 'batches-api',
      scope: 'batches:write',
      operationId: 'createBatch',
      summary: 'Submit a batch of up to 15,000 payouts (inline items or an upload)',
      description:
        'Validates every item first: a schema error, 0 or more than 15,000 items, or a sender_item_id used twice ' +
        'rejects the whole batch (400, naming the item indices; nothing written). Answers 202: the items become ' +
        'payouts asynchronously, each with the identity (tenant, sender_batch_id, sender_item_id) for ever. A ' +
        'business failure of one item (corridor, account fields) rejects that item only. The same sender_batch_id ' +
        'with the same content within 30 days answers the original batch (Idempotent-Replayed: true); other ' +
        'content is 409 batch_id_reused with the link to the original. docs/batches.md.',
      tags: ['batches'],
      query: noQuerySchema,
      requestBody: {
        schema: documentedBodySchema(amountMaxMinor),
        required: true,
        bodyBytesMax: BATCH_BODY_BYTES_MAX,
        examples: { payroll: { sender_batch_id: 'payroll-2026-11', items: [ITEM_EXAMPLE] } },
      },
      responses: {
        202: {
          description: 'The batch, accepted (status received)',
          schema: batchViewSchema,
          headers: ['Idempotent-Replayed', 'Location'],
        },
      },
      errors: {
        400:
          `${BODY_400}; sender_batch_id_invalid, upload_id_invalid, items_invalid, batch_source_invalid, ` +
          'batch_items_empty, batch_items_too_many, batch_items_invalid (items: index, code, param), sender_item_id_duplicate',
        403: SCOPE_403,
        404: 'upload_not_found: the upload_id names no upload of this tenant',
        409:
          'batch_id_reused (batch_url links the original); batch_in_progress (retryable, with Retry-After: the first ' +
          'request still writes its items)',
        413: 'body_too_large: use POST /batches/uploads for a large batch',
        415: 'content_type_unsupported: Content-Type must be application/json',
      },
      failure: 'idempotent_create',
    },
    {
      method: 'get',
      path: '/batches',
      functionName: 'batches-api',
      scope: 'payouts:read',
      operationId: 'findBatches',
      summary: 'Find the batch that holds a sender_batch_id',
      description: 'Zero or one batch: the one that holds the id now (after 30 days the id may name a newer batch).',
      tags: ['batches'],
      query: findBatchesQuerySchema,
      responses: { 200: { description: 'The batches (0 or 1)', schema: batchListSchema } },
      errors: { 400: 'parameter_unknown, field_missing, sender_batch_id_invalid', 403: SCOPE_403 },
    },
    {
      method: 'get',
      path: '/batches/{batchId}',
      functionName: 'batches-api',
      scope: 'payouts:read',
      operationId: 'getBatch',
      summary: 'A batch: counts per item status, totals per currency, and its derived status',
      description: 'The status is derived from the items every time, never stored (docs/batches.md).',
      tags: ['batches'],
      pathParameters: batchIdPath,
      query: noQuerySchema,
      responses: { 200: { description: 'The batch', schema: batchViewSchema } },
      errors: { 400: 'parameter_unknown', 403: SCOPE_403, 404: NOT_FOUND },
    },
    {
      method: 'get',
      path: '/batches/{batchId}/items',
      functionName: 'batches-api',
      scope: 'payouts:read',
      operationId: 'listBatchItems',
      summary: "A batch's items in sender_item_id order, by status, a page at a time",
      description: 'Each item with its status, payout id and, when rejected, its error. Follow next_cursor.',
      tags: ['batches'],
      pathParameters: batchIdPath,
      query: listBatchItemsQuerySchema,
      responses: { 200: { description: 'One page of items', schema: batchItemPageSchema } },
      errors: {
        400: 'parameter_unknown, status_invalid, limit_invalid, cursor_invalid',
        403: SCOPE_403,
        404: NOT_FOUND,
      },
    },
    {
      method: 'post',
      path: '/batches/{batchId}/approve',
      functionName: 'batches-api',
      scope: 'payouts:approve',
      operationId: 'approveBatch',
      summary: 'Approve a batch whose currency total met the threshold (never its submitter)',
      description: 'One approval of the whole batch queues its fan-out; approving it again answers it unchanged.',
      tags: ['batches'],
      pathParameters: batchIdPath,
      query: noQuerySchema,
      responses: { 200: { description: 'The batch, approved', schema: batchViewSchema } },
      errors: {
        403: `${SCOPE_403}; self_approval_forbidden`,
        404: NOT_FOUND,
        409: 'approval_not_required: the batch needed no approval',
      },
      failure: 'idempotent_create',
    },
    {
      method: 'post',
      path: '/batches/{batchId}/retry',
      functionName: 'batches-api',
      scope: 'batches:retry',
      operationId: 'retryBatch',
      summary: 'Retry the rejected items whose rejection is retryable (the batch operator)',
      description:
        'Moves those items back to received and queues them again, with their identities; never touches an item ' +
        'with a payout. Audited with the count moved. Nothing retryable answers 200 with moved 0.',
      tags: ['batches'],
      pathParameters: batchIdPath,
      query: noQuerySchema,
      responses: {
        200: {
          description: 'How many items moved',
          schema: z.object({ batch_id: z.string(), moved: z.number().int() }),
        },
      },
      errors: { 403: SCOPE_403, 404: NOT_FOUND, 409: 'batch_awaiting_approval' },
      failure: 'idempotent_create',
    },
  ];
}
