import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { RunDependencies } from '../../../functions/adapters/reconciliation/run';
import { RunAlreadyRunningError, type RunRecord } from '../../../functions/adapters/reconciliation/runs-repository';
import { ApiError } from '../../../functions/handlers/http/api-error';
import { reconciliationsApi } from '../../../functions/handlers/reconciliation/api';
import { isRunDate, previousDay } from '../../../functions/handlers/reconciliation/deps';
import { ReportFormatError } from '../../../functions/domain/reconciliation/report-errors';

const event = (routeKey: string, extra: Partial<APIGatewayProxyEventV2WithJWTAuthorizer> = {}) =>
  ({ routeKey, headers: {}, requestContext: { requestId: 'req-12345678' }, isBase64Encoded: false, ...extra }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;

const succeeded: RunRecord = { date: '2026-11-24', runId: 'run_1', state: 'succeeded', trigger: 'api', startedAt: '2026-11-25T02:30:00.000Z' };

function deps(overrides: { start?: () => Promise<void>; manifest?: string } = {}): RunDependencies {
  return {
    runs: { start: overrides.start ?? (async () => {}), finish: async () => {}, get: async (d: string) => (d === succeeded.date ? succeeded : undefined), lastSuccess: async () => succeeded },
    now: () => new Date('2026-11-25T02:30:00Z'),
    newRunId: () => 'run_2',
    store: { readManifest: async () => overrides.manifest, presign: async (_d: string, name: string) => `https://signed.example/${name}` },
  } as unknown as RunDependencies;
}

async function apiError(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('reconciliations-api', () => {
  it('refuses a date that is not a calendar date', async () => {
    for (const date of ['2026-02-30', '2026-1-01', 'yesterday', undefined]) {
      const error = await apiError(reconciliationsApi(deps(), event('POST /reconciliations', { body: JSON.stringify({ date }) })));
      expect([error.status, error.code, error.param]).toEqual([400, 'parameter_invalid', 'date']);
    }
    expect((await apiError(reconciliationsApi(deps(), event('POST /reconciliations', { body: '{' })))).code).toBe('invalid_json');
  });

  it('answers 409 with Retry-After while a run for the date is going', async () => {
    const error = await apiError(reconciliationsApi(deps({ start: async () => Promise.reject(new RunAlreadyRunningError('2026-11-24')) }), event('POST /reconciliations', { body: '{"date":"2026-11-24"}' })));
    expect([error.status, error.code, error.category, error.headers?.['retry-after']]).toEqual([409, 'reconciliation_running', 'retryable', '60']);
  });

  it('answers 502 naming the line when the provider report is malformed', async () => {
    const start = async () => Promise.reject(new ReportFormatError('report_truncated', 42, 'cut short'));
    const error = await apiError(reconciliationsApi(deps({ start }), event('POST /reconciliations', { body: '{"date":"2026-11-24"}' })));
    expect([error.status, error.code, error.details?.['line']]).toEqual([502, 'provider_report_malformed', 42]);
  });

  it('shows a run, the last success, and 404 for a date never run', async () => {
    const found = await reconciliationsApi(deps(), event('GET /reconciliations/{date}', { pathParameters: { date: '2026-11-24' } }));
    expect(JSON.parse(found.body)).toMatchObject({ reconciliation: { run_id: 'run_1', state: 'succeeded' }, last_success: { date: '2026-11-24' } });
    const latest = await reconciliationsApi(deps(), event('GET /reconciliations/{date}', { pathParameters: { date: 'latest' } }));
    expect(JSON.parse(latest.body).last_success.run_id).toBe('run_1');
    expect((await apiError(reconciliationsApi(deps(), event('GET /reconciliations/{date}', { pathParameters: { date: '2026-11-23' } })))).status).toBe(404);
  });

  it('serves the manifest with a presigned URL per file', async () => {
    const manifest = JSON.stringify({ files: [{ name: 'exceptions.csv' }, { name: 'reconciliation.csv' }, { name: 'summary.json' }] });
    const result = await reconciliationsApi(deps({ manifest }), event('GET /exports/{date}', { pathParameters: { date: '2026-11-24' } }));
    const body = JSON.parse(result.body);
    expect(body.files.map((f: { url: string }) => f.url)).toEqual(['https://signed.example/exceptions.csv', 'https://signed.example/reconciliation.csv', 'https://signed.example/summary.json']);
    expect(body.expires_in_seconds).toBe(900);
    expect((await apiError(reconciliationsApi(deps(), event('GET /exports/{date}', { pathParameters: { date: '2026-11-24' } })))).status).toBe(404);
  });

  it('takes the day that just closed in the configured time zone', () => {
    expect(previousDay(new Date('2026-11-25T02:30:00Z'), 'UTC')).toBe('2026-11-24');
    expect(previousDay(new Date('2026-11-25T01:30:00Z'), 'Europe/Berlin')).toBe('2026-11-24');
    expect(previousDay(new Date('2026-11-25T23:30:00Z'), 'Europe/Berlin')).toBe('2026-11-25');
    expect(previousDay(new Date('2026-03-01T09:00:00Z'), 'America/Los_Angeles')).toBe('2026-02-28');
    expect([isRunDate('2024-02-29'), isRunDate('2026-02-29')]).toEqual([true, false]);
  });
});
