import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import {
  ExceptionConflictError,
  ExceptionNotFoundError,
  type ExceptionRecord,
  type ExceptionsRepository,
} from '../../adapters/exceptions-repository';
import { InvalidCursorError } from '../../adapters/cursor';
import { noQuerySchema, parseQuery } from '../../http/query-parameters';
import { invalidTextError } from '../../http/request-errors';
import { ExceptionStateError } from '../../domain/exceptions';
import { textRefusalOf } from '../../domain/text';
import {
  assignExceptionBodySchema,
  listExceptionsQuerySchema,
  parseExceptionsRequest,
  resolveExceptionBodySchema,
} from '../../http/exceptions-requests';
import { OPS_BODY_BYTES_MAX } from '../../http/http-limits';
import type { ExceptionList, ExceptionView } from '../../http/ops-schemas';
import { EXCEPTION_ID_PATTERN } from '../../shared/ids';
import { ApiError, badRequest, notFound } from '../../http/api-error';
import { operatorActor, operatorOf, requireScope } from '../../http/operator';
import { json, requestIdOf, type HttpResult } from '../../http/response';
import { parseJsonBody } from '../../http/body';

/** GET /exceptions, POST /exceptions/{id}/assign, POST /exceptions/{id}/resolve (docs/ops-api.md). */

export interface ExceptionsApiDeps {
  exceptions: ExceptionsRepository;
  nowMs(): number;
}

export async function exceptionsApi(
  deps: ExceptionsApiDeps,
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
): Promise<HttpResult> {
  const requestId = requestIdOf(event);
  const operator = operatorOf(event);
  const method = event.requestContext.http.method;
  const path = event.rawPath;
  if (method === 'GET' && path === '/exceptions') {
    requireScope(operator, 'exceptions:read');
    const q = parseExceptionsRequest(listExceptionsQuerySchema, event.queryStringParameters ?? {}, 'query');
    try {
      const page = await deps.exceptions.list({
        ...(q.state === undefined ? {} : { state: q.state }),
        ...(q.category === undefined ? {} : { category: q.category }),
        ...(q.owner === undefined ? {} : { owner: q.owner }),
        ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
        limit: q.limit,
      });
      const now = deps.nowMs();
      const list: ExceptionList = {
        data: page.items.map((e) => exceptionJson(e, now)),
        ...(page.nextCursor === undefined ? {} : { next_cursor: page.nextCursor }),
      };
      return json(200, list, requestId);
    } catch (error) {
      if (error instanceof InvalidCursorError) {
        throw badRequest('invalid_cursor', 'cursor is not valid for this query; start again without it', 'cursor');
      }
      throw error;
    }
  }
  const match = /^\/exceptions\/([^/]+)\/(assign|resolve)$/.exec(path);
  if (method !== 'POST' || match === null) throw notFound('route');
  requireScope(operator, 'exceptions:write');
  const exceptionId = decodeURIComponent(match[1] ?? '');
  if (!EXCEPTION_ID_PATTERN.test(exceptionId)) throw notFound('exception');
  parseQuery(noQuerySchema, event.queryStringParameters);
  const actor = operatorActor(operator);
  const now = new Date(deps.nowMs());
  try {
    if (match[2] === 'assign') {
      const body = parseExceptionsRequest(assignExceptionBodySchema, operatorBody(event), 'body');
      const assignee = body.assignee ?? operator.subject;
      const updated = await deps.exceptions.assign({
        exceptionId,
        assignee,
        ...(body.owner === undefined ? {} : { owner: body.owner }),
        ...(body.note === undefined ? {} : { note: body.note }),
        actor,
        requestId,
        now,
      });
      return json(200, exceptionJson(updated, now.getTime()), requestId);
    }
    const { note } = parseExceptionsRequest(resolveExceptionBodySchema, operatorBody(event), 'body');
    // Resolving needs an explanation: a missing or blank note is its own refusal, and a note of
    // invisible characters only says nothing either.
    if (note === undefined || note.trim() === '')
      throw badRequest('note_required', 'resolving an exception needs a note saying what was done', 'note');
    const invisible = textRefusalOf(note, { multiline: true, requireVisible: true });
    if (invisible !== undefined) throw invalidTextError('note', invisible);
    const resolved = await deps.exceptions.resolve({ exceptionId, note, actor, requestId, now });
    return json(200, exceptionJson(resolved, now.getTime()), requestId);
  } catch (error) {
    if (error instanceof ExceptionNotFoundError) throw notFound('exception');
    if (error instanceof ExceptionStateError)
      throw new ApiError({
        status: 409,
        type: 'conflict_error',
        code: error.code,
        category: 'terminal',
        message: error.message,
      });
    if (error instanceof ExceptionConflictError)
      throw new ApiError({
        status: 409,
        type: 'conflict_error',
        code: 'exception_changed',
        category: 'retryable',
        message: error.message,
      });
    throw error;
  }
}

/** An absent body reads as `{}`: an assign with every default. */
const operatorBody = (event: APIGatewayProxyEventV2WithJWTAuthorizer) =>
  parseJsonBody(event, { bytesMax: OPS_BODY_BYTES_MAX, empty: 'empty_object' });

/** Typed by the documented schema (functions/api/ops-schemas.ts): the answer cannot drift from GET /openapi.json. */
export function exceptionJson(e: ExceptionRecord, nowMs: number): ExceptionView {
  return {
    exception_id: e.exceptionId,
    category: e.category,
    owner: e.owner,
    state: e.state,
    payout_id: e.payoutId,
    opened_at: e.openedAt,
    sla_due_at: e.slaDueAt,
    sla_breached: e.state !== 'resolved' && Date.parse(e.slaDueAt) < nowMs,
    updated_at: e.updatedAt,
    last_seen_at: e.lastSeenAt,
    occurrences: e.occurrences,
    assignee: e.assignee,
    evidence: e.evidence,
    first_error: e.firstError,
    last_error: e.lastError,
    resolution: e.resolution,
  };
}
