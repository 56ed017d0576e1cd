import type { AuditTrail } from '../../adapters/audit-trail';
import { assertNever } from '../../domain/assert-never';
import type { AuditEntry } from '../../domain/audit';
import type { Batch } from '../../domain/batches/batch';
import { notFound } from '../../http/api-error';
import { listBatchItemsQuerySchema } from '../../http/batch-view';
import type { ApiEvent } from '../../http/http-handler';
import { operatorAuditActor, operatorOf, requireScope, type Operator } from '../../http/operator';
import { opsFindBatchesQuerySchema } from '../../http/ops-batch-schemas';
import { noQuerySchema, parseQuery } from '../../http/query-parameters';
import { json, type HttpResult } from '../../http/response';
import type { OpsBatchRoute } from '../../shared/ops-batch-routes';
import { recordRead } from '../audit/audited-read';
import { batchExceptions, type BatchGroupReads } from './batch-exceptions-view';
import { batchIdOf, pagedItems } from './batch-item-page';
import { batchWithCounts, findBySenderBatchId, type BatchReadStore } from './batch-reads';

/**
 * GET /ops/batches, /ops/batches/{batchId}, /ops/batches/{batchId}/items (ops:read): the on-call
 * operator's view of any tenant's batch, for the console's batch page. Not tenant-filtered — that is
 * the point — so, like the payout lookup (app/payouts/operator-lookup.ts), every read is in the
 * audit trail before it is answered (one `batch.read` on the batch's chain, or one `not_found` on the
 * lookup's), every answer names the batch's tenant, and a read whose record cannot be written is
 * not answered. The views are the tenant routes' own (items carry no destination at all).
 */
export interface OpsBatchReadDeps {
  readonly store: BatchReadStore;
  readonly groups: BatchGroupReads;
  readonly audit: Pick<AuditTrail, 'append'>;
  readonly nowIso: () => string;
}

export async function opsBatchReads(
  deps: OpsBatchReadDeps,
  route: OpsBatchRoute,
  event: ApiEvent,
  requestId: string,
): Promise<HttpResult> {
  // API Gateway enforced the scope; checked again so a mis-wired route cannot widen access.
  const operator = operatorOf(event);
  requireScope(operator, route.scope);
  const read = { deps, operator, requestId, route: `${route.method} ${route.path}` };
  switch (route.name) {
    case 'find': {
      const query = parseQuery(opsFindBatchesQuerySchema, event.queryStringParameters);
      const found = await findBySenderBatchId(deps.store, query.tenant_id, query.sender_batch_id);
      const lookup = `sender_batch_id:${query.tenant_id}:${query.sender_batch_id}`;
      const first = found[0];
      await audit(
        read,
        first === undefined ? undefined : { batchId: first.batch_id, tenantId: query.tenant_id },
        lookup,
      );
      return json(200, { data: found.map((view) => ({ ...view, tenant_id: query.tenant_id })) }, requestId);
    }
    case 'get': {
      parseQuery(noQuerySchema, event.queryStringParameters);
      const batch = await auditedBatch(read, event);
      const view = await batchWithCounts(deps.store, batch);
      const exceptions = await batchExceptions(deps.groups, batch.batchId);
      return json(200, { ...view, tenant_id: batch.tenantId, exceptions }, requestId);
    }
    case 'items': {
      const query = parseQuery(listBatchItemsQuerySchema, event.queryStringParameters);
      const batch = await auditedBatch(read, event, query.status === undefined ? {} : { status: query.status });
      const page = await pagedItems(deps.store, batch, query);
      return json(200, { batch_id: batch.batchId, tenant_id: batch.tenantId, ...page }, requestId);
    }
    default:
      return assertNever(route.name, 'ops batch route');
  }
}

interface AuditedRead {
  readonly deps: OpsBatchReadDeps;
  readonly operator: Operator;
  readonly requestId: string;
  readonly route: string;
}

/** The batch of the path, its read recorded first; a miss is recorded too, then answered 404. */
async function auditedBatch(read: AuditedRead, event: ApiEvent, details: Record<string, string> = {}): Promise<Batch> {
  const batchId = batchIdOf(event);
  const batch = await read.deps.store.getBatch(batchId);
  await audit(read, batch === undefined ? undefined : batch, `batch_id:${batchId}`, details);
  if (batch === undefined) throw notFound('batch');
  return batch;
}

async function audit(
  read: AuditedRead,
  found: Pick<Batch, 'batchId' | 'tenantId'> | undefined,
  lookup: string,
  details: Record<string, string> = {},
): Promise<void> {
  const { deps, operator } = read;
  const base = {
    at: deps.nowIso(),
    actor: operatorAuditActor(operator),
    action: 'batch.read',
    request_id: read.requestId,
    details: { route: read.route, lookup, client_id: operator.clientId, scopes: operator.scopes, ...details },
  } as const;
  // A miss is audited on the lookup's own chain: a batch's chain starts with the batch.
  const entry: AuditEntry =
    found === undefined
      ? { ...base, subject: { type: 'batch_lookup', id: lookup }, tenant_id: null, outcome: 'not_found' }
      : { ...base, subject: { type: 'batch', id: found.batchId }, tenant_id: found.tenantId, outcome: 'read' };
  await recordRead(deps.audit, entry);
}
