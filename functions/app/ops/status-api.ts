import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { DeadLetterPort } from '../../adapters/dlq';
import type { IncidentsReader } from '../../adapters/incidents-repository';
import {
  incidentSignals,
  OPEN_INCIDENTS_READ_MAX,
  RESOLVED_INCIDENTS_SHOWN_MAX,
  RESOLVED_INCIDENTS_SHOWN_SECONDS,
} from '../../domain/incidents';
import type { RunsRepository } from '../../adapters/reconciliation/runs-repository';
import type { InboxRepository } from '../../adapters/inbox-repository';
import { ageSeconds, type UnreconciledFigure } from '../../domain/backlog-lag';
import { statusPage, type QueueSignal } from '../../domain/status-page';
import { incidentView } from '../../http/incident-requests';
import { noQuerySchema, parseQuery } from '../../http/query-parameters';
import { json, requestIdOf, type HttpResult } from '../../http/response';
import { renderStatusHtml } from '../../http/status-html';
import type { StatusResponse } from '../../http/status-schemas';
import { STATUS_THRESHOLDS } from '../../shared/alarm-thresholds';
import type { QueueName } from '../../shared/names';

/**
 * GET /status, public: the status page's components from the alarm signals (queue and DLQ depths
 * from SQS, the last successful reconciliation). The route has no JWT, so an answer is kept for
 * STATUS_CACHE_SECONDS: a burst of page loads costs the queues one read, not one per load.
 */
export const STATUS_CACHE_SECONDS = 10;

export interface StatusApiDeps {
  dlq: Pick<DeadLetterPort, 'depth'>;
  queues: Record<QueueName, { queueUrl: string; dlqUrl: string }>;
  runs: Pick<RunsRepository, 'lastSuccess'>;
  /** Open incidents set their components' state; recently resolved ones are listed too. */
  incidents: IncidentsReader;
  /** The backlog figures (domain/backlog-lag.ts): the oldest unreconciled payout, the oldest unapplied webhook. */
  oldestUnreconciled(nowMs: number): Promise<UnreconciledFigure>;
  inbox: Pick<InboxRepository, 'oldestUnappliedReceivedAt'>;
  providers: readonly string[];
  nowMs(): number;
}

const cache = new WeakMap<StatusApiDeps, { atMs: number; body: StatusResponse }>();

export async function statusResponse(deps: StatusApiDeps): Promise<StatusResponse> {
  const nowMs = deps.nowMs();
  const cached = cache.get(deps);
  if (cached !== undefined && nowMs - cached.atMs < STATUS_CACHE_SECONDS * 1_000) return cached.body;
  const body = await readStatus(deps, nowMs);
  cache.set(deps, { atMs: nowMs, body });
  return body;
}

async function readStatus(deps: StatusApiDeps, nowMs: number): Promise<StatusResponse> {
  const resolvedSince = new Date(nowMs - RESOLVED_INCIDENTS_SHOWN_SECONDS * 1_000).toISOString();
  const [webhook, submission, reconciliation, lastRun, open, resolved, unreconciled, webhookOldest] = await Promise.all(
    [
      queueSignal(deps, 'webhook'),
      queueSignal(deps, 'submission'),
      queueSignal(deps, 'reconciliation'),
      deps.runs.lastSuccess(),
      deps.incidents.listOpen(OPEN_INCIDENTS_READ_MAX),
      deps.incidents.listResolvedSince(resolvedSince, RESOLVED_INCIDENTS_SHOWN_MAX),
      deps.oldestUnreconciled(nowMs),
      deps.inbox.oldestUnappliedReceivedAt(),
    ],
  );
  const lastSuccessAt = lastRun?.finishedAt ?? null;
  const webhookBacklogSeconds = webhookOldest === null ? null : ageSeconds(webhookOldest, nowMs);
  const page = statusPage(
    deps.providers,
    // SQS reports no message ages (CloudWatch does, for the alarm), but the inbox knows its oldest
    // unapplied webhook: webhook intake's backlog age, the figure the console shows too. Submission
    // has no such index (its age stays unread); rejected webhooks are a metric only.
    {
      webhook: { ...webhook, oldestMessageAgeSeconds: webhookBacklogSeconds },
      submission,
      reconciliation,
      webhookRejectedInPeriod: null,
      lastReconciliationSucceededAt: lastSuccessAt,
      incidents: incidentSignals(open),
    },
    STATUS_THRESHOLDS,
    nowMs,
  );
  return {
    state: page.state,
    components: page.components.map((c) => ({ component: c.component, state: c.state, reasons: [...c.reasons] })),
    reconciliation: {
      last_success_at: lastSuccessAt,
      seconds_since_last_success:
        lastSuccessAt === null ? null : Math.floor((nowMs - Date.parse(lastSuccessAt)) / 1_000),
      oldest_unreconciled_payout: {
        created_at: unreconciled.oldestCreatedAt,
        age_seconds: unreconciled.ageSeconds,
        examined_from: unreconciled.examinedFrom,
        may_be_older: unreconciled.mayBeOlder,
      },
    },
    webhook_backlog: { oldest_received_at: webhookOldest, age_seconds: webhookBacklogSeconds },
    incidents: { open: open.map(incidentView), recently_resolved: resolved.map(incidentView) },
    updated_at: new Date(nowMs).toISOString(),
  };
}

async function queueSignal(deps: StatusApiDeps, queue: QueueName): Promise<QueueSignal> {
  const dead = await deps.dlq.depth(deps.queues[queue].dlqUrl);
  return { dlqDepth: dead.visible, oldestMessageAgeSeconds: null };
}

/** The route itself: no JWT (lib/routes.ts says why), no query parameters, a short public cache. */
export async function statusApi(deps: StatusApiDeps, event: APIGatewayProxyEventV2): Promise<HttpResult> {
  const requestId = requestIdOf(event);
  parseQuery(noQuerySchema, event.queryStringParameters);
  const body = await statusResponse(deps);
  return json(200, body, requestId, { 'cache-control': `public, max-age=${STATUS_CACHE_SECONDS}` });
}

/** GET /status.html: the same answer as a public status page, plain HTML with no script (status-html.ts). */
export async function statusHtmlApi(deps: StatusApiDeps, event: APIGatewayProxyEventV2): Promise<HttpResult> {
  const requestId = requestIdOf(event);
  parseQuery(noQuerySchema, event.queryStringParameters);
  const page = renderStatusHtml(await statusResponse(deps));
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'request-id': requestId,
      'content-security-policy': page.csp,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cache-control': `public, max-age=${STATUS_CACHE_SECONDS}`,
    },
    body: page.html,
  };
}
