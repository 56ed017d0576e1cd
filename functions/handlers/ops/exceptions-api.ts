import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { ExceptionConflictError, ExceptionNotFoundError, LIST_LIMIT_MAX, type ExceptionRecord, type ExceptionsRepository } from '../../adapters/exceptions-repository';
import { InvalidCursorError } from '../../adapters/cursor';
import { ExceptionStateError, isExceptionCategory, isExceptionOwner, isExceptionState } from '../../domain/exceptions';
import { ApiError, badRequest, notFound } from '../http/api-error';
import { operatorOf, requireScope } from '../http/operator';
import { json, requestIdOf, type HttpResult } from '../http/response';
import { parseJsonBody } from './body';

/** GET /exceptions, POST /exceptions/{id}/assign, POST /exceptions/{id}/resolve (docs/ops-api.md). */
export const RESOLUTION_NOTE_CHARS_MAX = 2_000;
const ASSIGNEE_CHARS_MAX = 128;
const EXCEPTION_ID_PATTERN = /^exc_[0-9a-f]{32}$/;

export interface ExceptionsApiDeps {
  exceptions: ExceptionsRepository;
  nowMs(): number;
}

export async function exceptionsApi(deps: ExceptionsApiDeps, event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<HttpResult> {
  const requestId = requestIdOf(event);
  const operator = operatorOf(event);
  const method = event.requestContext.http.method;
  const path = event.rawPath;
  if (method === 'GET' && path === '/exceptions') {
    requireScope(operator, 'exceptions:read');
    const q = event.queryStringParameters ?? {};
    if (q['state'] !== undefined && !isExceptionState(q['state'])) throw badRequest('invalid_state', 'state must be open, assigned or resolved', 'state');
    if (q['category'] !== undefined && !isExceptionCategory(q['category'])) throw badRequest('invalid_category', 'unknown exception category', 'category');
    if (q['owner'] !== undefined && !isExceptionOwner(q['owner'])) throw badRequest('invalid_owner', 'owner must be ops, finance, compliance or provider', 'owner');
    const limit = q['limit'] === undefined ? undefined : Number(q['limit']);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > LIST_LIMIT_MAX)) throw badRequest('invalid_limit', `limit must be 1–${LIST_LIMIT_MAX}`, 'limit');
    try {
      const page = await deps.exceptions.list({
        ...(q['state'] === undefined ? {} : { state: q['state'] }),
        ...(q['category'] === undefined ? {} : { category: q['category'] }),
        ...(q['owner'] === undefined ? {} : { owner: q['owner'] }),
        ...(q['cursor'] === undefined ? {} : { cursor: q['cursor'] }),
        ...(limit === undefined ? {} : { limit }),
      } as Parameters<ExceptionsRepository['list']>[0]);
      const now = deps.nowMs();
      return json(200, { data: page.items.map((e) => exceptionJson(e, now)), ...(page.nextCursor === undefined ? {} : { next_cursor: page.nextCursor }) }, requestId);
    } catch (error) {
      if (error instanceof InvalidCursorError) throw badRequest('invalid_cursor', error.message, 'cursor');
      throw error;
    }
  }
  const match = /^\/exceptions\/([^/]+)\/(assign|resolve)$/.exec(path);
  if (method !== 'POST' || match === null) throw notFound('route');
  requireScope(operator, 'exceptions:write');
  const exceptionId = decodeURIComponent(match[1] ?? '');
  if (!EXCEPTION_ID_PATTERN.test(exceptionId)) throw notFound('exception');
  const body = parseJsonBody(event);
  const actor = { kind: 'operator' as const, id: operator.subject, requestId, clientId: operator.clientId };
  const now = new Date(deps.nowMs());
  try {
    if (match[2] === 'assign') {
      const assignee = optionalString(body, 'assignee', ASSIGNEE_CHARS_MAX) ?? operator.subject;
      const owner = body['owner'];
      if (owner !== undefined && !isExceptionOwner(owner)) throw badRequest('invalid_owner', 'owner must be ops, finance, compliance or provider', 'owner');
      const note = optionalString(body, 'note', RESOLUTION_NOTE_CHARS_MAX);
      const updated = await deps.exceptions.assign({ exceptionId, assignee, ...(owner === undefined ? {} : { owner }), ...(note === undefined ? {} : { note }), actor, now });
      return json(200, exceptionJson(updated, now.getTime()), requestId);
    }
    const note = optionalString(body, 'note', RESOLUTION_NOTE_CHARS_MAX);
    if (note === undefined || note.trim() === '') throw badRequest('note_required', 'resolving an exception needs a note saying what was done', 'note');
    const resolved = await deps.exceptions.resolve({ exceptionId, note, actor, now });
    return json(200, exceptionJson(resolved, now.getTime()), requestId);
  } catch (error) {
    if (error instanceof ExceptionNotFoundError) throw notFound('exception');
    if (error instanceof ExceptionStateError) throw new ApiError({ status: 409, type: 'conflict_error', code: error.code, category: 'terminal', message: error.message });
    if (error instanceof ExceptionConflictError) throw new ApiError({ status: 409, type: 'conflict_error', code: 'exception_changed', category: 'retryable', message: error.message });
    throw error;
  }
}

function optionalString(body: Record<string, unknown>, name: string, maxChars: number): string | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > maxChars) throw badRequest(`invalid_${name}`, `${name} must be a string of at most ${maxChars} characters`, name);
  return value;
}

export function exceptionJson(e: ExceptionRecord, nowMs: number): Record<string, unknown> {
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
