import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { AuditTrail } from '../../adapters/audit-trail';
import type { DeadLetterPort, DlqMessage } from '../../adapters/dlq';
import type { InboxEvent, InboxStore } from '../../adapters/inbox-repository';
import { sqsJson } from '../../adapters/sqs-json';
import type { WebhookEnqueuer } from '../../adapters/webhook-queue';
import { OPS_BODY_BYTES_MAX } from '../../http/http-limits';
import type { DlqList, QueuesResponse, RedriveResponse, ReplayResponse } from '../../http/ops-schemas';
import {
  parseDlqQuery,
  parseRedriveRequest,
  parseReplayRequest,
  REDRIVE_MESSAGES_PER_CALL_MAX,
  REDRIVE_MESSAGES_PER_SECOND_MAX,
  REPLAY_EVENTS_PER_CALL_MAX,
  type RedriveFilter,
} from '../../http/redrive-requests';
import { assertNever } from '../../domain/assert-never';
import { notFound } from '../../http/api-error';
import { operatorAuditActor, operatorOf, requireScope, type Operator } from '../../http/operator';
import { json, requestIdOf, type HttpResult } from '../../http/response';
import { parseJsonBody } from '../../http/body';
import { noQuerySchema, parseQuery } from '../../http/query-parameters';
import { QUEUE_NAMES, type QueueName } from '../../shared/names';
import { describeDlqMessage, type DlqView } from './dlq-view';

/** GET /ops/queues, GET /ops/dlq, POST /ops/dlq/redrive, POST /ops/replay (docs/ops-api.md). */
/** Messages peeked to estimate a DLQ's oldest age for GET /ops/queues. */
const OLDEST_AGE_SAMPLE = 10;

export interface QueuePair {
  queueUrl: string;
  dlqUrl: string;
}

export interface RedriveApiDeps {
  dlq: DeadLetterPort;
  queues: Record<QueueName, QueuePair>;
  inbox: InboxStore;
  webhookQueue: WebhookEnqueuer;
  /** Each redrive and replay appends one record to its queue's chain (subject `queue:<name>`). */
  audit: Pick<AuditTrail, 'append'>;
  nowMs(): number;
}

export async function redriveApi(
  deps: RedriveApiDeps,
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
): Promise<HttpResult> {
  const requestId = requestIdOf(event);
  const operator = operatorOf(event);
  const route = `${event.requestContext.http.method} ${event.rawPath}`;
  switch (route) {
    case 'GET /ops/queues':
      requireScope(operator, 'ops:read');
      parseQuery(noQuerySchema, event.queryStringParameters);
      return json(200, { data: await queueDepths(deps) }, requestId);
    case 'GET /ops/dlq': {
      requireScope(operator, 'ops:read');
      const { queue, limit } = parseDlqQuery(event.queryStringParameters);
      const messages = await deps.dlq.peek(deps.queues[queue].dlqUrl, limit);
      const now = deps.nowMs();
      const views = await Promise.all(messages.map((m) => describeDlqMessage(queue, m, deps.inbox, now)));
      return json(200, { data: views.sort((a, b) => a.sent_at.localeCompare(b.sent_at)) } satisfies DlqList, requestId);
    }
    case 'POST /ops/dlq/redrive':
      requireScope(operator, 'ops:redrive');
      parseQuery(noQuerySchema, event.queryStringParameters);
      return json(200, await redrive(deps, operator, requestId, operatorBody(event)), requestId);
    case 'POST /ops/replay':
      requireScope(operator, 'ops:redrive');
      parseQuery(noQuerySchema, event.queryStringParameters);
      return json(200, await replay(deps, operator, requestId, operatorBody(event)), requestId);
    default:
      throw notFound('route');
  }
}

/** Every field of these bodies is optional or chosen by rule, so an absent body reads as `{}`. */
const operatorBody = (event: APIGatewayProxyEventV2WithJWTAuthorizer) =>
  parseJsonBody(event, { bytesMax: OPS_BODY_BYTES_MAX, empty: 'empty_object' });

// Answers typed by the documented schemas (functions/api/ops-schemas.ts).
async function queueDepths(deps: RedriveApiDeps): Promise<QueuesResponse['data']> {
  const now = deps.nowMs();
  const rows: QueuesResponse['data'] = [];
  for (const queue of QUEUE_NAMES) {
    const pair = deps.queues[queue];
    const [work, dead] = await Promise.all([deps.dlq.depth(pair.queueUrl), deps.dlq.depth(pair.dlqUrl)]);
    rows.push({
      queue,
      role: 'queue',
      visible: work.visible,
      in_flight: work.inFlight,
      delayed: work.delayed,
      oldest_age_seconds: null,
    });
    let oldest: number | null = null;
    if (dead.visible > 0) {
      const sample = await deps.dlq.peek(pair.dlqUrl, OLDEST_AGE_SAMPLE);
      const minSent = Math.min(...sample.map((m) => m.sentAtMs));
      if (Number.isFinite(minSent)) oldest = Math.max(0, Math.round((now - minSent) / 1_000));
    }
    rows.push({
      queue,
      role: 'dlq',
      visible: dead.visible,
      in_flight: dead.inFlight,
      delayed: dead.delayed,
      oldest_age_seconds: oldest,
    });
  }
  return rows;
}

async function redrive(
  deps: RedriveApiDeps,
  operator: Operator,
  requestId: string,
  body: Record<string, unknown>,
): Promise<RedriveResponse> {
  const request = parseRedriveRequest(body);
  const pair = deps.queues[request.queue];
  const now = deps.nowMs();
  const views = new Map<string, DlqView>();
  const select = async (message: DlqMessage): Promise<boolean> => {
    if (request.selector.kind === 'all') return true;
    if (request.selector.kind === 'message') return message.messageId === request.selector.messageId;
    const view = await describeDlqMessage(request.queue, message, deps.inbox, now);
    views.set(message.messageId, view);
    return matchesFilter(view, request.selector.filter);
  };
  const result = await deps.dlq.move({
    dlqUrl: pair.dlqUrl,
    sourceUrl: pair.queueUrl,
    select,
    max: REDRIVE_MESSAGES_PER_CALL_MAX,
    perSecondMax: REDRIVE_MESSAGES_PER_SECOND_MAX,
    dryRun: request.dryRun,
    ...redriveTransformOf(request.queue, operator.subject),
  });
  const messages = await Promise.all(
    result.matched.map(async (m) => views.get(m.messageId) ?? describeDlqMessage(request.queue, m, deps.inbox, now)),
  );
  const summary = messages.map((v) => ({
    message_id: v.message_id,
    provider_event_id: v.provider_event_id,
    event_type: v.event_type,
    error_category: v.error_category,
  }));
  await deps.audit.append({
    at: new Date(now).toISOString(),
    actor: operatorAuditActor(operator),
    action: 'dlq.redrive',
    subject: { type: 'queue', id: request.queue },
    tenant_id: null,
    request_id: requestId,
    outcome: request.dryRun ? 'dry_run' : 'applied',
    details: {
      client_id: operator.clientId,
      dry_run: request.dryRun,
      count: request.dryRun ? result.matched.length : result.moved,
      matched: result.matched.length,
      moved: result.moved,
      truncated: result.truncated,
      selector: request.selector,
      messages: summary.slice(0, REDRIVE_MESSAGES_PER_CALL_MAX),
    },
  });
  return {
    dry_run: request.dryRun,
    matched: result.matched.length,
    moved: result.moved,
    messages: summary,
    truncated: result.truncated,
  };
}

function matchesFilter(view: DlqView, filter: RedriveFilter): boolean {
  if (filter.provider !== undefined && view.provider !== filter.provider) return false;
  if (filter.eventType !== undefined && view.event_type !== filter.eventType) return false;
  if (filter.errorCategory !== undefined && view.error_category !== filter.errorCategory) return false;
  if (filter.olderThanSeconds !== undefined && view.age_seconds < filter.olderThanSeconds) return false;
  if (filter.newerThanSeconds !== undefined && view.age_seconds > filter.newerThanSeconds) return false;
  return true;
}

/** Only webhook messages are marked: their processor resolves the DLQ exception when a redriven copy succeeds. */
function redriveTransformOf(queue: QueueName, operator: string): { transform?: (body: string) => string } {
  switch (queue) {
    case 'webhook':
      return { transform: (body) => markRedriven(body, operator) };
    case 'submission':
    // Sent back byte for byte: the reconcile consumer parses exactly the five fields of the request.
    case 'reconciliation':
    // A chunk back unchanged: the fan-out is redelivery-safe (item identities, key locks, group members).
    case 'batch':
      return {};
    default:
      return assertNever(queue, 'queue');
  }
}

/** The processor resolves the message's DLQ exception when a redriven copy succeeds. */
function markRedriven(body: string, operator: string): string {
  try {
    // Sent back as it came: ASCII JSON (adapters/sqs-json.ts), whatever the event type carries.
    return sqsJson({ ...(JSON.parse(body) as Record<string, unknown>), redriven_by: operator });
  } catch {
    return body;
  }
}

async function replay(
  deps: RedriveApiDeps,
  operator: Operator,
  requestId: string,
  body: Record<string, unknown>,
): Promise<ReplayResponse> {
  const request = parseReplayRequest(body);
  const events: InboxEvent[] = [];
  const missing: string[] = [];
  let truncated = false;
  if (request.kind === 'ids') {
    for (const id of request.eventIds) {
      const stored = await deps.inbox.get(id.provider, id.providerEventId);
      if (stored === undefined) missing.push(`${id.provider}#${id.providerEventId}`);
      else events.push(stored);
    }
  } else {
    const page = await deps.inbox.listByTime({
      from: request.from,
      to: request.to,
      limit: REPLAY_EVENTS_PER_CALL_MAX,
      ...(request.provider === undefined ? {} : { provider: request.provider }),
    });
    events.push(...page.events);
    truncated = page.truncated;
  }
  let enqueued = 0;
  if (!request.dryRun) {
    for (const e of events) {
      await deps.webhookQueue.enqueue({
        provider: e.provider,
        provider_event_id: e.providerEventId,
        event_type: e.eventType,
        received_at: e.receivedAt,
        redriven_by: `replay:${operator.subject}`,
      });
      enqueued++;
    }
  }
  const listed = events.map((e) => ({
    event_id: `${e.provider}#${e.providerEventId}`,
    event_type: e.eventType,
    received_at: e.receivedAt,
  }));
  await deps.audit.append({
    at: new Date(deps.nowMs()).toISOString(),
    actor: operatorAuditActor(operator),
    action: 'inbox.replay',
    // Replayed events go back through the webhook queue: its chain holds redrives and replays alike.
    subject: { type: 'queue', id: 'webhook' },
    tenant_id: null,
    request_id: requestId,
    outcome: request.dryRun ? 'dry_run' : 'applied',
    details: {
      client_id: operator.clientId,
      dry_run: request.dryRun,
      count: request.dryRun ? events.length : enqueued,
      truncated,
      request:
        request.kind === 'ids'
          ? { event_ids: listed.map((e) => e.event_id), missing }
          : { from: request.from, to: request.to, provider: request.provider },
    },
  });
  return { dry_run: request.dryRun, matched: events.length, enqueued, events: listed, missing, truncated };
}
