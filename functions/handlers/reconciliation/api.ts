import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { PRESIGNED_URL_EXPIRES_SECONDS } from '../../adapters/reconciliation/export-store';
import type { ReconciliationRequestSender } from '../../adapters/reconciliation/requests-queue';
import type { RunDependencies } from '../../adapters/reconciliation/run';
import { RunAlreadyRunningError, type RunRecord } from '../../adapters/reconciliation/runs-repository';
import { ApiError, badRequest, notFound } from '../http/api-error';
import { operatorOf, requireScope } from '../http/operator';
import { json, requestIdOf, type HttpResult } from '../http/response';
import { isRunDate } from './deps';

/**
 * POST /reconciliations            (reconciliation:run)   queue a run of one date; 202 with the queued run
 * GET  /reconciliations/{date}     (reconciliation:read)  the date's latest run, and the last successful run;
 *                                                   `latest` for the last successful run alone (the console's panel)
 * GET  /exports/{date}             (exports:read)  the manifest, each file with a presigned URL
 *
 * POST never runs the reconciliation itself: a night of 1M payouts takes minutes and the HTTP API
 * cuts a request at 30 s. It records the run as `queued` and sends it to ReconciliationQueue,
 * whose consumer is `reconcile`; the caller polls GET /reconciliations/{date} (the `Location`).
 */
export const RUN_ALREADY_RUNNING_RETRY_AFTER_SECONDS = 60;

export interface ReconciliationsApiDependencies extends Pick<RunDependencies, 'store' | 'now' | 'newRunId'> {
  readonly runs: Pick<RunDependencies['runs'], 'enqueue' | 'finish' | 'get' | 'lastSuccess'>;
  readonly requestRun: ReconciliationRequestSender;
}

const snake = (run: object): Record<string, unknown> => Object.fromEntries(Object.entries(run).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));

export async function reconciliationsApi(deps: ReconciliationsApiDependencies, event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<HttpResult> {
  const requestId = requestIdOf(event);
  const date = event.pathParameters?.['date'];
  // Operators only, before anything is parsed or written; API Gateway checked the scope, and so do we.
  const operator = operatorOf(event);
  switch (event.routeKey) {
    case 'POST /reconciliations': {
      requireScope(operator, 'reconciliation:run');
      let body: unknown;
      try {
        body = JSON.parse(event.body === undefined ? '{}' : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body);
      } catch {
        throw badRequest('invalid_json', 'the body is not valid JSON');
      }
      const requested = (body as { date?: unknown } | null)?.date;
      if (!isRunDate(requested)) throw badRequest('parameter_invalid', 'date must be a calendar date YYYY-MM-DD', 'date');
      const run = await queueRun(deps, requested, operator.subject, requestId);
      return json(202, { reconciliation: snake(run) }, requestId, { location: `/reconciliations/${requested}` });
    }
    case 'GET /reconciliations/{date}': {
      requireScope(operator, 'reconciliation:read');
      if (date === 'latest') {
        const last = await deps.runs.lastSuccess();
        return json(200, { reconciliation: null, last_success: last === undefined ? null : snake(last) }, requestId);
      }
      if (!isRunDate(date)) throw badRequest('parameter_invalid', 'date must be YYYY-MM-DD', 'date');
      const [run, last] = await Promise.all([deps.runs.get(date), deps.runs.lastSuccess()]);
      if (run === undefined) throw notFound(`reconciliation for ${date}`);
      return json(200, { reconciliation: snake(run), last_success: last === undefined ? null : snake(last) }, requestId);
    }
    case 'GET /exports/{date}': {
      requireScope(operator, 'exports:read');
      if (!isRunDate(date)) throw badRequest('parameter_invalid', 'date must be YYYY-MM-DD', 'date');
      const text = await deps.store.readManifest(date);
      if (text === undefined) throw notFound(`export for ${date}`);
      const manifest = JSON.parse(text) as { files: { name: string }[] };
      const urls = await Promise.all(manifest.files.map(async (f) => ({ name: f.name, url: await deps.store.presign(date, f.name) })));
      return json(200, { manifest, files: urls, manifest_url: await deps.store.presign(date, 'manifest.json'), expires_in_seconds: PRESIGNED_URL_EXPIRES_SECONDS }, requestId);
    }
    default:
      throw notFound(`route ${event.routeKey}`);
  }
}

/**
 * Records the run as queued, then sends it. The record comes first so a second POST for the date
 * is refused (409) even before the consumer picks the message up; if the send fails the record is
 * closed as failed, so the date is not blocked for RUN_STALE_AFTER_SECONDS by a run that will never come.
 */
async function queueRun(deps: ReconciliationsApiDependencies, date: string, requestedBy: string, requestId: string): Promise<RunRecord> {
  const requestedAt = deps.now();
  const run: RunRecord = { date, runId: deps.newRunId(), state: 'queued', trigger: 'api', requestedAt: requestedAt.toISOString(), requestedBy, requestId };
  try {
    await deps.runs.enqueue(run, requestedAt.getTime());
  } catch (error) {
    if (error instanceof RunAlreadyRunningError) {
      throw new ApiError({ status: 409, type: 'conflict_error', code: 'reconciliation_running', category: 'retryable', message: error.message, headers: { 'retry-after': String(RUN_ALREADY_RUNNING_RETRY_AFTER_SECONDS) } });
    }
    throw error;
  }
  try {
    await deps.requestRun({ date, runId: run.runId, requestedAt: run.requestedAt!, requestedBy, requestId });
  } catch (error) {
    const e = error as { name?: string; message?: string };
    await deps.runs.finish({ ...run, state: 'failed', finishedAt: deps.now().toISOString(), error: { code: 'enqueue_failed', message: `${e.name ?? 'Error'}: ${e.message ?? String(error)}` } });
    throw error;
  }
  return run;
}
