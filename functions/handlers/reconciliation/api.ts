import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { ReportFormatError } from '../../domain/reconciliation/report-errors';
import { PRESIGNED_URL_EXPIRES_SECONDS } from '../../adapters/reconciliation/export-store';
import { runReconciliation, type RunDependencies } from '../../adapters/reconciliation/run';
import { RunAlreadyRunningError } from '../../adapters/reconciliation/runs-repository';
import { ApiError, badRequest, notFound } from '../http/api-error';
import { json, requestIdOf, type HttpResult } from '../http/response';
import { isRunDate } from './deps';

/**
 * POST /reconciliations            (ops:redrive)   run one date now; answers with the run record
 * GET  /reconciliations/{date}     (ops:read)      the date's latest run, and the last successful run;
 *                                                   `latest` for the last successful run alone (the console's panel)
 * GET  /exports/{date}             (exports:read)  the manifest, each file with a presigned URL
 *
 * POST runs the reconciliation inside this request: right for the twin and for small days, and it
 * keeps one code path. Its limit is the API's 30 s integration timeout; a night of 1M payouts must
 * use the nightly schedule or `reconcile` directly (see docs/finance.md).
 */
export const RUN_ALREADY_RUNNING_RETRY_AFTER_SECONDS = 60;

const snake = (run: object): Record<string, unknown> => Object.fromEntries(Object.entries(run).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));

export async function reconciliationsApi(deps: RunDependencies, event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<HttpResult> {
  const requestId = requestIdOf(event);
  const date = event.pathParameters?.['date'];
  switch (event.routeKey) {
    case 'POST /reconciliations': {
      let body: unknown;
      try {
        body = JSON.parse(event.body === undefined ? '{}' : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body);
      } catch {
        throw badRequest('invalid_json', 'the body is not valid JSON');
      }
      const requested = (body as { date?: unknown } | null)?.date;
      if (!isRunDate(requested)) throw badRequest('parameter_invalid', 'date must be a calendar date YYYY-MM-DD', 'date');
      try {
        const run = await runReconciliation(deps, requested, 'api');
        return json(200, { reconciliation: snake(run) }, requestId);
      } catch (error) {
        if (error instanceof RunAlreadyRunningError) {
          throw new ApiError({ status: 409, type: 'conflict_error', code: 'reconciliation_running', category: 'retryable', message: error.message, headers: { 'retry-after': String(RUN_ALREADY_RUNNING_RETRY_AFTER_SECONDS) } });
        }
        if (error instanceof ReportFormatError) {
          throw new ApiError({ status: 502, type: 'api_error', code: 'provider_report_malformed', category: 'retryable', message: error.message, details: { line: error.line, report_error: error.reportCode } });
        }
        throw error;
      }
    }
    case 'GET /reconciliations/{date}': {
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
