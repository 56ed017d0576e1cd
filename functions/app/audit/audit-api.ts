import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import {
  decodeAuditCursor,
  encodeAuditCursor,
  type AuditCursor,
  type AuditCursorFilters,
} from '../../adapters/audit-cursor';
import type { AuditFilters, AuditSearch } from '../../adapters/audit-search';
import type { AuditTrail } from '../../adapters/audit-trail';
import { InvalidCursorError } from '../../adapters/cursor';
import type { AuditRecord } from '../../domain/audit';
import { auditSearchWindow, type AuditWindow } from '../../domain/audit-window';
import { badRequest, notFound } from '../../http/api-error';
import {
  AUDIT_QUERY_MESSAGES,
  actorFilterOf,
  auditQuerySchema,
  subjectFilterOf,
  type AuditPageView,
  type AuditQuery,
} from '../../http/audit-schemas';
import { operatorAuditActor, operatorOf, requireScope, type Operator } from '../../http/operator';
import { parseQuery } from '../../http/query-parameters';
import { json, requestIdOf, type HttpResult } from '../../http/response';
import { recordRead } from './audited-read';

/**
 * GET /audit (scope audit:read: compliance; docs/audit.md). An operator route: a tenant's token is
 * refused by operatorOf before anything is read. Order: principal, scope, strict query (unknown
 * parameters, values, a reversed range), the cursor against the query, the window, the search.
 * Reading the trail is itself audited (`audit.read` on subject `audit_trail:search`) before the
 * answer goes out: a search whose record cannot be written is not answered.
 */
export interface AuditApiDeps {
  search: Pick<AuditSearch, 'search'>;
  trail: Pick<AuditTrail, 'append'>;
  nowMs(): number;
}

/** The chain every search of the trail is recorded on. */
export const AUDIT_SEARCH_SUBJECT = { type: 'audit_trail', id: 'search' } as const;

export async function auditApi(
  deps: AuditApiDeps,
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
): Promise<HttpResult> {
  const requestId = requestIdOf(event);
  const operator = operatorOf(event);
  if (event.requestContext.http.method !== 'GET' || event.rawPath !== '/audit') throw notFound('route');
  requireScope(operator, 'audit:read');
  const query = parseQuery(auditQuerySchema, event.queryStringParameters, AUDIT_QUERY_MESSAGES);
  const given = givenFilters(query);
  const filters: AuditFilters = {
    ...(given.actor === undefined ? {} : { actor: actorFilterOf(given.actor) }),
    ...(given.subject === undefined ? {} : { subject: subjectFilterOf(given.subject) }),
    ...(given.action === undefined ? {} : { action: query.action! }),
  };
  const cursor = query.cursor === undefined ? undefined : cursorFor(query, given);
  const window = cursor?.window ?? resolveWindow(query, filters, deps.nowMs());
  let page;
  try {
    page = await deps.search.search({
      filters,
      window,
      limit: query.limit,
      ...(cursor === undefined ? {} : { position: cursor.position }),
    });
  } catch (error) {
    if (error instanceof InvalidCursorError) throw cursorInvalid();
    throw error;
  }
  const next = page.next === undefined ? null : encodeAuditCursor({ filters: given, window, position: page.next });
  await recordRead(deps.trail, searchEntry(deps, operator, requestId, query, window, page.records, next !== null));
  const body: AuditPageView = { data: page.records, next_cursor: next };
  return json(200, body, requestId);
}

function givenFilters(query: AuditQuery): AuditCursorFilters {
  return {
    ...(query.actor === undefined ? {} : { actor: query.actor }),
    ...(query.subject === undefined ? {} : { subject: query.subject }),
    ...(query.action === undefined ? {} : { action: query.action }),
  };
}

/** A cursor is only good for the query that made it: same filters, and the window it resolved. */
function cursorFor(query: AuditQuery, given: AuditCursorFilters): AuditCursor {
  let cursor: AuditCursor;
  try {
    cursor = decodeAuditCursor(query.cursor!);
  } catch (error) {
    if (error instanceof InvalidCursorError) throw cursorInvalid();
    throw error;
  }
  const sameFilters = (['actor', 'subject', 'action'] as const).every((name) => cursor.filters[name] === given[name]);
  const sameWindow =
    (query.from === undefined || query.from === cursor.window?.from) &&
    (query.to === undefined || query.to === cursor.window?.to);
  // A subject's search has a window only when from/to were given; an index search always has one.
  const windowFits = given.subject !== undefined || cursor.window !== null;
  if (!sameFilters || !sameWindow || !windowFits) throw cursorInvalid();
  if (cursor.window !== null && given.subject === undefined) {
    const checked = auditSearchWindow({ from: cursor.window.from, to: cursor.window.to, subject: false, nowMs: 0 });
    if (!checked.ok) throw cursorInvalid();
  }
  return cursor;
}

function resolveWindow(query: AuditQuery, filters: AuditFilters, nowMs: number): AuditWindow | null {
  const subject = filters.subject !== undefined;
  if (subject && query.from === undefined && query.to === undefined) return null;
  const result = auditSearchWindow({
    ...(query.from === undefined ? {} : { from: query.from }),
    ...(query.to === undefined ? {} : { to: query.to }),
    subject,
    nowMs,
  });
  if (!result.ok) throw badRequest(result.code, result.message, 'from');
  return result.window;
}

const cursorInvalid = () => badRequest('cursor_invalid', AUDIT_QUERY_MESSAGES['cursor_invalid']!('cursor'), 'cursor');

function searchEntry(
  deps: AuditApiDeps,
  operator: Operator,
  requestId: string,
  query: AuditQuery,
  window: AuditWindow | null,
  records: readonly AuditRecord[],
  more: boolean,
) {
  return {
    at: new Date(deps.nowMs()).toISOString(),
    actor: operatorAuditActor(operator),
    action: 'audit.read' as const,
    subject: AUDIT_SEARCH_SUBJECT,
    tenant_id: null,
    request_id: requestId,
    outcome: 'read' as const,
    details: {
      client_id: operator.clientId,
      filters: givenFilters(query),
      window,
      limit: query.limit,
      page: query.cursor === undefined ? 'first' : 'next',
      returned: records.length,
      more,
    },
  };
}
