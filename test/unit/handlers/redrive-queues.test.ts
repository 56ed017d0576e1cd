import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { DeadLetterQueue, DlqMessage } from '../../../functions/adapters/dlq';
import type { InboxRepository } from '../../../functions/adapters/inbox-repository';
import type { AuditTrail } from '../../../functions/adapters/audit-trail';
import type { WebhookQueue } from '../../../functions/adapters/webhook-queue';
import { exceptionIdOf } from '../../../functions/domain/exceptions';
import { deadLetterCategoryOf, deadLetterDedupKeyOf, describeDlqMessage } from '../../../functions/app/ops/dlq-view';
import { QUEUE_NAMES } from '../../../functions/shared/names';
import { redriveApi, type RedriveApiDeps } from '../../../functions/app/ops/redrive-api';

// GET /ops/queues and the DLQ view of every queue pair, with a fake SQS: the reconciliation pair
// must be listed and described like the webhook and submission pairs.

const NOW_MS = Date.parse('2026-11-25T12:00:00.000Z');
const SENT_MS = NOW_MS - 90_000;
const RUN_REQUEST = JSON.stringify({
  date: '2026-11-24',
  run_id: 'run_01',
  requested_by: 'operator-1',
  request_id: 'req-1',
  requested_at: '2026-11-25T11:58:00.000Z',
});

const message = (messageId: string, body: string): DlqMessage => ({
  messageId,
  body,
  receiptHandle: `rh-${messageId}`,
  receiveCount: 5,
  sentAtMs: SENT_MS,
});
const noInbox = { get: async () => undefined } as unknown as InboxRepository;

function depsWith(dlqDepth: Record<string, number>, peeked: Record<string, DlqMessage[]>): RedriveApiDeps {
  const queues = Object.fromEntries(
    QUEUE_NAMES.map((q) => [q, { queueUrl: `url:${q}`, dlqUrl: `url:${q}-dlq` }]),
  ) as RedriveApiDeps['queues'];
  const dlq = {
    depth: async (url: string) => ({ visible: dlqDepth[url] ?? 0, inFlight: 0, delayed: 0 }),
    peek: async (url: string) => peeked[url] ?? [],
  } as unknown as DeadLetterQueue;
  return {
    dlq,
    queues,
    inbox: noInbox,
    webhookQueue: {} as WebhookQueue,
    audit: {} as AuditTrail,
    nowMs: () => NOW_MS,
  };
}

function get(path: string, query?: Record<string, string>): APIGatewayProxyEventV2WithJWTAuthorizer {
  return {
    rawPath: path,
    headers: {},
    ...(query ? { queryStringParameters: query } : {}),
    isBase64Encoded: false,
    requestContext: {
      requestId: 'req-unit',
      http: { method: 'GET' },
      authorizer: {
        jwt: {
          claims: {
            sub: 'operator-1',
            client_id: 'ops-cli',
            principal_type: 'operator',
            principal_role: 'ops',
            scope: 'payout-platform/ops:read',
          },
        },
      },
    },
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}

describe('GET /ops/queues', () => {
  it('reports every pair, the reconciliation one included, with the DLQ oldest age', async () => {
    const deps = depsWith(
      { 'url:reconciliation-dlq': 1 },
      { 'url:reconciliation-dlq': [message('m-rec', RUN_REQUEST)] },
    );
    const res = await redriveApi(deps, get('/ops/queues'));
    const rows = (JSON.parse(res.body) as { data: Array<Record<string, unknown>> }).data;
    expect(rows.map((r) => `${r['queue']}/${r['role']}`)).toEqual([
      'webhook/queue',
      'webhook/dlq',
      'submission/queue',
      'submission/dlq',
      'reconciliation/queue',
      'reconciliation/dlq',
      // BatchDlq joined the ops queues (issue 13): listed like every other pair.
      'batch/queue',
      'batch/dlq',
    ]);
    expect(rows.find((r) => r['queue'] === 'reconciliation' && r['role'] === 'dlq')).toMatchObject({
      visible: 1,
      oldest_age_seconds: 90,
    });
  });
});

describe('GET /ops/dlq?queue=reconciliation', () => {
  it('names the run: date and run id, the exception it opens', async () => {
    const deps = depsWith({}, { 'url:reconciliation-dlq': [message('m-rec', RUN_REQUEST)] });
    const res = await redriveApi(deps, get('/ops/dlq', { queue: 'reconciliation' }));
    expect(res.statusCode).toBe(200);
    const [view] = (JSON.parse(res.body) as { data: Array<Record<string, unknown>> }).data;
    expect(view).toMatchObject({
      message_id: 'm-rec',
      queue: 'reconciliation',
      date: '2026-11-24',
      run_id: 'run_01',
      error_category: 'unknown',
      receive_count: 5,
      age_seconds: 90,
      exception_id: exceptionIdOf('reconciliation_dlq:m-rec'),
    });
  });
});

describe('GET /ops/dlq?queue=batch', () => {
  it('names the chunk: batch id, chunk number, how many items a retry named, the exception it opens', async () => {
    const body = JSON.stringify({ batchId: 'bat_01KAZ5T8Y4J8W8H4Q0R9ZPZ9ZP', chunk: 7, senderItemIds: ['a', 'b'] });
    const deps = depsWith({}, { 'url:batch-dlq': [message('m-bat', body)] });
    const res = await redriveApi(deps, get('/ops/dlq', { queue: 'batch' }));
    expect(res.statusCode).toBe(200);
    const [view] = (JSON.parse(res.body) as { data: Array<Record<string, unknown>> }).data;
    expect(view).toMatchObject({
      message_id: 'm-bat',
      queue: 'batch',
      batch_id: 'bat_01KAZ5T8Y4J8W8H4Q0R9ZPZ9ZP',
      chunk: 7,
      sender_item_count: 2,
      error_category: 'unknown',
      exception_id: exceptionIdOf('batch_dlq:m-bat'),
    });
  });
  it('a batch message that is not a fan-out chunk is unmappable, still with its exception', async () => {
    const view = await describeDlqMessage('batch', message('m-bad', '{"chunk":"x"}'), noInbox, NOW_MS);
    expect(view).toMatchObject({ error_category: 'unmappable_event', exception_id: exceptionIdOf('batch_dlq:m-bad') });
    expect(view.batch_id).toBeUndefined();
  });
});

describe('DLQ view per queue', () => {
  it('a reconciliation message that is not a run request is unmappable, still with its exception', async () => {
    const view = await describeDlqMessage('reconciliation', message('m-bad', '{"date":1}'), noInbox, NOW_MS);
    expect(view).toMatchObject({
      error_category: 'unmappable_event',
      payload: { date: 1 },
      exception_id: exceptionIdOf('reconciliation_dlq:m-bad'),
    });
    expect(view.date).toBeUndefined();
  });
  it.each([
    ['webhook', 'webhook_dead_lettered'],
    ['submission', 'submission_dead_lettered'],
    ['reconciliation', 'reconciliation_dead_lettered'],
    ['batch', 'batch_dead_lettered'],
  ] as const)('%s → %s, exception id = hash of the dedup key', async (queue, category) => {
    expect(deadLetterCategoryOf(queue)).toBe(category);
    const view = await describeDlqMessage(
      queue,
      message('m-1', queue === 'reconciliation' ? RUN_REQUEST : '{}'),
      noInbox,
      NOW_MS,
    );
    expect(view.exception_id).toBe(exceptionIdOf(deadLetterDedupKeyOf(view)));
  });
});

describe('POST /ops/dlq/redrive of webhook messages', () => {
  it('sends each back marked with the operator, as ASCII JSON whatever its event type carries', async () => {
    let transform: ((body: string) => string) | undefined;
    const deps: RedriveApiDeps = {
      ...depsWith({}, {}),
      dlq: {
        move: async (options: { transform?: (body: string) => string }) => {
          transform = options.transform;
          return { matched: [], moved: 0, truncated: false };
        },
      } as unknown as DeadLetterQueue,
      audit: { append: async () => undefined } as unknown as AuditTrail,
    };
    const event = {
      ...get('/ops/dlq/redrive'),
      routeKey: 'POST /ops/dlq/redrive',
      headers: { 'content-type': 'application/json' },
      body: '{"all":true}',
      requestContext: {
        requestId: 'req-unit',
        http: { method: 'POST' },
        authorizer: {
          jwt: {
            claims: {
              sub: 'operator-1',
              client_id: 'ops-cli',
              principal_type: 'operator',
              principal_role: 'ops',
              scope: 'payout-platform/ops:redrive',
            },
          },
        },
      },
    } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
    expect((await redriveApi(deps, event)).statusCode).toBe(200);
    const sent = transform!(
      JSON.stringify({ provider: 'stripe', provider_event_id: 'evt_1', event_type: 'payout.💸\uffff' }),
    );
    expect(sent).toMatch(/^[\x20-\x7e]*$/);
    expect(JSON.parse(sent)).toEqual({
      provider: 'stripe',
      provider_event_id: 'evt_1',
      event_type: 'payout.💸\uffff',
      redriven_by: 'operator-1',
    });
  });
});
