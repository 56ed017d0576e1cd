import type { AuditTrail } from '../../adapters/audit-trail';
import { decodeCursor, encodeCursor, InvalidCursorError, ISO_INSTANT_IN_KEY } from '../../adapters/cursor';
import type { ScreeningCasesRepository } from '../../adapters/screening/screening-cases-repository';
import { assertNever } from '../../domain/assert-never';
import type { AuditEntry } from '../../domain/audit';
import { ScreeningDecisionError, type ScreeningCaseState } from '../../domain/compliance/screening-case';
import { badRequest, fromDomainError, notFound } from '../../http/api-error';
import { parseJsonBody } from '../../http/body';
import type { ApiEvent } from '../../http/http-handler';
import { OPS_BODY_BYTES_MAX } from '../../http/http-limits';
import { operatorAuditActor, operatorOf, requireScope, type Operator } from '../../http/operator';
import { noQuerySchema, parseQuery } from '../../http/query-parameters';
import { json, type HttpResult } from '../../http/response';
import {
  listScreeningQuerySchema,
  parseScreeningDecision,
  SCREENING_CASE_ID_PATTERN,
  SCREENING_QUERY_MESSAGES,
  screeningCaseView,
} from '../../http/screening-schemas';
import { SCREENING_ROUTES, screeningRouteKey, type ScreeningRoute } from '../../shared/screening-routes';
import { recordRead } from '../audit/audited-read';
import { decideScreening, ScreeningCaseChangedError, ScreeningCaseNotFoundError } from './decide-screening-case';
import type { ScreeningDeps } from './screening-deps';

/**
 * The screening-api function's router (docs/screening.md), every route `compliance:review`:
 *   GET  /ops/screening?state=&cursor=&limit=   compliance's queue of one state, oldest first (gsi2)
 *   GET  /ops/screening/{caseId}                the case with its evidence (list entries, scores, list version)
 *   POST /ops/screening/{caseId}/clear|confirm  decide (decide-screening-case.ts: four-eyes, audit, holds)
 * Every read is audited (`screening.read`) before it is answered, like the other operator reads; a decision needs no
 * Idempotency-Key: the case's state machine refuses a repeat (409), and the first one's effects stand.
 */
export interface ScreeningApiDeps extends ScreeningDeps {
  cases: ScreeningDeps['cases'] & Pick<ScreeningCasesRepository, 'listCases'>;
  audit: Pick<AuditTrail, 'append'>;
}

const ROUTES = new Map<string, ScreeningRoute>(SCREENING_ROUTES.map((route) => [screeningRouteKey(route), route]));

export async function screeningApi(deps: ScreeningApiDeps, event: ApiEvent, requestId: string): Promise<HttpResult> {
  const route = ROUTES.get(event.routeKey);
  if (route === undefined) throw notFound(`route ${event.routeKey}`);
  // API Gateway enforced the scope; checked again so a mis-wired route cannot widen access.
  const operator = operatorOf(event);
  requireScope(operator, route.scope);
  const read = { deps, operator, requestId, route: screeningRouteKey(route) };
  switch (route.name) {
    case 'list':
      return listCases(read, event);
    case 'get': {
      const caseId = caseIdOf(event);
      parseQuery(noQuerySchema, event.queryStringParameters);
      const found = await deps.cases.getCase(caseId);
      await audit(read, found === undefined ? { lookup: caseId } : { caseId, tenantId: found.tenantId });
      if (found === undefined) throw notFound('screening case');
      return json(200, screeningCaseView(found), requestId);
    }
    case 'clear':
    case 'confirm':
      return decide(read, event, route.name);
    default:
      return assertNever(route.name, 'screening route');
  }
}

interface Read {
  readonly deps: ScreeningApiDeps;
  readonly operator: Operator;
  readonly requestId: string;
  readonly route: string;
}

async function listCases(read: Read, event: ApiEvent): Promise<HttpResult> {
  const query = parseQuery(listScreeningQuerySchema, event.queryStringParameters, SCREENING_QUERY_MESSAGES);
  const cursor = query.cursor === undefined ? undefined : decodeQueueCursor(query.cursor, query.state);
  const page = await read.deps.cases.listCases(query.state, query.limit, cursor);
  await audit(read, { queue: query.state, count: page.cases.length });
  const next = page.cursor === undefined ? null : encodeCursor(page.cursor);
  return json(200, { data: page.cases.map(screeningCaseView), next_cursor: next }, read.requestId);
}

async function decide(read: Read, event: ApiEvent, kind: 'clear' | 'confirm'): Promise<HttpResult> {
  const caseId = caseIdOf(event);
  parseQuery(noQuerySchema, event.queryStringParameters);
  const { note } = parseScreeningDecision(parseJsonBody(event, { bytesMax: OPS_BODY_BYTES_MAX }));
  const operator = { subject: read.operator.subject, role: read.operator.role };
  try {
    const decided = await decideScreening(read.deps, { caseId, kind, operator, note, requestId: read.requestId });
    return json(200, screeningCaseView(decided), read.requestId);
  } catch (error) {
    if (error instanceof ScreeningCaseNotFoundError) throw notFound('screening case');
    if (error instanceof ScreeningDecisionError) throw fromDomainError(error, error.httpStatus);
    if (error instanceof ScreeningCaseChangedError) throw fromDomainError(error, 409);
    throw error;
  }
}

/** A value outside the id shape names no case: 404 without a read. Ids as sent (nothing to percent-decode). */
function caseIdOf(event: ApiEvent): string {
  const caseId = event.pathParameters?.['caseId'];
  if (caseId === undefined || !SCREENING_CASE_ID_PATTERN.test(caseId)) throw notFound('screening case');
  return caseId;
}

const CASE_ID_IN_KEY = 'scr_[0-9A-HJKMNP-TV-Z]{26}';

/** The queue's cursor is gsi2's LastEvaluatedKey; one from another state's queue (or tampered) is a 400. */
function decodeQueueCursor(cursor: string, state: ScreeningCaseState): Record<string, string> {
  try {
    return decodeCursor(cursor, {
      attributes: [
        { name: 'pk', role: 'partition', pattern: /^TENANT#[^#]+#RECIPIENT#[^#]+$/ },
        { name: 'sk', role: 'sort', pattern: new RegExp(`^SCREENING#${CASE_ID_IN_KEY}$`) },
        { name: 'gsi2pk', role: 'partition', pattern: /^SCREENING#STATE#[a-z_]+$/ },
        { name: 'gsi2sk', role: 'sort', pattern: new RegExp(`^${ISO_INSTANT_IN_KEY}#${CASE_ID_IN_KEY}$`) },
      ],
      partition: { name: 'gsi2pk', value: `SCREENING#STATE#${state}` },
    });
  } catch (error) {
    if (error instanceof InvalidCursorError)
      throw badRequest('invalid_cursor', 'cursor is not valid for this query', 'cursor');
    throw error;
  }
}

type ReadTarget = { caseId: string; tenantId: string } | { lookup: string } | { queue: string; count: number };

async function audit(read: Read, target: ReadTarget): Promise<void> {
  const base = {
    at: new Date(read.deps.nowMs()).toISOString(),
    actor: operatorAuditActor(read.operator),
    action: 'screening.read',
    request_id: read.requestId,
  } as const;
  const details = { route: read.route, client_id: read.operator.clientId };
  const entry: AuditEntry =
    'caseId' in target
      ? {
          ...base,
          subject: { type: 'screening_case', id: target.caseId },
          tenant_id: target.tenantId,
          outcome: 'read',
          details,
        }
      : 'lookup' in target
        ? {
            ...base,
            subject: { type: 'screening_lookup', id: `case_id:${target.lookup}` },
            tenant_id: null,
            outcome: 'not_found',
            details,
          }
        : {
            ...base,
            subject: { type: 'screening_queue', id: `state:${target.queue}` },
            tenant_id: null,
            outcome: 'read',
            details: { ...details, count: target.count },
          };
  await recordRead(read.deps.audit, entry);
}
