// The twin end to end on its fixture assembly: HTTP API v2 events and response mapping, Lambda
// emulation (environment, context, errors, timeouts, pool size), schedules on demand, the SQS
// poller, the twin's clock, and state kept across a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKERS_PER_FUNCTION_MAX } from '../../local/aws/lambda-runtime.js';
import { CLOCK_ADVANCE_SECONDS_MAX } from '../../local/aws/twin-clock.js';
import { FIXTURE_CDK_OUT_DIR } from '../support/fixture-model.js';
import { startTwin, type StartedTwin } from '../support/twin.js';

const stateDir = mkdtempSync(join(tmpdir(), 'twin-api-'));
let twin: StartedTwin;
let readToken: string;

async function echo(path: string, init: RequestInit = {}) {
  const response = await fetch(`${twin.url}${path}`, init);
  const text = await response.text();
  return { response, text, json: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  twin = await startTwin({ port: 0, fresh: true, stateDir, cdkOutDir: FIXTURE_CDK_OUT_DIR });
  // The fixture assembly has no pre-token trigger or tenant directory: its tokens are signed directly
  // for its M2mClient (the access matrix is the real template's, test/e2e/access-matrix.test.ts).
  readToken = await twin.forgeToken({ tenant: 'acme', scopes: ['payouts:read'], clientId: 'M2mClient' });
});

afterAll(async () => {
  await twin?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('health', () => {
  it('answers 200 with every part ok', async () => {
    const { response, json } = await echo('/health');
    expect(response.status).toBe(200);
    expect(json.status).toBe('ok');
    expect(Object.keys(json.parts).sort()).toEqual([
      'api',
      'dynamodb',
      'fauxqs',
      'functions',
      'pollers',
      'sandboxProvider',
      'schedules',
    ]);
  });
});

describe('HTTP API payload format 2.0', () => {
  it('builds the event API Gateway sends', async () => {
    const { response, json } = await echo('/echo/item%201?b=2&a=1&a=3', {
      headers: { authorization: `Bearer ${readToken}`, 'X-Custom': 'Yes', cookie: 'one=1; two=2' },
    });
    expect(response.status).toBe(200);
    const { event } = json;
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /echo/{itemId}',
      rawPath: '/echo/item%201',
      rawQueryString: 'b=2&a=1&a=3',
      cookies: ['one=1', 'two=2'],
      pathParameters: { itemId: 'item 1' },
      queryStringParameters: { a: '1,3', b: '2' },
      isBase64Encoded: false,
      requestContext: {
        http: { method: 'GET', path: '/echo/item%201', sourceIp: '127.0.0.1' },
        routeKey: 'GET /echo/{itemId}',
        stage: '$default',
        requestId: response.headers.get('apigw-requestid'),
      },
    });
    expect(event.headers['x-custom']).toBe('Yes');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.requestContext.authorizer.jwt.claims).toMatchObject({
      tenant_id: 'acme',
      client_id: 'M2mClient',
      scope: 'payout-platform/payouts:read',
    });
    expect(event.requestContext.authorizer.jwt.scopes).toEqual(['payout-platform/payouts:read']);
  });

  it('passes a JSON body as the raw string and a binary body base64-encoded', async () => {
    const writeToken = await twin.forgeToken({ tenant: 'acme', scopes: ['payouts:write'], clientId: 'M2mClient' });
    const headers = { authorization: `Bearer ${writeToken}` };
    const text = await echo('/echo', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: '{"amount": 100 }',
    });
    expect(text.json.event).toMatchObject({ body: '{"amount": 100 }', isBase64Encoded: false });
    const binary = await echo('/echo', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/octet-stream' },
      body: Buffer.from([0, 1, 2, 255]),
    });
    expect(binary.json.event).toMatchObject({
      body: Buffer.from([0, 1, 2, 255]).toString('base64'),
      isBase64Encoded: true,
    });
    // JSON that is not UTF-8: handed over as the bytes sent, so the function's strict decoder sees them.
    const broken = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    const notUtf8 = await echo('/echo', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: broken,
    });
    expect(notUtf8.json.event).toMatchObject({ body: broken.toString('base64'), isBase64Encoded: true });
  });

  it('maps results the way API Gateway does', async () => {
    const structured = await echo('/open');
    expect(structured.response.headers.get('set-cookie')).toBe('a=1');
    const plain = await echo('/plain');
    expect(plain.response.status).toBe(200);
    expect(plain.response.headers.get('content-type')).toBe('application/json');
    expect(plain.json).toEqual({ hello: 'world' });
  });

  it('matches greedy routes and prefers the most specific one', async () => {
    const { json } = await echo('/proxy/a/b/c');
    expect(json.event.pathParameters).toEqual({ rest: 'a/b/c' });
    expect((await echo('/proxy')).response.status).toBe(404);
  });

  it('answers 404 for a method no route declares on a path another method routes, as API Gateway does', async () => {
    const headers = { authorization: `Bearer ${readToken}` };
    for (const [method, path] of [
      ['DELETE', '/echo'],
      ['PUT', '/echo/item'],
      ['PATCH', '/open'],
      ['POST', '/plain'],
    ] as const) {
      const { response, json } = await echo(path, { method, headers });
      expect([method, path, response.status]).toEqual([method, path, 404]);
      expect(json.error).toMatchObject({ type: 'not_found_error', code: 'route_not_found' });
    }
  });
});

describe('Lambda emulation', () => {
  it('runs the bundle with the template environment resolved to local names', async () => {
    const { json } = await echo('/open');
    expect(json.functionName).toBe('EchoFunction');
    expect(json.remainingMs).toBeGreaterThan(0);
    expect(json.remainingMs).toBeLessThanOrEqual(2000);
    expect(json.env.PAYOUTS_TABLE).toBe('PayoutsTable');
    expect(json.env.SUBMISSION_QUEUE_URL).toBe(`${json.env.AWS_ENDPOINT_URL_SQS}/000000000000/SubmissionQueue`);
    expect(json.env.SANDBOX_PROVIDER_URL).toBe(twin.twin.sandboxProviderUrl);
  });

  it('surfaces a thrown error and a timeout as 500 with the error body, then recovers', async () => {
    const thrown = await echo('/throw');
    expect(thrown.response.status).toBe(500);
    expect(thrown.json.error).toMatchObject({ type: 'api_error', code: 'function_error', category: 'retryable' });
    expect(thrown.response.headers.get('request-id')).toBe(thrown.json.error.request_id);
    const timedOut = await echo('/sleep');
    expect(timedOut.response.status).toBe(500);
    expect(timedOut.json.error.code).toBe('function_timeout');
    expect((await echo('/open')).response.status).toBe(200);
  });

  it(`runs at most ${WORKERS_PER_FUNCTION_MAX} workers per function`, async () => {
    const responses = await Promise.all(Array.from({ length: 10 }, () => echo('/open')));
    expect(responses.every(({ response }) => response.status === 200)).toBe(true);
    expect(twin.twin.runtime.workerCount('echo')).toBeLessThanOrEqual(WORKERS_PER_FUNCTION_MAX);
  });

  it('invokes a function directly like the Lambda Invoke API', async () => {
    const ok = await echo('/.twin/functions/consumer/invoke', {
      method: 'POST',
      body: JSON.stringify({ Records: [] }),
    });
    expect(ok.json).toEqual({ batchItemFailures: [] });
    const failed = await echo('/.twin/functions/consumer/invoke', {
      method: 'POST',
      body: JSON.stringify({ Records: [{ body: 'throw', messageId: 'm' }] }),
    });
    expect(failed.response.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(failed.json).toMatchObject({ errorType: 'Error', errorMessage: 'batch threw' });
  });
});

describe('schedules and pollers', () => {
  it('runs a schedule on demand with its Input', async () => {
    const response = await twin.runSchedule('tick');
    expect(response.status).toBe(200);
    const { results } = (await response.json()) as { results: Array<{ body: string }> };
    expect(JSON.parse(results[0]!.body).event).toEqual({ source: 'schedule' });
    expect((await twin.runSchedule('nope')).status).toBe(404);
  });

  it('consumes the queue through the event source mapping', async () => {
    const queueUrl = twin.names.queueUrls.SubmissionQueue!;
    await twin.clients.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'ok' }));
    const deadline = Date.now() + 15_000;
    for (;;) {
      const { Attributes } = await twin.clients.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      if (Attributes?.ApproximateNumberOfMessages === '0' && Attributes.ApproximateNumberOfMessagesNotVisible === '0')
        break;
      if (Date.now() > deadline) throw new Error('the poller did not consume the message');
      await new Promise((resolveLater) => setTimeout(resolveLater, 200));
    }
    expect(twin.twin.pollers.get('ConsumerMapping')!.stats.deleted).toBeGreaterThanOrEqual(1);
  });
});

describe('the twin clock', () => {
  const ADVANCE_SECONDS = 25 * 3600;
  /** A reading taken while the real clock moves: within this of what was expected. */
  const TOLERANCE_MS = 5_000;
  const post = (path: string, body?: string) => {
    const init = { method: 'POST', headers: { 'content-type': 'application/json' } };
    return echo(path, body === undefined ? init : { ...init, body });
  };
  const seenByFunction = async () => {
    const { json } = await echo('/open');
    const clock = json.clock as { nowMs: number; newDateMs: number; isDate: boolean };
    return { ...clock, remainingMs: json.remainingMs as number };
  };
  const sandboxNowMs = async () => {
    const health = (await (await fetch(`${twin.twin.sandboxProviderUrl}/healthz`)).json()) as { now: string };
    return Date.parse(health.now);
  };
  const expectNear = (actualMs: number, expectedMs: number) => {
    expect(Math.abs(actualMs - expectedMs)).toBeLessThan(TOLERANCE_MS);
  };

  it('reads real time until advanced', async () => {
    const { response, json } = await echo('/.twin/clock');
    expect(response.status).toBe(200);
    expect(json.offset_ms).toBe(0);
    expectNear(Date.parse(json.now), Date.now());
    expectNear((await seenByFunction()).nowMs, Date.now());
  });

  it('moves what a warm function sees, the sandbox clock and the schedules at once', async () => {
    await seenByFunction(); // the echo worker is warm: the change must reach it without a restart
    const workers = twin.twin.runtime.workerCount('echo');
    const sandboxBeforeMs = await sandboxNowMs();
    const advanced = await post('/.twin/clock/advance', JSON.stringify({ seconds: ADVANCE_SECONDS }));
    expect(advanced.response.status).toBe(200);
    expect(advanced.json.offset_ms).toBe(ADVANCE_SECONDS * 1000);
    expectNear(Date.parse(advanced.json.now), Date.now() + ADVANCE_SECONDS * 1000);
    // The fixture's rate(5 minutes) schedule fell due inside the jump: skipped and reported.
    expect(advanced.json.skipped_schedule_runs.map((run: { function: string }) => run.function)).toEqual(['tick']);

    const seen = await seenByFunction();
    expect(twin.twin.runtime.workerCount('echo')).toBe(workers);
    expectNear(seen.nowMs, Date.now() + ADVANCE_SECONDS * 1000);
    expectNear(seen.newDateMs, Date.now() + ADVANCE_SECONDS * 1000);
    expect(seen.isDate).toBe(true);
    // The invocation deadline stays on the real clock: the jump does not time the function out.
    expect(seen.remainingMs).toBeGreaterThan(0);
    expectNear(await sandboxNowMs(), sandboxBeforeMs + ADVANCE_SECONDS * 1000);
    expectNear(Date.parse((await echo('/.twin/clock')).json.now), Date.now() + ADVANCE_SECONDS * 1000);
    const tick = twin.twin.scheduler.state.find((state) => state.functionShortName === 'tick')!;
    expect(Date.parse(tick.nextRunAt!)).toBeGreaterThan(Date.now() + ADVANCE_SECONDS * 1000 - TOLERANCE_MS);
  });

  it.each([
    ['a negative number', JSON.stringify({ seconds: -60 }), 'parameter_invalid', 'seconds'],
    ['zero', JSON.stringify({ seconds: 0 }), 'parameter_invalid', 'seconds'],
    ['a string', JSON.stringify({ seconds: '60' }), 'parameter_invalid', 'seconds'],
    [
      'over the largest advance',
      JSON.stringify({ seconds: CLOCK_ADVANCE_SECONDS_MAX + 1 }),
      'parameter_invalid',
      'seconds',
    ],
    ['a missing seconds', '{}', 'parameter_invalid', 'seconds'],
    ['an unknown member', JSON.stringify({ seconds: 60, milliseconds: 1 }), 'field_unknown', 'milliseconds'],
    ['a body that is not JSON', 'seconds=60', 'invalid_json', undefined],
    ['no body', undefined, 'invalid_json', undefined],
  ])('refuses %s with 400 and moves nothing', async (_name, body, code, param) => {
    const before = (await echo('/.twin/clock')).json.offset_ms;
    const refused = await post('/.twin/clock/advance', body);
    expect(refused.response.status).toBe(400);
    expect(refused.json.error).toEqual({
      type: 'invalid_request_error',
      code,
      category: 'terminal',
      message: expect.any(String),
      ...(param === undefined ? {} : { param }),
      request_id: refused.response.headers.get('request-id'),
    });
    expect((await echo('/.twin/clock')).json.offset_ms).toBe(before);
  });

  it('resets to real time', async () => {
    const reset = await post('/.twin/clock/reset');
    expect(reset.response.status).toBe(200);
    expect(reset.json.offset_ms).toBe(0);
    expectNear(Date.parse(reset.json.now), Date.now());
    expectNear((await seenByFunction()).nowMs, Date.now());
    expect((await echo('/.twin/clock')).json).toMatchObject({ offset_ms: 0 });
  });
});

describe('the provider stand-ins’ control (POST /.twin/providers/<provider>/state)', () => {
  const post = (provider: string, body: string) =>
    echo(`/.twin/providers/${provider}/state`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });

  it.each([
    ['no provider_reference', JSON.stringify({ state: 'booked' }), 'provider_reference'],
    ['an empty state', JSON.stringify({ provider_reference: 'X', state: '' }), 'state'],
    ['a body that is not JSON', 'state=booked', 'provider_reference'],
  ])('refuses %s with 400 and its param', async (_name, body, param) => {
    const refused = await post('adyen', body);
    expect(refused.response.status).toBe(400);
    expect(refused.json.error).toMatchObject({ code: 'invalid_body', category: 'terminal', param });
  });

  it('answers 404 for a provider with no stand-in', async () => {
    const missing = await post('sandbox', JSON.stringify({ provider_reference: 'X', state: 'paid' }));
    expect(missing.response.status).toBe(404);
    expect(missing.json.error).toMatchObject({ code: 'provider_not_found', type: 'not_found_error' });
  });
});

describe('restart', () => {
  it('keeps tables, items and the issuer key; creating resources again is idempotent', async () => {
    await twin.clients.dynamodb.send(
      new PutItemCommand({ TableName: 'PayoutsTable', Item: { pk: { S: 'restart' }, sk: { S: 'kept' } } }),
    );
    const kid = twin.twin.keys.publicJwk.kid;
    await twin.stop();
    twin = await startTwin({ port: 0, fresh: false, stateDir, cdkOutDir: FIXTURE_CDK_OUT_DIR });
    const { Item } = await twin.clients.dynamodb.send(
      new GetItemCommand({ TableName: 'PayoutsTable', Key: { pk: { S: 'restart' }, sk: { S: 'kept' } } }),
    );
    expect(Item).toBeDefined();
    expect(twin.twin.keys.publicJwk.kid).toBe(kid);
    expect((await echo('/health')).response.status).toBe(200);
  });
});
