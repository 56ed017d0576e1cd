import { dynamoDocumentClient, requiredEnv } from '../adapters/aws-clients';
import { InvalidCursorError } from '../adapters/cursor';
import { AuditTrail } from '../adapters/audit-trail';
import { corridorMatrix } from '../adapters/corridors-config';
import { PayoutsRepository } from '../adapters/payouts-repository';
import { httpHandler, type ApiEvent } from '../http/http-handler';
import { lifecycleView } from '../http/lifecycle-view';
import { payoutView, timelineEntryView } from '../http/payout-view';
import { noQuerySchema, parseQuery } from '../http/query-parameters';
import { listPayoutsQuerySchema } from '../http/schemas';
import type { Payout } from '../domain/payout';
import { PAYOUT_ID_PATTERN } from '../shared/ids';
import { ENV, PROVIDER_NAMES, SUBMITTING_PROVIDERS } from '../shared/names';
import { badRequest, notFound } from '../http/api-error';
import { callerOf } from '../http/claims';
import { operatorLookup, type OperatorLookupDeps } from '../app/payouts/operator-lookup';
import { json, type HttpResult } from '../http/response';

// GET /payouts, /payouts/{payoutId}, /payouts/{payoutId}/events, /lifecycle. Tenant isolation:
// another tenant's payout answers exactly like a payout that does not exist (404).
// GET /ops/payouts, /ops/payouts/{payoutId}/events: the operator's cross-tenant, audited lookup
// (app/payouts/operator-lookup.ts).

const client = dynamoDocumentClient();
const auditTable = requiredEnv(ENV.auditTable);
const repository = new PayoutsRepository({
  client,
  payoutsTable: requiredEnv(ENV.payoutsTable),
  ledgerTable: process.env[ENV.ledgerTable] ?? 'unused-by-queries',
  auditTable,
});
const operatorDeps: OperatorLookupDeps = {
  repository,
  // Operator reads are audited: the one write this function makes.
  audit: new AuditTrail(client, auditTable),
  nowMs: () => Date.now(),
  providers: SUBMITTING_PROVIDERS,
  payoutIdPattern: PAYOUT_ID_PATTERN,
};

export const handler = httpHandler(async (event, requestId) => {
  switch (event.routeKey) {
    case 'GET /lifecycle':
      // No tenant data, but a tenant route all the same: an operator token is refused here too.
      callerOf(event);
      parseQuery(noQuerySchema, event.queryStringParameters);
      return json(200, lifecycleView(corridorMatrix().corridors), requestId);
    case 'GET /payouts':
      return listPayouts(event, requestId);
    case 'GET /payouts/{payoutId}': {
      const tenantId = callerOf(event).tenantId;
      parseQuery(noQuerySchema, event.queryStringParameters);
      const payoutId = payoutIdOf(event);
      const payout = payoutId === undefined ? undefined : await repository.getPayout(tenantId, payoutId);
      if (payout === undefined) throw notFound('payout');
      return json(200, payoutView(payout), requestId);
    }
    case 'GET /payouts/{payoutId}/events': {
      const tenantId = callerOf(event).tenantId;
      parseQuery(noQuerySchema, event.queryStringParameters);
      const payoutId = payoutIdOf(event);
      const timeline = payoutId === undefined ? undefined : await repository.listTimeline(tenantId, payoutId);
      if (timeline === undefined || payoutId === undefined) throw notFound('payout');
      return json(200, { payout_id: payoutId, data: timeline.map(timelineEntryView) }, requestId);
    }
    case 'GET /ops/payouts':
    case 'GET /ops/payouts/{payoutId}/events':
      return operatorLookup(operatorDeps, event, requestId);
    default:
      throw notFound(`route ${event.routeKey}`);
  }
});

/**
 * A provider reference names at most one payout per provider. It is looked up on the reference's
 * index item (a consistent GetItem, not a GSI), then held to the caller's tenant like every read.
 */
async function findByProviderReference(
  tenantId: string,
  providerReference: string,
  requestId: string,
): Promise<HttpResult> {
  const found: Payout[] = [];
  for (const provider of PROVIDER_NAMES) {
    const payout = await repository.findByProviderReference(provider, providerReference);
    if (payout !== undefined && payout.tenantId === tenantId) found.push(payout);
  }
  return json(200, { data: found.map(payoutView), next_cursor: null }, requestId);
}

function payoutIdOf(event: ApiEvent): string | undefined {
  const payoutId = event.pathParameters?.['payoutId'];
  return payoutId !== undefined && PAYOUT_ID_PATTERN.test(payoutId) ? payoutId : undefined;
}

const LIST_PAYOUTS_MESSAGES = { invalid_range: () => 'created_from must not be after created_to' };

async function listPayouts(event: ApiEvent, requestId: string): Promise<HttpResult> {
  const tenantId = callerOf(event).tenantId;
  const query = parseQuery(listPayoutsQuerySchema, event.queryStringParameters, LIST_PAYOUTS_MESSAGES);
  if (query.provider_reference !== undefined)
    return findByProviderReference(tenantId, query.provider_reference, requestId);
  try {
    const page = await repository.listPayouts({
      tenantId,
      limit: query.limit,
      ...(query.status === undefined ? {} : { status: query.status }),
      ...(query.idempotency_key === undefined ? {} : { idempotencyKey: query.idempotency_key }),
      ...(query.created_from === undefined ? {} : { createdFrom: query.created_from }),
      ...(query.created_to === undefined ? {} : { createdTo: query.created_to }),
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
    });
    return json(200, { data: page.payouts.map(payoutView), next_cursor: page.nextCursor ?? null }, requestId);
  } catch (error) {
    if (error instanceof InvalidCursorError)
      throw badRequest('cursor_invalid', 'cursor is not valid for this query; start again without it', 'cursor');
    throw error;
  }
}
