import type { Context } from 'aws-lambda';
import { assertNever } from '../../domain/assert-never';
import { ApiError, notFound } from '../../http/api-error';
import { parseCreateBatchRequest } from '../../http/batch-request';
import { batchView, findBatchesQuerySchema, listBatchItemsQuerySchema } from '../../http/batch-view';
import { callerOf, type Caller } from '../../http/claims';
import type { ApiEvent } from '../../http/http-handler';
import { noQuerySchema, parseQuery } from '../../http/query-parameters';
import { json, type HttpResult } from '../../http/response';
import { BATCH_ROUTES, batchRouteKey, type BatchRoute } from '../../shared/batch-routes';
import { OPS_BATCH_ROUTES, type OpsBatchRoute } from '../../shared/ops-batch-routes';
import { acceptBatch, type AcceptBatchDeps } from './accept-batch';
import { approveBatch, retryBatch, type BatchActionDeps } from './batch-actions';
import { batchExceptions, type BatchGroupReads } from './batch-exceptions-view';
import { batchIdOf, pagedItems } from './batch-item-page';
import { opsBatchReads } from './ops-batch-reads';
import { batchWithCounts, findBySenderBatchId, tenantBatch, type BatchReadStore } from './batch-reads';

/** The batches-api function's router: one scope check per route (shared/batch-routes.ts), then the use case. */
export type BatchesApiDeps = AcceptBatchDeps &
  BatchActionDeps & { readonly store: BatchReadStore; readonly groups: BatchActionDeps['groups'] & BatchGroupReads };

const ROUTES = new Map<string, BatchRoute>(BATCH_ROUTES.map((route) => [batchRouteKey(route), route]));
const OPS_ROUTES = new Map<string, OpsBatchRoute>(OPS_BATCH_ROUTES.map((route) => [batchRouteKey(route), route]));

export async function batchesApi(deps: BatchesApiDeps, event: ApiEvent, requestId: string, _context: Context) {
  // The operator's cross-tenant reads: an operator token, ops:read, audited (ops-batch-reads.ts).
  const opsRoute = OPS_ROUTES.get(event.routeKey);
  if (opsRoute !== undefined) return opsBatchReads(deps, opsRoute, event, requestId);
  const route = ROUTES.get(event.routeKey);
  if (route === undefined) throw notFound(`route ${event.routeKey}`);
  const caller = callerOf(event);
  if (!caller.scopes.includes(route.scope)) {
    throw new ApiError({
      status: 403,
      type: 'permission_error',
      code: 'insufficient_scope',
      category: 'terminal',
      message: `this route requires the ${route.scope} scope`,
    });
  }
  return answer(deps, route, caller, event, requestId);
}

async function answer(
  deps: BatchesApiDeps,
  route: BatchRoute,
  caller: Caller,
  event: ApiEvent,
  requestId: string,
): Promise<HttpResult> {
  switch (route.name) {
    case 'create': {
      const request = parseCreateBatchRequest(event);
      const { batch, replayed } = await acceptBatch(deps, { request, caller, requestId });
      // A new batch has no item records yet (process-batch writes them); a replay reads what exists.
      const view = replayed
        ? await batchWithCounts(deps.store, batch)
        : batchView(batch, { received: batch.itemCount }, 'received', 0);
      return json(202, view, requestId, {
        location: `/batches/${batch.batchId}`,
        ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
      });
    }
    case 'find': {
      const query = parseQuery(findBatchesQuerySchema, event.queryStringParameters);
      return json(
        200,
        { data: await findBySenderBatchId(deps.store, caller.tenantId, query.sender_batch_id) },
        requestId,
      );
    }
    case 'get': {
      parseQuery(noQuerySchema, event.queryStringParameters);
      const batch = await tenantBatch(deps.store, caller.tenantId, batchIdOf(event));
      const view = await batchWithCounts(deps.store, batch);
      return json(200, { ...view, exceptions: await batchExceptions(deps.groups, batch.batchId) }, requestId);
    }
    case 'items': {
      const query = parseQuery(listBatchItemsQuerySchema, event.queryStringParameters);
      const batch = await tenantBatch(deps.store, caller.tenantId, batchIdOf(event));
      return json(200, { batch_id: batch.batchId, ...(await pagedItems(deps.store, batch, query)) }, requestId);
    }
    case 'approve': {
      parseQuery(noQuerySchema, event.queryStringParameters);
      const batch = await approveBatch(deps, caller, batchIdOf(event), requestId);
      return json(200, await batchWithCounts(deps.store, batch), requestId);
    }
    case 'retry':
      parseQuery(noQuerySchema, event.queryStringParameters);
      return json(200, await retryBatch(deps, caller, batchIdOf(event), requestId), requestId);
    default:
      return assertNever(route.name, 'batch route');
  }
}
