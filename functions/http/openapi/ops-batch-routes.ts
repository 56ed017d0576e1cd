// The operator's batch page routes in the OpenAPI registry (openapi-routes.ts), issue 13: any
// tenant's batch, its items, and a batch group exception's members a page at a time.
import * as z from 'zod';
import { BATCH_EXCEPTION_ITEMS_PAGE_MAX } from '../../domain/batches/batch-exceptions';
import { BATCH_ID_PATTERN } from '../../shared/ids';
import { listBatchItemsQuerySchema } from '../batch-view';
import { exceptionItemsPageSchema, exceptionItemsQuerySchema } from '../exception-items-schemas';
import {
  opsBatchItemPageSchema,
  opsBatchListSchema,
  opsBatchViewSchema,
  opsFindBatchesQuerySchema,
} from '../ops-batch-schemas';
import { exceptionIdParameterSchema } from '../ops-schemas';
import { noQuerySchema } from '../query-parameters';
import { OPERATOR_403, type OpenApiRoute } from './route-types';

const batchIdPath = { batchId: z.string().regex(BATCH_ID_PATTERN).describe('bat_ + a ULID') };
const NOT_FOUND = 'resource_not_found: no such batch (any tenant)';
const AUDITED = 'Cross-tenant and audited: one batch.read record per call, before the answer (docs/ops-api.md).';

export const OPS_BATCH_ROUTES_DOCUMENTED: OpenApiRoute[] = [
  {
    method: 'get',
    path: '/ops/batches',
    functionName: 'batches-api',
    scope: 'ops:read',
    operationId: 'opsFindBatches',
    summary: "Find any tenant's batch by its sender_batch_id (operator, audited)",
    description: `A sender_batch_id is unique per tenant only, so the tenant is named. Zero or one batch. ${AUDITED}`,
    tags: ['ops'],
    query: opsFindBatchesQuerySchema,
    responses: { 200: { description: 'The batches (0 or 1), each with its tenant', schema: opsBatchListSchema } },
    errors: { 400: 'parameter_unknown, field_missing, tenant_id_invalid, sender_batch_id_invalid', 403: OPERATOR_403 },
  },
  {
    method: 'get',
    path: '/ops/batches/{batchId}',
    functionName: 'batches-api',
    scope: 'ops:read',
    operationId: 'opsGetBatch',
    summary: "Any tenant's batch: counts per item status, totals per currency, its exception groups (operator)",
    description: `GET /batches/{batchId} for any tenant, with the batch's tenant_id. ${AUDITED}`,
    tags: ['ops'],
    pathParameters: batchIdPath,
    query: noQuerySchema,
    responses: { 200: { description: 'The batch, with its tenant', schema: opsBatchViewSchema } },
    errors: { 400: 'parameter_unknown', 403: OPERATOR_403, 404: NOT_FOUND },
  },
  {
    method: 'get',
    path: '/ops/batches/{batchId}/items',
    functionName: 'batches-api',
    scope: 'ops:read',
    operationId: 'opsListBatchItems',
    summary: "Any tenant's batch items by status, a page at a time (operator)",
    description: `GET /batches/{batchId}/items for any tenant (no destinations, like it). ${AUDITED}`,
    tags: ['ops'],
    pathParameters: batchIdPath,
    query: listBatchItemsQuerySchema,
    responses: { 200: { description: 'One page of items, with the tenant', schema: opsBatchItemPageSchema } },
    errors: {
      400: 'parameter_unknown, status_invalid, limit_invalid, cursor_invalid',
      403: OPERATOR_403,
      404: NOT_FOUND,
    },
  },
  {
    method: 'get',
    path: '/exceptions/{exceptionId}/items',
    functionName: 'ops-exceptions',
    scope: 'exceptions:read',
    operationId: 'listExceptionItems',
    summary: "A batch group exception's failed items, a page at a time",
    description:
      `GET /exceptions carries a group's first ${BATCH_EXCEPTION_ITEMS_PAGE_MAX} items and items_next_cursor; ` +
      'this route pages the rest. Only a batch group has items: any other exception is 404.',
    tags: ['ops'],
    pathParameters: { exceptionId: exceptionIdParameterSchema },
    query: exceptionItemsQuerySchema,
    responses: { 200: { description: 'One page of the group’s items', schema: exceptionItemsPageSchema } },
    errors: {
      400: 'invalid_limit, invalid_cursor',
      403: OPERATOR_403,
      404: 'resource_not_found: no such batch group exception',
    },
  },
];
