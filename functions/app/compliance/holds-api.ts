import type { AuditTrail } from '../../adapters/audit-trail';
import { InvalidCursorError } from '../../adapters/cursor';
import type { OpenHoldsPage } from '../../adapters/hold-queue';
import { assertNever } from '../../domain/assert-never';
import type { HoldOwner } from '../../domain/compliance/contract';
import { HoldError } from '../../domain/compliance/holds';
import type { Actor } from '../../domain/payout';
import { ApiError, badRequest, fromDomainError, notFound } from '../../http/api-error';
import { parseJsonBody } from '../../http/body';
import { callerOf } from '../../http/claims';
import type { ApiEvent } from '../../http/http-handler';
import {
  HOLD_ID_PATTERN,
  HOLD_RELEASE_BODY_BYTES_MAX,
  holdJson,
  holdQueueEntryJson,
  holdQueueQuerySchema,
  holdReleaseBodySchema,
} from '../../http/hold-schemas';
import { operatorActor, operatorAuditActor, operatorOf, requireScope } from '../../http/operator';
import { noQuerySchema, parseQuery } from '../../http/query-parameters';
import { requestErrorOf } from '../../http/request-errors';
import { json, type HttpResult } from '../../http/response';
import { PAYOUT_ID_PATTERN } from '../../shared/ids';
import type { HoldRoute } from '../../shared/hold-routes';
import { recordRead } from '../audit/audited-read';
import { releaseHoldByRoute, type RouteReleaseDeps } from './route-release';

/**
 * GET /ops/holds?owner=&cursor= (the "before funds move" queue of one owner, audited as
 * `holds.read`) and the two release routes (shared/hold-routes.ts). The queue is a read: it filters
 * nothing by role, as GET /exceptions does not. A release's owner check is the use case's
 * (app/compliance/route-release.ts); its write is audited with the reason (adapters/payout-holds.ts).
 */
export interface HoldsApiDeps extends RouteReleaseDeps {
  queue: { listOpenHolds(query: { owner: HoldOwner; cursor?: string; limit: number }): Promise<OpenHoldsPage> };
  audit: Pick<AuditTrail, 'append'>;
  nowIso(): string;
}

export async function holdsApi(
  deps: HoldsApiDeps,
  route: HoldRoute,
  event: ApiEvent,
  requestId: string,
): Promise<HttpResult> {
  switch (route.name) {
    case 'queue':
      return holdQueue(deps, route, event, requestId);
    case 'release': {
      const caller = callerOf(event);
      if (!caller.scopes.includes(route.scope)) throw insufficientScope(route);
      const actor: Actor = { kind: 'client', id: caller.clientId, role: caller.role, scopes: caller.scopes };
      return release(deps, event, requestId, { tenantId: caller.tenantId, scopes: caller.scopes, actor });
    }
    case 'ops_release': {
      const operator = operatorOf(event);
      requireScope(operator, route.scope);
      return release(deps, event, requestId, {
        tenantId: undefined,
        scopes: operator.scopes,
        actor: operatorActor(operator),
      });
    }
    default:
      return assertNever(route.name, 'hold route');
  }
}

async function holdQueue(deps: HoldsApiDeps, route: HoldRoute, event: ApiEvent, requestId: string) {
  const operator = operatorOf(event);
  // API Gateway enforced the scope; checked again so a mis-wired route cannot widen access.
  requireScope(operator, route.scope);
  const query = parseQuery(holdQueueQuerySchema, event.queryStringParameters);
  let page: OpenHoldsPage;
  try {
    page = await deps.queue.listOpenHolds({
      owner: query.owner,
      limit: query.limit,
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
    });
  } catch (error) {
    if (error instanceof InvalidCursorError) throw badRequest('cursor_invalid', 'cursor is not valid', 'cursor');
    throw error;
  }
  await recordRead(deps.audit, {
    at: deps.nowIso(),
    actor: operatorAuditActor(operator),
    action: 'holds.read',
    subject: { type: 'holds_queue', id: query.owner },
    tenant_id: null,
    request_id: requestId,
    outcome: 'read',
    details: { route: `${route.method} ${route.path}`, owner: query.owner, count: page.entries.length },
  });
  return json(
    200,
    { owner: query.owner, data: page.entries.map(holdQueueEntryJson), next_cursor: page.nextCursor ?? null },
    requestId,
  );
}

interface Principal {
  tenantId: string | undefined;
  scopes: readonly string[];
  actor: Actor;
}

async function release(deps: HoldsApiDeps, event: ApiEvent, requestId: string, principal: Principal) {
  // As sent, like the exceptions routes: an id has nothing to percent-decode.
  const payoutId = event.pathParameters?.['payoutId'] ?? '';
  const holdId = event.pathParameters?.['holdId'] ?? '';
  if (!PAYOUT_ID_PATTERN.test(payoutId)) throw notFound('payout');
  if (!HOLD_ID_PATTERN.test(holdId)) throw notFound('hold');
  parseQuery(noQuerySchema, event.queryStringParameters);
  const raw = parseJsonBody(event, { bytesMax: HOLD_RELEASE_BODY_BYTES_MAX, empty: 'refuse' });
  const body = holdReleaseBodySchema.safeParse(raw);
  if (!body.success) throw requestErrorOf(body.error.issues, raw, { kind: 'body' });
  try {
    const outcome = await releaseHoldByRoute(deps, {
      payoutId,
      holdId,
      ...principal,
      requestId,
      at: deps.nowIso(),
      reason: body.data.reason,
    });
    if (outcome.kind === 'payout_not_found') throw notFound('payout');
    return json(
      200,
      {
        outcome: outcome.kind,
        payout_id: outcome.payout.payoutId,
        status: outcome.payout.status,
        open_hold_count: outcome.payout.openHoldCount ?? 0,
        submitted: outcome.submitted,
        hold: holdJson(outcome.hold),
      },
      requestId,
    );
  } catch (error) {
    if (error instanceof HoldError) throw holdApiError(error);
    throw error;
  }
}

/** Each refusal's status: the hold missing 404, the wrong owner 403, another route's to release 409, unmet 422. */
function holdApiError(error: HoldError): ApiError {
  switch (error.code) {
    case 'hold_not_found':
      return new ApiError({ ...apiErrorInit(error), status: 404, type: 'not_found_error' });
    case 'hold_owner_scope_required':
      return new ApiError({ ...apiErrorInit(error), status: 403, type: 'permission_error' });
    case 'approval_hold_released_by_approve':
    case 'screening_hold_released_by_decision':
      return new ApiError({ ...apiErrorInit(error), status: 409, type: 'conflict_error' });
    default:
      return fromDomainError(error);
  }
}

function apiErrorInit(error: HoldError) {
  return {
    code: error.code,
    category: error.category,
    message: error.message,
    ...(error.param === undefined ? {} : { param: error.param }),
  };
}

function insufficientScope(route: HoldRoute): ApiError {
  return new ApiError({
    status: 403,
    type: 'permission_error',
    code: 'insufficient_scope',
    category: 'terminal',
    message: `this action requires the ${route.scope} scope`,
  });
}
