import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import { InvalidCorrectionCursorError } from '../../adapters/corrections-repository';
import { badRequest, notFound } from '../../http/api-error';
import { parseJsonBody } from '../../http/body';
import { OPS_BODY_BYTES_MAX } from '../../http/http-limits';
import { correctionView, type CorrectionList } from '../../http/correction-view';
import {
  approveCorrectionBodySchema,
  listCorrectionsQuerySchema,
  parseCorrectionsRequest,
  parseProposeBody,
  rejectCorrectionBodySchema,
} from '../../http/corrections-requests';
import { idempotencyKeyOf, storedAnswerResult } from '../../http/idempotency-key';
import { operatorOf, requireScope, type Operator } from '../../http/operator';
import { noQuerySchema, parseQuery } from '../../http/query-parameters';
import { json, requestIdOf, type HttpResult } from '../../http/response';
import { CORRECTION_ID_PATTERN, PAYOUT_ID_PATTERN } from '../../shared/ids';
import { operatorKeyPrincipal } from '../../adapters/action-keys';
import { flattenFields } from '../payouts/field-hashes';
import type { CorrectionActionInput, CorrectionsDeps, RunCorrectionAction } from './actions';

/**
 * The corrections routes (docs/ops-api.md), all with `payouts:correct`:
 *   POST /ops/payouts/{payoutId}/corrections          propose
 *   POST /ops/corrections/{correctionId}/approve      approve (a second operator) and apply
 *   POST /ops/corrections/{correctionId}/reject       reject (reason required)
 *   GET  /ops/corrections?state=&payout_id=           list
 *   GET  /ops/corrections/{correctionId}              read
 * Reading takes the same scope as deciding: the readers of the queue are its reviewers (ops and
 * compliance hold payouts:correct; compliance holds no ops:read), and a correction's reason and
 * evidence are for them, not for every holder of ops:read.
 *
 * A POST is checked in this order, nothing written on a refusal: the principal and scope (403) →
 * the path (404) → no query → Idempotency-Key (400) → the body (415/413/400, body.ts then the
 * schema) → `runAction`, the action (actions.ts), which the handler wraps for idempotency.
 */
export interface CorrectionsApiDeps extends CorrectionsDeps {
  /** The action as wired by the handler: executeCorrectionAction inside the idempotency primitive. */
  runAction: RunCorrectionAction;
}

const PROPOSE_PATH = /^\/ops\/payouts\/([^/]+)\/corrections$/;
const DECIDE_PATH = /^\/ops\/corrections\/([^/]+)\/(approve|reject)$/;
const READ_PATH = /^\/ops\/corrections\/([^/]+)$/;

export async function correctionsApi(
  deps: CorrectionsApiDeps,
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context: Context,
): Promise<HttpResult> {
  const requestId = requestIdOf(event);
  const operator = operatorOf(event);
  requireScope(operator, 'payouts:correct');
  const method = event.requestContext.http.method;
  const path = event.rawPath;
  if (method === 'GET') return read(deps, event, path, requestId);
  if (method !== 'POST') throw notFound('route');
  const input = actionInput(event, path, operator, requestId);
  // The stored answer is sent as stored (its body the exact string), with this request's Request-Id.
  return storedAnswerResult(await deps.runAction(input, context), requestId);
}

function actionInput(
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  path: string,
  operator: Operator,
  requestId: string,
): CorrectionActionInput {
  const propose = PROPOSE_PATH.exec(path);
  const decide = DECIDE_PATH.exec(path);
  // Ids as sent: they have nothing to percent-decode, and a bad escape must be a 404, not a 500.
  const target = (propose ?? decide)?.[1] ?? '';
  if (propose !== null ? !PAYOUT_ID_PATTERN.test(target) : decide === null || !CORRECTION_ID_PATTERN.test(target)) {
    throw notFound(propose !== null ? 'payout' : decide !== null ? 'correction' : 'route');
  }
  parseQuery(noQuerySchema, event.queryStringParameters);
  const idempotencyKey = idempotencyKeyOf(event.headers);
  // The key is the operator's own, per route and resource: the same key elsewhere is another action.
  const scopeOf = (route: string) => ({
    principal: operatorKeyPrincipal(operator.subject),
    route,
    resourceId: target,
    key: idempotencyKey,
  });
  const common = { operator, requestId };
  if (propose !== null) {
    const raw = parseJsonBody(event, { bytesMax: OPS_BODY_BYTES_MAX });
    const body = parseProposeBody(raw);
    return {
      ...common,
      scope: scopeOf('POST /ops/payouts/{payoutId}/corrections'),
      fields: flattenFields(raw as Record<string, unknown>),
      action: 'propose',
      payoutId: target,
      body,
    };
  }
  const action = decide![2] as 'approve' | 'reject';
  if (action === 'approve') {
    // Every field is optional: an empty body is an approval without a note.
    const raw = parseJsonBody(event, { bytesMax: OPS_BODY_BYTES_MAX, empty: 'empty_object' });
    const body = parseCorrectionsRequest(approveCorrectionBodySchema, raw, 'body');
    const fields = flattenFields(raw as Record<string, unknown>);
    return { ...common, scope: scopeOf(APPROVE_ROUTE), fields, action, correctionId: target, body };
  }
  const raw = parseJsonBody(event, { bytesMax: OPS_BODY_BYTES_MAX });
  const body = parseCorrectionsRequest(rejectCorrectionBodySchema, raw, 'body');
  const fields = flattenFields(raw as Record<string, unknown>);
  return { ...common, scope: scopeOf(REJECT_ROUTE), fields, action, correctionId: target, body };
}

const APPROVE_ROUTE = 'POST /ops/corrections/{correctionId}/approve';
const REJECT_ROUTE = 'POST /ops/corrections/{correctionId}/reject';

async function read(
  deps: CorrectionsDeps,
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  path: string,
  requestId: string,
): Promise<HttpResult> {
  if (path === '/ops/corrections') {
    const q = parseCorrectionsRequest(listCorrectionsQuerySchema, event.queryStringParameters ?? {}, 'query');
    try {
      const page = await deps.corrections.list({
        ...(q.state === undefined ? {} : { state: q.state }),
        ...(q.payout_id === undefined ? {} : { payoutId: q.payout_id }),
        limit: q.limit,
        ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
      });
      const list: CorrectionList = {
        data: page.items.map(correctionView),
        ...(page.nextCursor === undefined ? {} : { next_cursor: page.nextCursor }),
      };
      return json(200, list, requestId);
    } catch (error) {
      if (error instanceof InvalidCorrectionCursorError) {
        throw badRequest('invalid_cursor', 'cursor is not valid for this query; start again without it', 'cursor');
      }
      throw error;
    }
  }
  const match = READ_PATH.exec(path);
  const correctionId = match?.[1] ?? '';
  if (match === null || !CORRECTION_ID_PATTERN.test(correctionId))
    throw notFound(match === null ? 'route' : 'correction');
  parseQuery(noQuerySchema, event.queryStringParameters);
  const record = await deps.corrections.get(correctionId);
  if (record === undefined) throw notFound('correction');
  return json(200, correctionView(record), requestId);
}
