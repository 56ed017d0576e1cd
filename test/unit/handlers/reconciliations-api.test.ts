import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { ReconciliationRequestMessage } from '../../../functions/adapters/reconciliation/requests-queue';
import { RunAlreadyRunningError, type RunRecord } from '../../../functions/adapters/reconciliation/runs-repository';
import { ApiError } from '../../../functions/http/api-error';
import {
  reconciliationsApi,
  type ReconciliationsApiDependencies,
} from '../../../functions/app/reconciliation/reconciliations-api';
import { OPS_BODY_BYTES_MAX } from '../../../functions/http/http-limits';

const event = (routeKey: string, extra: Partial<APIGatewayProxyEventV2WithJWTAuthorizer> = {}) =>
  ({
    routeKey,
    headers: { 'content-type': 'application/json' },
    requestContext: {
      requestId: 'req-12345678',
      authorizer: {
        jwt: {
          claims: {
            sub: 'operator-1',
            client_id: 'ops-client',
            principal_type: 'operator',
            principal_role: 'finance',
            scope:
              'payout-platform/reconciliation:run payout-platform/reconciliation:read payout-platform/exports:read',
          },
        },
      },
    },
    isBase64Encoded: false,
    ...extra,
  }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;

const succeeded: RunRecord = {
  date: '2026-11-24',
  runId: 'run_1',
  state: 'succeeded',
  trigger: 'api',
  startedAt: '2026-11-25T02:30:00.000Z',
};

interface Recorder {
  enqueued: RunRecord[];
  finished: RunRecord[];
  sent: ReconciliationRequestMessage[];
}

function deps(
  overrides: { enqueue?: () => Promise<void>; send?: () => Promise<void>; manifest?: string; timeZone?: string } = {},
): ReconciliationsApiDependencies & Recorder {
  const recorder: Recorder = { enqueued: [], finished: [], sent: [] };
  return {
    ...recorder,
    runs: {
      enqueue: async (run: RunRecord) => {
        if (overrides.enqueue) await overrides.enqueue();
        recorder.enqueued.push(run);
      },
      finish: async (run: RunRecord) => void recorder.finished.push(run),
      get: async (d: string) => (d === succeeded.date ? succeeded : undefined),
      lastSuccess: async () => succeeded,
    },
    requestRun: async (message: ReconciliationRequestMessage) => {
      if (overrides.send) await overrides.send();
      recorder.sent.push(message);
    },
    now: () => new Date('2026-11-25T02:30:00Z'),
    timeZone: overrides.timeZone ?? 'UTC',
    newRunId: () => 'run_2',
    store: {
      readManifest: async () => overrides.manifest,
      presign: async (_d: string, name: string) => `https://signed.example/${name}`,
    },
  } as unknown as ReconciliationsApiDependencies & Recorder;
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

const post = (body: string) => event('POST /reconciliations', { body });

describe('reconciliations-api', () => {
  it('refuses a date that is not a calendar date: 400, nothing recorded, nothing sent', async () => {
    for (const body of ['2026-02-30', '2026-1-01', 'yesterday', undefined].map((date) => JSON.stringify({ date }))) {
      const d = deps();
      const error = await apiError(reconciliationsApi(d, post(body)));
      expect([error.status, error.code, error.param]).toEqual([400, 'parameter_invalid', 'date']);
      expect([d.enqueued, d.finished, d.sent]).toEqual([[], [], []]);
    }
    const d = deps();
    // The HTTP edge's one body parser (http/body.ts) answers before the date rule.
    expect((await apiError(reconciliationsApi(d, post('{')))).code).toBe('body_not_json');
    expect((await apiError(reconciliationsApi(d, post('null')))).code).toBe('body_not_object');
    expect((await apiError(reconciliationsApi(d, post('{"date":"2026-11-24","date":"2026-11-25"}')))).code).toBe(
      'duplicate_json_key',
    );
    expect([d.enqueued, d.sent]).toEqual([[], []]);
  });

  // Which days may be reconciled: the clock is 2026-11-25T02:30Z; each refusal is a 400 with its code, and
  // nothing is recorded or sent.
  const REFUSALS: ReadonlyArray<
    readonly [what: string, body: string, code: string, param: string | undefined, timeZone?: string]
  > = [
    ['the far future', '{"date":"9999-12-31"}', 'date_not_ended', 'date'],
    ['tomorrow', '{"date":"2026-11-26"}', 'date_not_ended', 'date'],
    ['today, unfinished', '{"date":"2026-11-25"}', 'date_not_ended', 'date'],
    [
      'yesterday, not yet ended in Los Angeles (18:30 there)',
      '{"date":"2026-11-24"}',
      'date_not_ended',
      'date',
      'America/Los_Angeles',
    ],
    ['more than 400 days back', '{"date":"2025-01-01"}', 'date_too_old', 'date'],
    ['an unknown field beside the date', '{"date":"2026-11-24","force":true}', 'field_unknown', 'force'],
    ['a misspelt date field', '{"data":"2026-11-24"}', 'field_unknown', 'data'],
    [
      'a body over the limit',
      JSON.stringify({ date: '2026-11-24', pad: 'x'.repeat(OPS_BODY_BYTES_MAX) }),
      'body_too_large',
      undefined,
    ],
    ['a JSON array', '["2026-11-24"]', 'body_not_object', undefined],
  ];
  for (const [what, body, code, param, timeZone] of REFUSALS) {
    it(`refuses ${what}: 400 ${code}, nothing recorded, nothing sent`, async () => {
      const d = deps(timeZone === undefined ? {} : { timeZone });
      const error = await apiError(reconciliationsApi(d, post(body)));
      // An oversized body is 413 (http/body.ts), every other refusal 400.
      const status = code === 'body_too_large' ? 413 : 400;
      expect([error.status, error.type, error.code, error.category, error.param]).toEqual([
        status,
        'invalid_request_error',
        code,
        'terminal',
        param,
      ]);
      expect([d.enqueued, d.finished, d.sent]).toEqual([[], [], []]);
    });
  }

  it('names every unknown field, in the message and as a list', async () => {
    const error = await apiError(reconciliationsApi(deps(), post('{"date":"2026-11-24","dry_run":true,"force":1}')));
    expect([error.code, error.param, error.details, error.message]).toEqual([
      'field_unknown',
      'dry_run',
      { fields: ['dry_run', 'force'] },
      'dry_run, force are not fields of this request (only date)',
    ]);
  });

  it('says when a day ends: today in RECONCILE_TIMEZONE', async () => {
    const error = await apiError(
      reconciliationsApi(deps({ timeZone: 'Europe/Berlin' }), post('{"date":"2026-11-25"}')),
    );
    expect(error.message).toBe(
      '2026-11-25 has not ended: today is 2026-11-25 in Europe/Berlin (RECONCILE_TIMEZONE), and a day is reconciled only once it has ended',
    );
  });

  it('queues a day that has ended in a zone ahead of UTC, and reads a base64 body', async () => {
    const d = deps({ timeZone: 'Pacific/Kiritimati' });
    const body = Buffer.from('{"date":"2026-11-24"}', 'utf8').toString('base64');
    const answer = await reconciliationsApi(d, event('POST /reconciliations', { body, isBase64Encoded: true }));
    expect([answer.statusCode, d.sent.map((m) => m.date)]).toEqual([202, ['2026-11-24']]);
  });

  it('queues the run: 202 with the queued run and its Location, one message naming the same run', async () => {
    const d = deps();
    const answer = await reconciliationsApi(d, post('{"date":"2026-11-24"}'));
    expect(answer.statusCode).toBe(202);
    expect(answer.headers['location']).toBe('/reconciliations/2026-11-24');
    expect(JSON.parse(answer.body)).toEqual({
      reconciliation: {
        date: '2026-11-24',
        run_id: 'run_2',
        state: 'queued',
        trigger: 'api',
        requested_at: '2026-11-25T02:30:00.000Z',
        requested_by: 'operator-1',
        request_id: 'req-12345678',
      },
    });
    expect(d.enqueued).toEqual([expect.objectContaining({ date: '2026-11-24', runId: 'run_2', state: 'queued' })]);
    expect(d.sent).toEqual([
      {
        date: '2026-11-24',
        runId: 'run_2',
        requestedAt: '2026-11-25T02:30:00.000Z',
        requestedBy: 'operator-1',
        requestId: 'req-12345678',
      },
    ]);
    expect(d.finished).toEqual([]);
  });

  it('answers 409 with Retry-After while a run for the date is queued or running, and sends nothing', async () => {
    const d = deps({ enqueue: async () => Promise.reject(new RunAlreadyRunningError('2026-11-24')) });
    const error = await apiError(reconciliationsApi(d, post('{"date":"2026-11-24"}')));
    expect([error.status, error.type, error.code, error.category, error.headers?.['retry-after']]).toEqual([
      409,
      'conflict_error',
      'reconciliation_running',
      'retryable',
      '60',
    ]);
    expect(d.sent).toEqual([]);
  });

  it('closes the queued record as failed when the message cannot be sent, so the date is not blocked', async () => {
    const d = deps({
      send: async () => Promise.reject(Object.assign(new Error('queue unavailable'), { name: 'ServiceUnavailable' })),
    });
    await expect(reconciliationsApi(d, post('{"date":"2026-11-24"}'))).rejects.toThrow('queue unavailable');
    expect(d.finished).toEqual([
      expect.objectContaining({
        runId: 'run_2',
        state: 'failed',
        error: { code: 'enqueue_failed', message: 'ServiceUnavailable: queue unavailable' },
      }),
    ]);
  });

  it('shows a run, the last success, and 404 for a date never run', async () => {
    const found = await reconciliationsApi(
      deps(),
      event('GET /reconciliations/{date}', { pathParameters: { date: '2026-11-24' } }),
    );
    expect(JSON.parse(found.body)).toMatchObject({
      reconciliation: { run_id: 'run_1', state: 'succeeded' },
      last_success: { date: '2026-11-24' },
    });
    const latest = await reconciliationsApi(
      deps(),
      event('GET /reconciliations/{date}', { pathParameters: { date: 'latest' } }),
    );
    expect(JSON.parse(latest.body).last_success.run_id).toBe('run_1');
    expect(
      (
        await apiError(
          reconciliationsApi(deps(), event('GET /reconciliations/{date}', { pathParameters: { date: '2026-11-23' } })),
        )
      ).status,
    ).toBe(404);
  });

  it('serves the manifest with a presigned URL per file', async () => {
    const manifest = JSON.stringify({
      files: [{ name: 'exceptions.csv' }, { name: 'reconciliation.csv' }, { name: 'summary.json' }],
    });
    const result = await reconciliationsApi(
      deps({ manifest }),
      event('GET /exports/{date}', { pathParameters: { date: '2026-11-24' } }),
    );
    const body = JSON.parse(result.body);
    expect(body.files.map((f: { url: string }) => f.url)).toEqual([
      'https://signed.example/exceptions.csv',
      'https://signed.example/reconciliation.csv',
      'https://signed.example/summary.json',
    ]);
    expect(body.expires_in_seconds).toBe(900);
    expect(
      (
        await apiError(
          reconciliationsApi(deps(), event('GET /exports/{date}', { pathParameters: { date: '2026-11-24' } })),
        )
      ).status,
    ).toBe(404);
  });

  // 2026-13-01 once threw RangeError in the date check (a 500); the shape is right, the calendar is not.
  const IMPOSSIBLE_DATES = ['2026-13-01', '2026-00-10', '2026-04-31', '2026-02-29', '9999-99-99'];
  it.each(['GET /reconciliations/{date}', 'GET /exports/{date}'])(
    '%s refuses a date the calendar does not have: 400 parameter_invalid',
    async (routeKey) => {
      for (const date of IMPOSSIBLE_DATES) {
        const error = await apiError(reconciliationsApi(deps(), event(routeKey, { pathParameters: { date } })));
        expect([date, error.status, error.code, error.param]).toEqual([date, 400, 'parameter_invalid', 'date']);
      }
    },
  );
  it('POST /reconciliations refuses the same dates: 400 parameter_invalid, nothing recorded or sent', async () => {
    for (const date of IMPOSSIBLE_DATES) {
      const d = deps();
      const error = await apiError(reconciliationsApi(d, post(JSON.stringify({ date }))));
      expect([date, error.status, error.code]).toEqual([date, 400, 'parameter_invalid']);
      expect([d.enqueued, d.finished, d.sent]).toEqual([[], [], []]);
    }
  });

  // The nightly run's day (formerly previousDay here) is tested with the rule it must pass, in
  // test/unit/domain/reconciliation/run-date.test.ts.
});
