import type { AuditTrail } from '../../adapters/audit-trail';
import type { PayoutsRepository } from '../../adapters/payouts-repository';
import type { AuditEntry } from '../../domain/audit';
import { payoutSubject } from '../../domain/audit-entries';
import { recordRead } from '../audit/audited-read';
import type { ApiEvent } from '../../http/http-handler';
import { opsPayoutsQuerySchema, PAYOUT_ID_CHARS_MAX, type OpsPayoutsQuery } from '../../http/ops-payout-schemas';
import { payoutView, timelineEntryView } from '../../http/payout-view';
import { noQuerySchema, parseQuery } from '../../http/query-parameters';
import { assertNever } from '../../domain/assert-never';
import type { Payout } from '../../domain/payout';
import { badRequest, notFound } from '../../http/api-error';
import { operatorAuditActor, operatorOf, requireScope, type Operator } from '../../http/operator';
import { json, type HttpResult } from '../../http/response';

/**
 * GET /ops/payouts and GET /ops/payouts/{payoutId}/events (ops:read): the on-call operator's view
 * of any tenant's payout. Not tenant-filtered — that is the point — so every read is in the audit
 * trail before it is answered (who, with which scopes, whose payout, which request: one `payout.read`
 * record on each payout read, or one `not_found` record on the lookup that found nothing), and
 * every answer names the payout's tenant. A read whose record cannot be written is not answered.
 * The tenant routes (/payouts…) are untouched.
 */
export interface OperatorLookupDeps {
  repository: Pick<
    PayoutsRepository,
    'getPayoutById' | 'findByIdempotencyKey' | 'findByProviderReference' | 'listTimelineOfAnyTenant'
  >;
  audit: Pick<AuditTrail, 'append'>;
  nowMs(): number;
  /** Providers whose references we index (`payout.provider`). */
  providers: readonly string[];
  /** A value outside the payout id shape cannot exist: answered without a read. */
  payoutIdPattern: RegExp;
}

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
      const key = lookupKeyOf(query);
      const payouts = await findPayouts(deps, query, key);
      await audit(deps, operator, requestId, event.routeKey, payouts, lookupOf(query, key));
      return json(200, { data: payouts.map(operatorPayoutView), next_cursor: null }, requestId);
    }
    case 'GET /ops/payouts/{payoutId}/events': {
      parseQuery(noQuerySchema, event.queryStringParameters);
      const payoutId = event.pathParameters?.['payoutId'];
      const payout =
        payoutId !== undefined && deps.payoutIdPattern.test(payoutId)
          ? await deps.repository.getPayoutById(payoutId)
          : undefined;
      await audit(
        deps,
        operator,
        requestId,
        event.routeKey,
        payout === undefined ? [] : [payout],
        `payout_id:${(payoutId ?? '').slice(0, PAYOUT_ID_CHARS_MAX)}`,
      );
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

/** The lookup as a subject id: `payout_id:po_…`, `idempotency_key:<tenant>:<key>`, `provider_reference:<ref>`. */
function lookupOf(query: OpsPayoutsQuery, key: LookupKey): string {
  switch (key) {
    case 'payout_id':
      return `payout_id:${query.payout_id!}`;
    case 'idempotency_key':
      return `idempotency_key:${query.tenant_id!}:${query.idempotency_key!}`;
    case 'provider_reference':
      return `provider_reference:${query.provider_reference!}`;
    default:
      return assertNever(key, 'lookup key');
  }
}

async function audit(
  deps: OperatorLookupDeps,
  operator: Operator,
  requestId: string,
  route: string,
  payouts: Payout[],
  lookup: string,
): Promise<void> {
  const base = {
    at: new Date(deps.nowMs()).toISOString(),
    actor: operatorAuditActor(operator),
    action: 'payout.read',
    request_id: requestId,
    details: { route, lookup, client_id: operator.clientId, scopes: operator.scopes },
  } as const;
  // A miss is audited too (someone looked), on the lookup's own chain: a payout's chain starts with its creation.
  const entries: AuditEntry[] =
    payouts.length === 0
      ? [{ ...base, subject: { type: 'payout_lookup', id: lookup }, tenant_id: null, outcome: 'not_found' }]
      : payouts.map((payout) => ({
          ...base,
          subject: payoutSubject(payout.payoutId),
          tenant_id: payout.tenantId,
          outcome: 'read',
        }));
  for (const entry of entries) await recordRead(deps.audit, entry);
}
