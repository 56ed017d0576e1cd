import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { idempotentAction } from '../../functions/app/actions/idempotent-action';
import type { PayoutActionsDeps } from '../../functions/app/actions/payout-action-deps';
import { payoutActionsApi } from '../../functions/app/actions/payout-actions-api';
import { assertNever } from '../../functions/domain/assert-never';
import { DomainError } from '../../functions/domain/domain-error';
import { ApiError, fromDomainError } from '../../functions/http/api-error';
import { errorResponse, type HttpResult } from '../../functions/http/response';
import {
  ACTION_IDEMPOTENCY_KEY_PREFIX,
  IDEMPOTENCY_EXPIRES_AFTER_SECONDS_DEFAULT,
  PRINCIPAL_ROLE_CLAIM,
  PRINCIPAL_TYPE_CLAIM,
  RESOURCE_SERVER_ID,
  TENANT_CLAIM,
} from '../../functions/shared/names';
import { REVERSAL_ID_PREFIX } from '../../functions/shared/ids';
import type { Gate } from './gate';
import { InMemoryActionKeys } from './memory/action-keys';
import { InMemoryIdempotencyLayer } from './memory/idempotency';
import { sender } from './memory/queues';
import type { ActionRequest, SimAction, SimPrincipal } from './action-requests';
import { lambdaContext, type World } from './world';

export type { ActionRequest, SimAction, SimPrincipal } from './action-requests';

/**
 * The tenant's payout actions (approve, reject, cancel) as the payout-actions Lambda runs them:
 * the real HTTP entry (app/actions/payout-actions-api.ts: principal, scope, ids, Idempotency-Key,
 * strict body) under the real idempotent section (Powertools + the action key lock), onto the
 * in-memory stores. Refusals answer as httpHandler answers them (the DESIGN §3 error body); any
 * other error is the task's failure, retried by the client — and a programmer error is a finding.
 * Reversals are not driven yet (docs/simulation.md).
 */

const ROUTE_OF: Readonly<Record<SimAction, string>> = {
  approve: 'POST /payouts/{payoutId}/approve',
  reject: 'POST /payouts/{payoutId}/reject',
  cancel: 'POST /payouts/{payoutId}/cancel',
};

/** The app client of a principal; the creator's is the backend's (World.caller creates as it). */
export const clientIdOf = (tenantId: string, principal: SimPrincipal): string =>
  principal === 'approver' ? `sim-${tenantId}-approver` : `sim-${tenantId}`;

function claimsOf(tenantId: string, principal: SimPrincipal): Record<string, string> {
  const clientId = clientIdOf(tenantId, principal);
  const role = principal === 'backend' ? 'backend' : 'approver';
  const scopes = principal === 'backend' ? ['payouts:write', 'payouts:read'] : ['payouts:approve', 'payouts:read'];
  return {
    sub: clientId,
    client_id: clientId,
    [TENANT_CLAIM]: tenantId,
    [PRINCIPAL_TYPE_CLAIM]: 'tenant',
    [PRINCIPAL_ROLE_CLAIM]: role,
    scope: scopes.map((s) => `${RESOURCE_SERVER_ID}/${s}`).join(' '),
  };
}

function actionEvent(request: ActionRequest, requestId: string): APIGatewayProxyEventV2WithJWTAuthorizer {
  const routeKey = ROUTE_OF[request.action];
  const path = routeKey.slice('POST '.length).replace('{payoutId}', request.payoutId);
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', 'idempotency-key': request.idempotencyKey },
    pathParameters: { payoutId: request.payoutId },
    body: JSON.stringify(request.body),
    isBase64Encoded: false,
    requestContext: {
      requestId,
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'sim' },
      authorizer: {
        jwt: { claims: claimsOf(request.tenantId, request.principal), scopes: [] },
        principalId: '',
        integrationLatency: 0,
      },
    },
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}

/** handlers/payout-actions.ts' wiring, per task, onto the world's stores. */
function actionDeps(world: World, gate: Gate): PayoutActionsDeps {
  const payouts = world.payoutsFor(gate);
  return {
    payouts,
    action: idempotentAction({
      persistenceStore: new InMemoryIdempotencyLayer(world.actionIdempotency, gate, world.now),
      keyPrefix: ACTION_IDEMPOTENCY_KEY_PREFIX,
      expiresAfterSeconds: IDEMPOTENCY_EXPIRES_AFTER_SECONDS_DEFAULT,
      locks: new InMemoryActionKeys(world.payouts.actionKeys, gate),
      newSalt: () => `salt${world.newRequestId()}`,
      now: () => new Date(world.clockMs),
    }),
    enqueueSubmission: async (message) =>
      sender(world.submissionQueue, gate, world.now)(JSON.stringify({ payoutId: message.payoutId })),
    providers: { sandbox: world.providerFor(gate) },
    now: () => new Date(world.clockMs),
    newReversalId: () => `${REVERSAL_ID_PREFIX}sim${world.newRequestId()}`,
  };
}

/** One attempt of an action request, answered as the API would answer it. */
export async function callAction(world: World, gate: Gate, request: ActionRequest): Promise<HttpResult> {
  const requestId = world.newRequestId();
  try {
    return await payoutActionsApi(
      actionDeps(world, gate),
      actionEvent(request, requestId),
      requestId,
      lambdaContext('payout-actions'),
    );
  } catch (error) {
    if (error instanceof ApiError) return errorResponse(error, requestId);
    if (error instanceof DomainError) return errorResponse(fromDomainError(error), requestId);
    throw error;
  }
}

/** An answer the client retries with the same key: in progress, provider unavailable, any 5xx. */
const retriable = (statusCode: number, code: string | undefined) =>
  statusCode >= 500 || code === 'idempotency_request_in_progress' || code === 'payout_changed';

/** Starts one attempt; its answer decides whether the client tries again. */
export function startAction(world: World, request: ActionRequest, label: string): void {
  const task = world.spawn(label, (gate) => callAction(world, gate, request));
  world.afterRun(() => {
    if (task.state !== 'done') return; // crashed, or an unforeseen error: the client retries
    const answer = task.result!;
    request.answers.push(answer.statusCode);
    const code = errorCodeOf(answer);
    const tally = `${request.action} ${answer.statusCode}${code === undefined ? '' : ` ${code}`}`;
    world.actionAnswers.set(tally, (world.actionAnswers.get(tally) ?? 0) + 1);
    if (!retriable(answer.statusCode, code)) request.done = true;
    // The tenant's own payout is never "not found" (an honest 404 is for another tenant's token).
    const payout = world.payouts.payouts.get(request.payoutId);
    if (answer.statusCode === 404 && payout?.tenantId === request.tenantId)
      world.violations.push(`payout ${request.payoutId}: its tenant's ${request.action} was answered 404`);
    // Four eyes: the creator's own approval must be refused, whatever else happened to the payout.
    if (request.principal === 'creator-as-approver' && answer.statusCode < 300)
      world.violations.push(
        `payout ${request.payoutId}: its creator's ${request.action} was answered ${answer.statusCode}`,
      );
  });
}

function errorCodeOf(answer: HttpResult): string | undefined {
  if (answer.statusCode < 400 || typeof answer.body !== 'string') return undefined;
  try {
    return (JSON.parse(answer.body) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

export function newActionRequest(
  world: World,
  fields: Omit<ActionRequest, 'id' | 'answers' | 'done' | 'idempotencyKey'>,
): ActionRequest {
  const request: ActionRequest = {
    ...fields,
    id: world.actionRequests.length + 1,
    idempotencyKey: `act-${world.actionRequests.length + 1}`,
    answers: [],
    done: false,
  };
  world.actionRequests.push(request);
  return request;
}

/** What each action sends: a reject needs a reason; notes and cancel reasons are optional. */
export function bodyOf(world: World, action: SimAction): Record<string, string> {
  switch (action) {
    case 'approve':
      return world.choices.chance(0.5) ? {} : { note: 'checked against the invoice' };
    case 'reject':
      return { reason: 'amount not agreed' };
    case 'cancel':
      return world.choices.chance(0.5) ? {} : { reason: 'the order was withdrawn' };
    default:
      return assertNever(action, 'sim action');
  }
}
