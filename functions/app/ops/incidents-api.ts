import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { operatorKeyPrincipal } from '../../adapters/action-keys';
import {
  IncidentChangedError,
  IncidentExistsError,
  type IncidentsRepository,
} from '../../adapters/incidents-repository';
import type { AuditEntry } from '../../domain/audit';
import { INCIDENT_ID_PREFIX, openIncident, resolveIncident, type Incident } from '../../domain/incidents';
import { ApiError, notFound } from '../../http/api-error';
import { parseJsonBody } from '../../http/body';
import { OPS_BODY_BYTES_MAX } from '../../http/http-limits';
import { idempotencyKeyOf } from '../../http/idempotency-key';
import {
  INCIDENT_ID_HEX_CHARS,
  INCIDENT_ID_PATTERN,
  incidentView,
  parseOpenIncident,
  parseResolveIncident,
} from '../../http/incident-requests';
import { operatorAuditActor, operatorOf, requireScope, type Operator } from '../../http/operator';
import { noQuerySchema, parseQuery } from '../../http/query-parameters';
import { json, requestIdOf, type HttpResult } from '../../http/response';

/**
 * POST /ops/incidents and POST /ops/incidents/{incidentId}/resolve (docs/status-page.md): on-call
 * (ops:redrive, the scope of the other operational writes) posts what the status page shows.
 *
 * Idempotency without a second store: the incident id is derived from (operator, route, key), so a
 * retry of an open meets its own first write (same body → the incident, Idempotent-Replayed; another
 * body → 422 idempotency_key_reused). A resolve stores the hash of (operator, key, body): the same
 * request again answers the resolved incident; any other resolve of a resolved incident is 409.
 */
const OPEN_ROUTE = 'POST /ops/incidents';
const RESOLVE_PATH = /^\/ops\/incidents\/([^/]+)\/resolve$/;

export interface IncidentsApiDeps {
  incidents: Pick<IncidentsRepository, 'get' | 'open' | 'resolve'>;
  nowMs(): number;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const replayed = { 'idempotent-replayed': 'true' };

export function isIncidentsRoute(method: string, path: string): boolean {
  return method === 'POST' && (path === '/ops/incidents' || RESOLVE_PATH.test(path));
}

export async function incidentsApi(
  deps: IncidentsApiDeps,
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
): Promise<HttpResult> {
  const requestId = requestIdOf(event);
  const operator = operatorOf(event);
  requireScope(operator, 'ops:redrive');
  const key = idempotencyKeyOf(event.headers);
  parseQuery(noQuerySchema, event.queryStringParameters);
  const body = parseJsonBody(event, { bytesMax: OPS_BODY_BYTES_MAX, empty: 'refuse' });
  if (event.rawPath === '/ops/incidents') return open(deps, operator, key, body, requestId);
  // As sent: an id has nothing to percent-decode, and a bad escape must be a 404, not a 500.
  const incidentId = RESOLVE_PATH.exec(event.rawPath)?.[1] ?? '';
  if (!INCIDENT_ID_PATTERN.test(incidentId)) throw notFound('incident');
  return resolve(deps, operator, { incidentId, key, body, requestId });
}

async function open(
  deps: IncidentsApiDeps,
  operator: Operator,
  key: string,
  body: Record<string, unknown>,
  requestId: string,
): Promise<HttpResult> {
  const request = parseOpenIncident(body);
  const principal = operatorKeyPrincipal(operator.subject);
  const incidentId = `${INCIDENT_ID_PREFIX}${sha256(`${principal}#${OPEN_ROUTE}#${key}`).slice(0, INCIDENT_ID_HEX_CHARS)}`;
  const requestHash = sha256(JSON.stringify(request));
  const at = new Date(deps.nowMs()).toISOString();
  const incident = openIncident({ incidentId, ...request, by: operator.subject, at, requestHash });
  try {
    await deps.incidents.open(incident, auditOf(operator, incident, 'incident.opened', requestId, at));
    return json(201, incidentView(incident), requestId);
  } catch (error) {
    if (!(error instanceof IncidentExistsError)) throw error;
    const first = await deps.incidents.get(incidentId);
    if (first === undefined) throw error;
    if (first.openRequestHash !== requestHash) throw keyReused();
    return json(201, incidentView(first), requestId, replayed);
  }
}

async function resolve(
  deps: IncidentsApiDeps,
  operator: Operator,
  call: { incidentId: string; key: string; body: Record<string, unknown>; requestId: string },
): Promise<HttpResult> {
  const { message } = parseResolveIncident(call.body);
  const current = await deps.incidents.get(call.incidentId);
  if (current === undefined) throw notFound('incident');
  const requestHash = sha256(JSON.stringify([operatorKeyPrincipal(operator.subject), call.key, message]));
  if (current.state === 'resolved') {
    if (current.resolveRequestHash === requestHash) return json(200, incidentView(current), call.requestId, replayed);
    throw alreadyResolved(current.incidentId);
  }
  const at = new Date(deps.nowMs()).toISOString();
  const next = resolveIncident(current, { message, by: operator.subject, at, requestHash });
  try {
    await deps.incidents.resolve(current, next, auditOf(operator, next, 'incident.resolved', call.requestId, at));
  } catch (error) {
    // Another resolve won the race: this one changed nothing.
    if (error instanceof IncidentChangedError) throw alreadyResolved(current.incidentId);
    throw error;
  }
  return json(200, incidentView(next), call.requestId);
}

function auditOf(
  operator: Operator,
  incident: Incident,
  action: 'incident.opened' | 'incident.resolved',
  requestId: string,
  at: string,
): AuditEntry {
  const last = incident.updates[incident.updates.length - 1]!;
  return {
    at,
    actor: operatorAuditActor(operator),
    action,
    subject: { type: 'incident', id: incident.incidentId },
    tenant_id: null,
    request_id: requestId,
    outcome: 'applied',
    details: {
      client_id: operator.clientId,
      title: incident.title,
      impact: incident.impact,
      components: [...incident.components],
      message: last.message,
    },
  };
}

const keyReused = () =>
  new ApiError({
    status: 422,
    type: 'idempotency_error',
    code: 'idempotency_key_reused',
    category: 'terminal',
    message: 'this Idempotency-Key opened an incident with another body; use a new key for a new incident',
    param: 'Idempotency-Key',
  });

const alreadyResolved = (incidentId: string) =>
  new ApiError({
    status: 409,
    type: 'conflict_error',
    code: 'incident_already_resolved',
    category: 'terminal',
    message: `incident ${incidentId} is already resolved; its closing message stands`,
  });
