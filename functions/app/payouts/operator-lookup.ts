import type { Logger } from '@aws-lambda-powertools/logger';
import type { PayoutsRepository } from '../../adapters/payouts-repository';
import type { ApiEvent } from '../../http/http-handler';
import { opsPayoutsQuerySchema, type OpsPayoutsQuery } from '../../http/ops-payout-schemas';
import { payoutView, timelineEntryView } from '../../http/payout-view';
import { noQuerySchema, parseQuery } from '../../http/query-parameters';
import { assertNever } from '../../domain/assert-never';
import type { Payout } from '../../domain/payout';
import { badRequest, notFound } from '../../http/api-error';
import { operatorOf, requireScope, type Operator } from '../../http/operator';
import { json, type HttpResult } from '../../http/response';

/**
 * GET /ops/payouts and GET /ops/payouts/{payoutId}/events (ops:read): the on-call operator's view
 * of any tenant's payout. Not tenant-filtered — that is the point — so every read leaves a
 * structured audit line (who, with which scopes, whose payout, which request) in the logs, and
 * every answer names the payout's tenant. The tenant routes (/payouts…) are untouched.
 */
export interface OperatorLookupDeps {
  repository: Pick<
    PayoutsRepository,
    'getPayoutById' | 'findByIdempotencyKey' | 'findByProviderReference' | 'listTimelineOfAnyTenant'
  >;
  logger: Pick<Logger, 'info'>;
  /** Providers whose references we index (`payout.provider`). */
  providers: readonly string[];
  /** A value outside the payout id shape cannot exist: answered without a read. */
  payoutIdPattern: RegExp;
}

/** The message every operator read logs; alarms and audit queries filter on it. */
export const OPERATOR_READ_AUDIT_MESSAGE = 'operator payout read';
const LOOKUP_KEYS = ['payout_id', 'idempotency_key', 'provider_reference'] as const;
type LookupKey = (typeof LOOKUP_KEYS)[number];

export async function operatorLookup(
  deps: OperatorLookupDeps,
  event: ApiEvent,
  requestId: string,
): Promise<HttpResult> {
  // API Gateway enforced ops:read; checked again so a mis-wired route cannot widen access.
  const operator = operatorOf(event);
  requireScope(operator, 'ops:read');
  switch (event.routeKey) {
    case 'GET /ops/payouts': {
      const query = parseQuery(opsPayoutsQuerySchema, event.queryStringParameters);
      const payouts = await findPayouts(deps, query, lookupKeyOf(query));
      audit(deps, operator, requestId, event.routeKey, payouts);
      return json(200, { data: payouts.map(operatorPayoutView), next_cursor: null }, requestId);
    }
    case 'GET /ops/payouts/{payoutId}/events': {
      parseQuery(noQuerySchema, event.queryStringParameters);
      const payoutId = event.pathParameters?.['payoutId'];
      const payout =
        payoutId !== undefined && deps.payoutIdPattern.test(payoutId)
          ? await deps.repository.getPayoutById(payoutId)
          : undefined;
      audit(deps, operator, requestId, event.routeKey, payout === undefined ? [] : [payout]);
      if (payout === undefined) throw notFound('payout');
      const timeline = await deps.repository.listTimelineOfAnyTenant(payout.payoutId);
      return json(
        200,
        { payout_id: payout.payoutId, tenant_id: payout.tenantId, data: timeline.map(timelineEntryView) },
        requestId,
      );
    }
    default:
      throw notFound(`route ${event.routeKey}`);
  }
}

/** Exactly one lookup key; an idempotency key only means something within its tenant. */
function lookupKeyOf(query: OpsPayoutsQuery): LookupKey {
  const given = LOOKUP_KEYS.filter((key) => query[key] !== undefined);
  if (given.length === 0) throw badRequest('lookup_key_missing', `give one of ${LOOKUP_KEYS.join(', ')}`);
  if (given.length > 1) throw badRequest('lookup_key_ambiguous', `give only one of ${given.join(', ')}`, given[1]);
  const key = given[0]!;
  if (key === 'idempotency_key' && query.tenant_id === undefined)
    throw badRequest(
      'tenant_id_required',
      'idempotency keys are per tenant: give tenant_id with idempotency_key',
      'tenant_id',
    );
  if (key !== 'idempotency_key' && query.tenant_id !== undefined)
    throw badRequest('tenant_id_unexpected', 'tenant_id only goes with idempotency_key', 'tenant_id');
  return key;
}

async function findPayouts(deps: OperatorLookupDeps, query: OpsPayoutsQuery, key: LookupKey): Promise<Payout[]> {
  switch (key) {
    case 'payout_id': {
      const payoutId = query.payout_id!;
      const payout = deps.payoutIdPattern.test(payoutId) ? await deps.repository.getPayoutById(payoutId) : undefined;
      return payout === undefined ? [] : [payout];
    }
    case 'idempotency_key': {
      const found = await deps.repository.findByIdempotencyKey(query.tenant_id!, query.idempotency_key!);
      return found === undefined ? [] : [found.payout];
    }
    case 'provider_reference': {
      // A reference names at most one payout per provider: one consistent GetItem each.
      const found = await Promise.all(
        deps.providers.map((provider) => deps.repository.findByProviderReference(provider, query.provider_reference!)),
      );
      return found.filter((payout): payout is Payout => payout !== undefined);
    }
    default:
      return assertNever(key, 'lookup key');
  }
}

function operatorPayoutView(payout: Payout) {
  return { ...payoutView(payout), tenant_id: payout.tenantId };
}

function audit(
  deps: OperatorLookupDeps,
  operator: Operator,
  requestId: string,
  route: string,
  payouts: Payout[],
): void {
  deps.logger.info(OPERATOR_READ_AUDIT_MESSAGE, {
    audit: 'operator_read',
    route,
    operator: operator.subject,
    clientId: operator.clientId,
    scopes: operator.scopes,
    requestId,
    // Empty when nothing matched: a miss is audited too (someone looked).
    payouts: payouts.map((payout) => ({ payoutId: payout.payoutId, tenantId: payout.tenantId })),
    tenantIds: [...new Set(payouts.map((payout) => payout.tenantId))],
  });
}
