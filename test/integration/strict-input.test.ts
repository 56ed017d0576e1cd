// Strict input on the operator routes: every bad body or query of ops-exceptions,
// ops-redrive and reconciliations-api, through the real entry (httpHandler, the one body parser)
// against DynamoDB Local + fauxqs, gets its named 400/415 and leaves every table and queue as it was.
// (POST /payouts has its own table: test/unit/api/bad-inputs.ts, run by payouts/create-payout.test.ts.)
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulators, type StartedEmulators } from '../support/emulators';
import { lambdaContext, scanAll } from './payouts/helpers';

type Handler = (
  event: unknown,
  context: unknown,
) => Promise<{ statusCode: number; headers: Record<string, string>; body: string }>;
const TABLE_ENVS = ['PAYOUTS_TABLE', 'LEDGER_TABLE', 'IDEMPOTENCY_TABLE', 'INBOX_TABLE', 'OPERATIONS_TABLE'] as const;
const QUEUE_ENVS = [
  'SUBMISSION_QUEUE_URL',
  'SUBMISSION_DLQ_URL',
  'WEBHOOK_QUEUE_URL',
  'WEBHOOK_DLQ_URL',
  'RECONCILIATION_QUEUE_URL',
  'RECONCILIATION_DLQ_URL',
] as const;
const EXCEPTION_ID = `exc_${'0'.repeat(32)}`;
// Each route's operator, as the pre-token trigger stamps them: ops for the DLQ and exceptions, finance for
// reconciliation runs. The scope string carries every scope these routes need; a handler keeps only the role's.
const SCOPES = ['ops:read', 'ops:redrive', 'exceptions:read', 'exceptions:write', 'reconciliation:run', 'exports:read']
  .map((s) => `payout-platform/${s}`)
  .join(' ');
const ROLE_OF_ENTRY = { 'ops-exceptions': 'ops', 'ops-redrive': 'ops', 'reconciliations-api': 'finance' } as const;

let emulators: StartedEmulators;
const handlers: Record<string, Handler> = {};

beforeAll(async () => {
  emulators = await startEmulators();
  Object.assign(process.env, emulators.env, {
    SANDBOX_PROVIDER_URL: 'http://127.0.0.1:9',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  });
  for (const name of ['ops-exceptions', 'ops-redrive', 'reconciliations-api'])
    handlers[name] = ((await import(`../../functions/handlers/${name}.ts`)) as { handler: Handler }).handler;
  // A dead letter a real redrive would move: a bad input must not.
  await emulators.clients.sqs.send(
    new SendMessageCommand({
      QueueUrl: process.env['WEBHOOK_DLQ_URL']!,
      MessageBody: JSON.stringify({
        provider: 'sandbox',
        provider_event_id: 'evt_strict',
        event_type: 'payout.paid',
        received_at: new Date().toISOString(),
      }),
    }),
  );
});
afterAll(async () => emulators?.stop());

async function snapshot(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const name of TABLE_ENVS)
    counts[name] = (await scanAll(emulators.clients.documentClient, process.env[name]!)).length;
  for (const name of QUEUE_ENVS) {
    const { Attributes = {} } = await emulators.clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: process.env[name]!,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    counts[name] =
      Number(Attributes.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
  }
  return counts;
}

interface Request {
  entry: 'ops-exceptions' | 'ops-redrive' | 'reconciliations-api';
  routeKey: string;
  path: string;
  body?: string | Uint8Array;
  query?: Record<string, string>;
  contentType?: string;
  pathParameters?: Record<string, string>;
}

function eventOf(request: Request) {
  const [method] = request.routeKey.split(' ') as [string];
  const bytes = request.body instanceof Uint8Array;
  return {
    version: '2.0',
    routeKey: request.routeKey,
    rawPath: request.path,
    headers: request.body === undefined ? {} : { 'content-type': request.contentType ?? 'application/json' },
    ...(request.query === undefined ? {} : { queryStringParameters: request.query }),
    ...(request.pathParameters === undefined ? {} : { pathParameters: request.pathParameters }),
    ...(request.body === undefined
      ? {}
      : { body: bytes ? Buffer.from(request.body as Uint8Array).toString('base64') : request.body }),
    isBase64Encoded: bytes,
    requestContext: {
      requestId: `req-strict-${Math.random().toString(36).slice(2)}`,
      http: { method, path: request.path },
      authorizer: {
        jwt: {
          claims: {
            sub: 'operator-1',
            client_id: 'ops-cli',
            scope: SCOPES,
            principal_type: 'operator',
            principal_role: ROLE_OF_ENTRY[request.entry],
          },
        },
      },
    },
  };
}

const redrive = (body: string | Uint8Array, contentType?: string): Request => ({
  entry: 'ops-redrive',
  routeKey: 'POST /ops/dlq/redrive',
  path: '/ops/dlq/redrive',
  body,
  ...(contentType ? { contentType } : {}),
});
const replay = (body: string | Uint8Array): Request => ({
  entry: 'ops-redrive',
  routeKey: 'POST /ops/replay',
  path: '/ops/replay',
  body,
});
const exception = (action: 'assign' | 'resolve', body: string): Request => ({
  entry: 'ops-exceptions',
  routeKey: `POST /exceptions/{exceptionId}/${action}`,
  path: `/exceptions/${EXCEPTION_ID}/${action}`,
  pathParameters: { exceptionId: EXCEPTION_ID },
  body,
});
const notUtf8 = Buffer.concat([
  Buffer.from('{"event_ids":["sandbox#evt_'),
  Buffer.from([0xc3, 0x28]),
  Buffer.from('"]}'),
]);

const BAD: Array<[string, Request, number, string, string | undefined]> = [
  // Without strictness each of the first two would have redriven the DLQ for real.
  [
    'redrive: dry_run given twice, the last false',
    redrive('{"all":true,"dry_run":true,"dry_run":false}'),
    400,
    'duplicate_json_key',
    'dry_run',
  ],
  ['redrive: a misspelt dry_run', redrive('{"all":true,"dryrun":true}'), 400, 'field_unknown', 'dryrun'],
  [
    'redrive: an unknown filter field',
    redrive('{"filter":{"provider":"sandbox","typ":"payout.paid"}}'),
    400,
    'field_unknown',
    'filter.typ',
  ],
  [
    'redrive: a bidi control in a filter',
    redrive('{"filter":{"provider":"sand\\u202ebox"}}'),
    400,
    'invalid_text',
    'filter.provider',
  ],
  ['redrive: text/plain', redrive('{"all":true}', 'text/plain'), 415, 'content_type_unsupported', undefined],
  // A dry run asked for in the URL was ignored, and the redrive ran for real.
  [
    'redrive: dry_run as a query parameter',
    { ...redrive('{"all":true}'), query: { dry_run: 'true' } },
    400,
    'parameter_unknown',
    'dry_run',
  ],
  [
    'redrive: a filter age past 2^53 (unsafe, unauditable)',
    redrive('{"filter":{"older_than_seconds":9007199254740993}}'),
    400,
    'invalid_filter',
    'filter.older_than_seconds',
  ],
  [
    'replay: dry_run as a query parameter',
    { ...replay('{"event_ids":["sandbox#evt_strict"]}'), query: { dry_run: 'true' } },
    400,
    'parameter_unknown',
    'dry_run',
  ],
  [
    'replay: a from Date.parse reads but RFC 3339 does not',
    replay('{"from":"Tue, 24 Nov 2026 00:00:00 GMT","to":"2026-11-25T00:00:00Z"}'),
    400,
    'invalid_range',
    'from',
  ],
  ['assign: an empty assignee', exception('assign', '{"assignee":""}'), 400, 'invalid_assignee', 'assignee'],
  ['redrive: a JSON array', redrive('[{"all":true}]'), 400, 'body_not_object', undefined],
  ['replay: bytes that are not UTF-8', replay(notUtf8), 400, 'body_not_utf8', undefined],
  ['replay: a NUL in an event id', replay('{"event_ids":["sandbox#evt\\u0000"]}'), 400, 'invalid_text', 'event_ids.0'],
  [
    'replay: a reversed range',
    replay('{"from":"2026-11-25T01:00:00Z","to":"2026-11-25T00:00:00Z"}'),
    400,
    'invalid_range',
    'from',
  ],
  [
    'assign: owner given twice',
    exception('assign', '{"owner":"ops","owner":"finance"}'),
    400,
    'duplicate_json_key',
    'owner',
  ],
  [
    'assign: an assignee with a right-to-left override',
    exception('assign', '{"assignee":"ops-\\u202eetor"}'),
    400,
    'invalid_text',
    'assignee',
  ],
  [
    'assign: an assignee of zero-width spaces',
    exception('assign', '{"assignee":"\\u200b\\u200b"}'),
    400,
    'invalid_text',
    'assignee',
  ],
  [
    'assign: an unknown field',
    exception('assign', '{"owner":"ops","state":"resolved"}'),
    400,
    'field_unknown',
    'state',
  ],
  ['resolve: a NUL in the note', exception('resolve', '{"note":"fixed\\u0000 it"}'), 400, 'invalid_text', 'note'],
  [
    'resolve: a note of invisible characters',
    exception('resolve', '{"note":"\\u2060\\u200b"}'),
    400,
    'invalid_text',
    'note',
  ],
  [
    'resolve: a lone surrogate in the note',
    exception('resolve', '{"note":"fixed \\ud800"}'),
    400,
    'invalid_text',
    'note',
  ],
  ['resolve: an unknown field', exception('resolve', '{"note":"fixed","reopen":true}'), 400, 'field_unknown', 'reopen'],
  [
    'reconciliations: date given twice',
    {
      entry: 'reconciliations-api',
      routeKey: 'POST /reconciliations',
      path: '/reconciliations',
      body: '{"date":"2026-11-24","date":"2026-11-25"}',
    },
    400,
    'duplicate_json_key',
    'date',
  ],
  [
    'reconciliations: a query parameter',
    {
      entry: 'reconciliations-api',
      routeKey: 'POST /reconciliations',
      path: '/reconciliations',
      body: '{"date":"2026-11-24"}',
      query: { force: 'true' },
    },
    400,
    'parameter_unknown',
    'force',
  ],
  [
    'GET /exceptions: an unknown parameter',
    { entry: 'ops-exceptions', routeKey: 'GET /exceptions', path: '/exceptions', query: { status: 'open' } },
    400,
    'parameter_unknown',
    'status',
  ],
  [
    'GET /exceptions: limit 0',
    { entry: 'ops-exceptions', routeKey: 'GET /exceptions', path: '/exceptions', query: { limit: '0' } },
    400,
    'invalid_limit',
    'limit',
  ],
  [
    'GET /exceptions: a cursor of another listing',
    {
      entry: 'ops-exceptions',
      routeKey: 'GET /exceptions',
      path: '/exceptions',
      query: {
        state: 'open',
        cursor: Buffer.from(
          JSON.stringify({
            pk: `EXC#${EXCEPTION_ID}`,
            sk: 'EXC',
            gsi2pk: 'EXC#ALL',
            gsi2sk: `2026-11-25T00:00:00.000Z#${EXCEPTION_ID}`,
          }),
        ).toString('base64url'),
      },
    },
    400,
    'invalid_cursor',
    'cursor',
  ],
  [
    'GET /exceptions: a cursor with an empty key',
    {
      entry: 'ops-exceptions',
      routeKey: 'GET /exceptions',
      path: '/exceptions',
      query: {
        cursor: Buffer.from(JSON.stringify({ pk: '', sk: 'EXC', gsi2pk: 'EXC#ALL', gsi2sk: '' })).toString('base64url'),
      },
    },
    400,
    'invalid_cursor',
    'cursor',
  ],
  [
    'GET /ops/dlq: a limit in exponent form',
    { entry: 'ops-redrive', routeKey: 'GET /ops/dlq', path: '/ops/dlq', query: { limit: '1e1' } },
    400,
    'invalid_limit',
    'limit',
  ],
  [
    'GET /ops/queues: a query parameter',
    { entry: 'ops-redrive', routeKey: 'GET /ops/queues', path: '/ops/queues', query: { queue: 'webhook' } },
    400,
    'parameter_unknown',
    'queue',
  ],
  [
    'GET /exports/{date}: a query parameter',
    {
      entry: 'reconciliations-api',
      routeKey: 'GET /exports/{date}',
      path: '/exports/2026-11-24',
      pathParameters: { date: '2026-11-24' },
      query: { format: 'csv' },
    },
    400,
    'parameter_unknown',
    'format',
  ],
  [
    'GET /reconciliations/{date}: a query parameter',
    {
      entry: 'reconciliations-api',
      routeKey: 'GET /reconciliations/{date}',
      path: '/reconciliations/2026-11-24',
      pathParameters: { date: '2026-11-24' },
      query: { run: 'x' },
    },
    400,
    'parameter_unknown',
    'run',
  ],
];

describe('operator routes refuse bad input by name and change nothing', () => {
  const cases = BAD.map(([name, request, status, code, param]) => ({ name, request, status, code, param }));
  it.each(cases)('$name → $status $code', async ({ request, status, code, param }) => {
    const before = await snapshot();
    const response = await handlers[request.entry]!(eventOf(request), lambdaContext);
    expect(response.statusCode).toBe(status);
    const error = JSON.parse(response.body).error;
    expect(error).toMatchObject({ code, category: 'terminal', request_id: response.headers['request-id'] });
    expect(error.param).toBe(param);
    expect(await snapshot()).toEqual(before);
  });

  it('the same bodies, well formed, are accepted (the table is not refusing everything)', async () => {
    const dry = await handlers['ops-redrive']!(eventOf(redrive('{"all":true,"dry_run":true}')), lambdaContext);
    expect(dry.statusCode).toBe(200);
    expect(JSON.parse(dry.body)).toMatchObject({ dry_run: true, matched: 1, moved: 0 });
    const listed = await handlers['ops-exceptions']!(
      eventOf({
        entry: 'ops-exceptions',
        routeKey: 'GET /exceptions',
        path: '/exceptions',
        query: { state: 'open', limit: '5' },
      }),
      lambdaContext,
    );
    expect(listed.statusCode).toBe(200);
  });
});
