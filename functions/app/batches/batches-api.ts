import type { Context } from 'aws-lambda';
import { assertNever } from '../../domain/assert-never';
import { ApiError, badRequest, notFound } from '../../http/api-error';
import { parseCreateBatchRequest } from '../../http/batch-request';
import { batchView, findBatchesQuerySchema, listBatchItemsQuerySchema } from '../../http/batch-view';
import { callerOf, type Caller } from '../../http/claims';
import type { ApiEvent } from '../../http/http-handler';
import { noQuerySchema, parseQuery } from '../../http/query-parameters';
import { json, type HttpResult } from '../../http/response';
import { BATCH_ID_PATTERN } from '../../shared/ids';
import { BATCH_ROUTES, batchRouteKey, type BatchRoute } from '../../shared/batch-routes';
import { acceptBatch, type AcceptBatchDeps } from './accept-batch';
import { approveBatch, retryBatch, type BatchActionDeps } from './batch-actions';
import { batchExceptions, type BatchGroupReads } from './batch-exceptions-view';
import { batchItemPage, batchWithCounts, findBySenderBatchId, tenantBatch, type BatchReadStore } from './batch-reads';
import { decodeItemCursor, encodeItemCursor } from './item-cursor';

/** The batches-api function's router: one scope check per route (shared/batch-routes.ts), then the use case. */
export type BatchesApiDeps = AcceptBatchDeps &
  BatchActionDeps & { readonly store: BatchReadStore; readonly groups: BatchActionDeps['groups'] & BatchGroupReads };

const ROUTES = new Map<string, BatchRoute>(BATCH_ROUTES.map((route) => [batchRouteKey(route), route]));

export async function batchesApi(deps: BatchesApiDeps, event: ApiEvent, requestId: string, _context: Context) {
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
      const after = query.cursor === undefined ? undefined : decodeItemCursor(query.cursor, batch.chunkCount);
      if (after === null) throw badRequest('cursor_invalid', 'cursor is not valid for this query', 'cursor');
      const page = await batchItemPage(deps.store, batch, {
        limit: query.limit,
        ...(query.status === undefined ? {} : { status: query.status }),
        ...(after === undefined ? {} : { after }),
      });
      const next = page.next === undefined ? null : encodeItemCursor(page.next);
      const body = {
        batch_id: batch.batchId,
        data: page.items,
        next_cursor: next,
        pending_materialisation: page.pendingMaterialisation,
      };
      return json(200, body, requestId);
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

/** A value outside the id shape names no batch: 404 without a read. */
function batchIdOf(event: ApiEvent): string {
  const batchId = event.pathParameters?.['batchId'];
  if (batchId === undefined || !BATCH_ID_PATTERN.test(batchId)) throw notFound('batch');
  return batchId;
}
