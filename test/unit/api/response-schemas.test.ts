import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { DlqMessage } from '../../../functions/adapters/dlq';
import type { ExceptionRecord } from '../../../functions/adapters/exceptions-records';
import type { InboxEvent, InboxRepository } from '../../../functions/adapters/inbox-repository';
import type { RunRecord } from '../../../functions/adapters/reconciliation/runs-repository';
import { dlqViewSchema, exceptionViewSchema } from '../../../functions/http/ops-schemas';
import {
  exportsResponseSchema,
  manifestSchema,
  reconciliationResponseSchema,
  startReconciliationResponseSchema,
} from '../../../functions/http/reconciliation-schemas';
import { manifestJson } from '../../../functions/domain/reconciliation/manifest';
import { describeDlqMessage } from '../../../functions/app/ops/dlq-view';
import { QUEUE_NAMES } from '../../../functions/shared/names';
import { exceptionJson } from '../../../functions/app/ops/exceptions-api';
import {
  reconciliationsApi,
  type ReconciliationsApiDependencies,
} from '../../../functions/app/reconciliation/reconciliations-api';

// The documented answer schemas hold the answers the handlers build, field by field, including
// the optional fields a route only sometimes sends. (test/e2e/openapi-contract.test.ts holds every
// route's answers through the twin to the served document.)
const NOW = '2026-11-25T12:00:00.000Z';
const expectParses = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(JSON.parse(JSON.stringify(value)));
  expect(result.success ? [] : result.error.issues).toEqual([]);
};

const EXCEPTION: ExceptionRecord = {
  exceptionId: `exc_${'a'.repeat(32)}`,
  dedupKey: 'k',
  category: 'amount_mismatch',
  owner: 'finance',
  state: 'resolved',
  slaSeconds: 3_600,
  openedAt: NOW,
  slaDueAt: NOW,
  updatedAt: NOW,
  lastSeenAt: NOW,
  occurrences: 2,
  evidence: { row: 3, amounts: [1, 2] },
  payoutId: 'po_01JDQ0000000000000000000000',
  firstError: { message: 'first', code: 'c', at: NOW },
  lastError: { message: 'last', at: NOW },
  assignee: 'operator-1',
  resolution: { note: 'fixed', by: 'operator-1', at: NOW },
  version: 3,
};

const RUN: RunRecord = {
  date: '2026-11-24',
  runId: 'run_1',
  state: 'failed',
  trigger: 'api',
  requestedAt: NOW,
  requestedBy: 'operator-1',
  requestId: 'req-1',
  startedAt: NOW,
  finishedAt: NOW,
  reportKey: 'reports/2026-11-24.csv',
  reportEtag: '"etag"',
  counts: {
    reportRows: 1,
    payouts: 1,
    ledgerEntries: 2,
    rows: 1,
    matched: 0,
    unmatched: 1,
    exceptions: 1,
    categories: { amount_mismatch: 1 },
  },
  manifestKey: 'exports/date=2026-11-24/manifest.json',
  error: { code: 'report_malformed', message: 'line 3', line: 3 },
};
const MANIFEST = manifestJson({
  date: RUN.date,
  provider: 'sandbox',
  files: [{ name: 'reconciliation.csv', rows: 1, bytes: 10, sha256: 'f'.repeat(64), contentType: 'text/csv' }],
  inputs: [
    { role: 'provider_settlement_report', source: 's3', key: 'k', etag: 'e', rows: 1 },
    { role: 'payouts', source: 'dynamodb', rows: 1 },
  ],
});

function reconciliationDeps(): ReconciliationsApiDependencies {
  return {
    runs: {
      enqueue: async () => {},
      finish: async () => {},
      get: async () => RUN,
      lastSuccess: async () => ({ ...RUN, state: 'succeeded' }),
    },
    requestRun: async () => {},
    now: () => new Date(NOW),
    newRunId: () => 'run_2',
    store: {
      readManifest: async () => MANIFEST,
      presign: async (_d: string, name: string) => `https://signed.example/${name}`,
    },
  } as unknown as ReconciliationsApiDependencies;
}

const event = (routeKey: string, extra: Record<string, unknown>) =>
  ({
    routeKey,
    headers: {},
    isBase64Encoded: false,
    requestContext: {
      requestId: 'req-schemas',
      // A finance operator as the pre-token trigger stamps one: reconciliation runs and exports are finance's.
      authorizer: {
        jwt: {
          claims: {
            sub: 'operator-1',
            principal_type: 'operator',
            principal_role: 'finance',
            scope: ['reconciliation:run', 'reconciliation:read', 'exports:read']
              .map((scope) => `payout-platform/${scope}`)
              .join(' '),
          },
        },
      },
    },
    ...extra,
  }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;

describe('documented answer schemas hold the handlers’ answers', () => {
  it('an exception with every optional field', () => {
    expectParses(exceptionViewSchema, exceptionJson(EXCEPTION, Date.parse(NOW)));
    const { payoutId: _p, firstError: _f, lastError: _l, assignee: _a, resolution: _r, ...bare } = EXCEPTION;
    expectParses(exceptionViewSchema, exceptionJson({ ...bare, state: 'open' }, Date.parse(NOW)));
  });

  it.each(QUEUE_NAMES)('a dead letter of the %s queue, with and without its stored event', async (queue) => {
    const stored: InboxEvent = {
      provider: 'sandbox',
      providerEventId: 'msg_1',
      eventType: 'payout.paid',
      receivedAt: NOW,
      state: 'enqueued',
      firstError: { message: 'm', category: 'payout_not_found', at: NOW },
      lastError: { message: 'm', category: 'payout_not_found', at: NOW },
      errorCount: 2,
    } as InboxEvent;
    const inbox = (found: InboxEvent | undefined) =>
      ({
        get: async () => found,
        body: async () => '{"type":"payout.paid","data":{"payout_id":"po_1"}}',
      }) as unknown as InboxRepository;
    const bodies = {
      webhook: JSON.stringify({
        provider: 'sandbox',
        provider_event_id: 'msg_1',
        event_type: 'payout.paid',
        received_at: NOW,
      }),
      submission: JSON.stringify({ payoutId: 'po_1' }),
      reconciliation: JSON.stringify({
        date: '2026-11-24',
        run_id: 'run_1',
        requested_by: 'o',
        request_id: 'r',
        requested_at: NOW,
      }),
      batch: JSON.stringify({ batchId: 'bat_01KAZ5T8Y4J8W8H4Q0R9ZPZ9ZP', chunk: 3, senderItemIds: ['a', 'b'] }),
    };
    const message = (body: string): DlqMessage => ({
      messageId: 'm-1',
      body,
      receiptHandle: 'rh',
      receiveCount: 5,
      sentAtMs: Date.parse(NOW) - 5_000,
    });
    for (const found of [stored, undefined]) {
      expectParses(
        dlqViewSchema,
        await describeDlqMessage(queue, message(bodies[queue]), inbox(found), Date.parse(NOW)),
      );
      expectParses(dlqViewSchema, await describeDlqMessage(queue, message('not json'), inbox(found), Date.parse(NOW)));
    }
  });

  it('the export manifest', () => {
    expectParses(manifestSchema, JSON.parse(MANIFEST));
  });

  it('POST /reconciliations, GET /reconciliations/{date} (and latest), GET /exports/{date}', async () => {
    const body = async (e: APIGatewayProxyEventV2WithJWTAuthorizer) =>
      JSON.parse((await reconciliationsApi(reconciliationDeps(), e)).body);
    expectParses(
      startReconciliationResponseSchema,
      await body(
        event('POST /reconciliations', {
          headers: { 'content-type': 'application/json' },
          body: '{"date":"2026-11-24"}',
        }),
      ),
    );
    expectParses(
      reconciliationResponseSchema,
      await body(event('GET /reconciliations/{date}', { pathParameters: { date: '2026-11-24' } })),
    );
    expectParses(
      reconciliationResponseSchema,
      await body(event('GET /reconciliations/{date}', { pathParameters: { date: 'latest' } })),
    );
    expectParses(
      exportsResponseSchema,
      await body(event('GET /exports/{date}', { pathParameters: { date: '2026-11-24' } })),
    );
  });
});
