import type { Context } from 'aws-lambda';
import { tenantKeyPrincipal } from '../../adapters/action-keys';
import { assertNever } from '../../domain/assert-never';
import { ApiError, notFound } from '../../http/api-error';
import { callerOf } from '../../http/claims';
import type { ApiEvent } from '../../http/http-handler';
import { idempotencyKeyOf, storedAnswerResult } from '../../http/idempotency-key';
import { actionResourceId, parseActionBody } from '../../http/payout-action-requests';
import type { HttpResult } from '../../http/response';
import { PAYOUT_ID_PATTERN, REVERSAL_ID_PATTERN } from '../../shared/ids';
import {
  PAYOUT_ACTION_ROUTES,
  routeKeyOf,
  type PayoutAction,
  type PayoutActionRoute,
} from '../../shared/payout-action-routes';
import { flattenFields } from '../payouts/field-hashes';
import { approvePayout, rejectPayout, replayApprove, replayCurrent } from './approvals';
import { cancelPayout, replayCancel } from './cancel';
import type { ActionAnswer, ActionRunContext } from './idempotent-action';
import type { ActionCall, PayoutActionsDeps } from './payout-action-deps';
import { decideReversalRequest, replayReversalApproval, requestReversal } from './reversals';

/**
 * The tenant's actions on a payout (shared/payout-action-routes.ts). Checked in this order, the
 * first failure answering and nothing written: the principal (a tenant's token; an operator's is
 * 403 tenant_route_forbidden_for_operator), the route's scope (API Gateway checked it; checked again
 * so a mis-wired route cannot widen access), the path ids (a value that cannot name a payout or a
 * reversal is 404 without a read), Idempotency-Key (400), the body (http/body.ts, then the action's
 * strict schema), then the idempotent section (app/actions/idempotent-action.ts) with the use case.
 */
const ROUTES = new Map<string, PayoutActionRoute>(PAYOUT_ACTION_ROUTES.map((route) => [routeKeyOf(route), route]));

export async function payoutActionsApi(
  deps: PayoutActionsDeps,
  event: ApiEvent,
  requestId: string,
  context: Context,
): Promise<HttpResult> {
  const caller = callerOf(event);
  const route = ROUTES.get(event.routeKey);
  if (route === undefined) throw notFound(`route ${event.routeKey}`);
  if (!caller.scopes.includes(route.scope)) {
    throw new ApiError({
      status: 403,
      type: 'permission_error',
      code: 'insufficient_scope',
      category: 'terminal',
      message: `this action requires the ${route.scope} scope`,
    });
  }
  const payoutId = event.pathParameters?.['payoutId'];
  if (payoutId === undefined || !PAYOUT_ID_PATTERN.test(payoutId)) throw notFound('payout');
  const reversalId = event.pathParameters?.['reversalId'];
  const needsReversal = route.path.includes('{reversalId}');
  if (needsReversal && (reversalId === undefined || !REVERSAL_ID_PATTERN.test(reversalId))) throw notFound('reversal');
  const key = idempotencyKeyOf(event.headers);
  const body = parseActionBody(route.action, event);
  const call: ActionCall = {
    caller,
    payoutId,
    body,
    requestId,
    ...(needsReversal && reversalId !== undefined ? { reversalId } : {}),
  };
  const stored = await deps.action(
    {
      // Tenant + route + resource + key: a tenant never meets another's key, nor one of another action.
      scope: {
        principal: tenantKeyPrincipal(caller.tenantId),
        route: event.routeKey,
        resourceId: actionResourceId(route.action, payoutId, reversalId),
        key,
      },
      fields: flattenFields(body as Record<string, unknown>),
      requestId,
      run: (runContext) => run(deps, route.action, call, runContext),
      replay: () => replay(deps, route.action, call),
    },
    context,
  );
  return storedAnswerResult(stored, requestId);
}

function run(
  deps: PayoutActionsDeps,
  action: PayoutAction,
  call: ActionCall,
  context: ActionRunContext,
): Promise<ActionAnswer> {
  switch (action) {
    case 'approve':
      return approvePayout(deps, call, context);
    case 'reject':
      return rejectPayout(deps, call, context);
    case 'cancel':
      return cancelPayout(deps, call, context);
    case 'request_reversal':
      return requestReversal(deps, call, context);
    case 'approve_reversal':
      return decideReversalRequest(deps, call, context, 'approve');
    case 'reject_reversal':
      return decideReversalRequest(deps, call, context, 'reject');
    default:
      return assertNever(action, 'payout action');
  }
}

/** An action this key already applied, its stored answer gone: the resource as it stands now. */
function replay(deps: PayoutActionsDeps, action: PayoutAction, call: ActionCall): Promise<ActionAnswer> {
  switch (action) {
    case 'approve':
      return replayApprove(deps, call);
    case 'cancel':
      return replayCancel(deps, call);
    case 'approve_reversal':
      return replayReversalApproval(deps, call);
    case 'request_reversal':
      return replayCurrent(deps, call, 201);
    case 'reject':
    case 'reject_reversal':
      return replayCurrent(deps, call);
    default:
      return assertNever(action, 'payout action');
  }
}
