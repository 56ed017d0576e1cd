import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { ReconciliationRequestSender } from '../../adapters/reconciliation/requests-queue';
import type { RunDependencies } from './run';
import { RunAlreadyRunningError, type RunRecord } from '../../adapters/reconciliation/runs-repository';
import {
  OPS_BODY_BYTES_MAX,
  PRESIGNED_URL_EXPIRES_SECONDS,
  RUN_ALREADY_RUNNING_RETRY_AFTER_SECONDS,
} from '../../http/http-limits';
import { parseStartReconciliationBody } from '../../http/reconciliation-schemas';
import { InvalidRunDateError, isCalendarDate, requireRunDate } from '../../domain/reconciliation/run-date';
import { ApiError, badRequest, fromDomainError, notFound } from '../../http/api-error';
import { parseJsonBody } from '../../http/body';
import { operatorOf, requireScope } from '../../http/operator';
import { json, requestIdOf, type HttpResult } from '../../http/response';

/**
 * POST /reconciliations            (ops:redrive)   queue a run of one date; 202 with the queued run
 * GET  /reconciliations/{date}     (ops:read)      the date's latest run, and the last successful run;
 *                                                   `latest` for the last successful run alone (the console's panel)
 * GET  /exports/{date}             (exports:read)  the manifest, each file with a presigned URL
 *
 * POST never runs the reconciliation itself: a night of 1M payouts takes minutes and the HTTP API
 * cuts a request at 30 s. It records the run as `queued` and sends it to ReconciliationQueue,
 * whose consumer is `reconcile`; the caller polls GET /reconciliations/{date} (the `Location`).
 * Before that it refuses, nothing recorded or sent: a Content-Type other than JSON (415), a body
 * over OPS_BODY_BYTES_MAX (413), then 400 for a body the strict parser refuses (http/body.ts), an
 * unknown field (`field_unknown`, all named), a date that is not a calendar date YYYY-MM-DD
 * (`parameter_invalid`), a day that has not ended (`date_not_ended`: today or later in
 * RECONCILE_TIMEZONE, or its UTC payouts window still open) or is too old (`date_too_old`).
 */

export interface ReconciliationsApiDependencies extends Pick<
  RunDependencies,
  'store' | 'now' | 'timeZone' | 'newRunId'
> {
  readonly runs: Pick<RunDependencies['runs'], 'enqueue' | 'finish' | 'get' | 'lastSuccess'>;
  readonly requestRun: ReconciliationRequestSender;
}

const snake = (run: object): Record<string, unknown> =>
  Object.fromEntries(Object.entries(run).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));

export async function reconciliationsApi(
  deps: ReconciliationsApiDependencies,
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
): Promise<HttpResult> {
  const requestId = requestIdOf(event);
  const date = event.pathParameters?.['date'];
  const operator = operatorOf(event);
  switch (event.routeKey) {
    case 'POST /reconciliations': {
      requireScope(operator, 'reconciliation:run');
      // The HTTP edge's one strict body parser (size, content type, UTF-8, duplicate keys: http/body.ts),
      // then the strict body schema (unknown fields named) and the run-date rule.
      const body = parseJsonBody(event, { bytesMax: OPS_BODY_BYTES_MAX, empty: 'empty_object' });
      const { date: requested } = parseStartReconciliationBody(body);
      const runDate = runnableDate(requested, deps);
      const run = await queueRun(deps, runDate, operator.subject, requestId);
      return json(202, { reconciliation: snake(run) }, requestId, { location: `/reconciliations/${requested}` });
    }
    case 'GET /reconciliations/{date}': {
      requireScope(operator, 'reconciliation:read');
      if (date === 'latest') {
        const last = await deps.runs.lastSuccess();
        return json(200, { reconciliation: null, last_success: last === undefined ? null : snake(last) }, requestId);
      }
      if (!isCalendarDate(date)) throw badRequest('parameter_invalid', 'date must be YYYY-MM-DD', 'date');
      const [run, last] = await Promise.all([deps.runs.get(date), deps.runs.lastSuccess()]);
      if (run === undefined) throw notFound(`reconciliation for ${date}`);
      return json(
        200,
        { reconciliation: snake(run), last_success: last === undefined ? null : snake(last) },
        requestId,
      );
    }
    case 'GET /exports/{date}': {
      requireScope(operator, 'exports:read');
      if (!isCalendarDate(date)) throw badRequest('parameter_invalid', 'date must be YYYY-MM-DD', 'date');
      const text = await deps.store.readManifest(date);
      if (text === undefined) throw notFound(`export for ${date}`);
      const manifest = JSON.parse(text) as { files: { name: string }[] };
      const urls = await Promise.all(
        manifest.files.map(async (f) => ({
          name: f.name,
          url: await deps.store.presign(date, f.name, PRESIGNED_URL_EXPIRES_SECONDS),
        })),
      );
      return json(
        200,
        {
          manifest,
          files: urls,
          manifest_url: await deps.store.presign(date, 'manifest.json', PRESIGNED_URL_EXPIRES_SECONDS),
          expires_in_seconds: PRESIGNED_URL_EXPIRES_SECONDS,
        },
        requestId,
      );
    }
    default:
      throw notFound(`route ${event.routeKey}`);
  }
}

/** The domain's date rule at the API's clock; a refusal is the caller's 400. */
function runnableDate(requested: string, deps: Pick<ReconciliationsApiDependencies, 'now' | 'timeZone'>): string {
  try {
    return requireRunDate(requested, { now: deps.now(), timeZone: deps.timeZone });
  } catch (error) {
    if (error instanceof InvalidRunDateError) throw fromDomainError(error, 400);
    throw error;
  }
}

/**
 * Records the run as queued, then sends it. The record comes first so a second POST for the date
 * is refused (409) even before the consumer picks the message up; if the send fails the record is
 * closed as failed, so the date is not blocked for RUN_STALE_AFTER_SECONDS by a run that will never come.
 */
async function queueRun(
  deps: ReconciliationsApiDependencies,
  date: string,
  requestedBy: string,
  requestId: string,
): Promise<RunRecord> {
  const requestedAt = deps.now();
  const run: RunRecord = {
    date,
    runId: deps.newRunId(),
    state: 'queued',
    trigger: 'api',
    requestedAt: requestedAt.toISOString(),
    requestedBy,
    requestId,
  };
  try {
    await deps.runs.enqueue(run, requestedAt.getTime());
  } catch (error) {
    if (error instanceof RunAlreadyRunningError) {
      throw new ApiError({
        status: 409,
        type: 'conflict_error',
        code: 'reconciliation_running',
        category: 'retryable',
        message: error.message,
        headers: { 'retry-after': String(RUN_ALREADY_RUNNING_RETRY_AFTER_SECONDS) },
      });
    }
    throw error;
  }
  try {
    await deps.requestRun({ date, runId: run.runId, requestedAt: run.requestedAt!, requestedBy, requestId });
  } catch (error) {
    const e = error as { name?: string; message?: string };
    await deps.runs.finish({
      ...run,
      state: 'failed',
      finishedAt: deps.now().toISOString(),
      error: { code: 'enqueue_failed', message: `${e.name ?? 'Error'}: ${e.message ?? String(error)}` },
    });
    throw error;
  }
  return run;
}
