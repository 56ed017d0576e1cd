// POST /reconciliations on DynamoDB Local + fauxqs and a sandbox provider: the API records the run
// as queued and sends exactly one message to ReconciliationQueue; the `reconcile` handler fed that
// SQS record moves the same run to succeeded. Both handlers run in-process, wired from the template.
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, PurgeQueueCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxProvider, type SandboxProvider } from '../../../local/sandbox/sandbox-process.js';
import { addDays, todayIn } from '../../../functions/domain/reconciliation/run-date';
import { ENV } from '../../../functions/shared/names';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { lambdaContext } from '../payouts/helpers';

// Days that have ended, counted from the real clock: the handlers refuse a day not ended or more
// than RECONCILE_DAYS_BACK_MAX days back, so fixed dates would expire.
const TODAY = todayIn(new Date(), 'UTC');
const DATE = addDays(TODAY, -11);
const COVERED_DATE = addDays(TODAY, -10);
/** Long enough for fauxqs to answer; the queue is read until it is empty. */
const RECEIVE_WAIT_SECONDS = 1;
const SQS_RECEIVE_MAX = 10;

type Handler = (event: unknown, context: unknown) => Promise<any>;
let emulators: StartedEmulators;
let sandbox: SandboxProvider;
let api: Handler;
let reconcile: Handler;
let queueUrl: string;

const postEvent = (body: unknown, requestId: string) => {
  const event = JSON.parse(
    readFileSync(resolve(import.meta.dirname, '../../../events/apigw/reconciliations-api.invalid.json'), 'utf8'),
  );
  return { ...event, body: JSON.stringify(body), requestContext: { ...event.requestContext, requestId } };
};
const getEvent = (date: string) => {
  const event = postEvent({}, 'req-queued-run-get');
  return {
    ...event,
    routeKey: 'GET /reconciliations/{date}',
    rawPath: `/reconciliations/${date}`,
    pathParameters: { date },
    body: undefined,
    requestContext: {
      ...event.requestContext,
      routeKey: 'GET /reconciliations/{date}',
      // The same finance operator, reading: reading a run is its own scope in the access matrix.
      authorizer: {
        ...event.requestContext.authorizer,
        jwt: {
          ...event.requestContext.authorizer.jwt,
          claims: { ...event.requestContext.authorizer.jwt.claims, scope: 'payout-platform/reconciliation:read' },
        },
      },
    },
  };
};
const call = async (event: unknown) => {
  const answer = await api(event, { ...lambdaContext, functionName: 'reconciliations-api' });
  return {
    status: answer.statusCode as number,
    headers: answer.headers as Record<string, string>,
    body: JSON.parse(answer.body),
  };
};

async function drainQueue(): Promise<Message[]> {
  const messages: Message[] = [];
  for (;;) {
    const out = await emulators.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: SQS_RECEIVE_MAX,
        WaitTimeSeconds: RECEIVE_WAIT_SECONDS,
        AttributeNames: ['All'],
      }),
    );
    if ((out.Messages ?? []).length === 0) return messages;
    messages.push(...out.Messages!);
  }
}

const sqsEvent = (messages: Array<Pick<Message, 'MessageId' | 'Body' | 'ReceiptHandle'>>): SQSEvent => ({
  Records: messages.map((m) => ({
    messageId: m.MessageId!,
    receiptHandle: m.ReceiptHandle ?? 'receipt',
    body: m.Body!,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: emulators.names.queueArns['ReconciliationQueue']!,
    awsRegion: 'us-east-1',
  })),
});

beforeAll(async () => {
  [emulators, sandbox] = await Promise.all([startEmulators(), startSandboxProvider({ port: 0, stepSeconds: 3600 })]);
  Object.assign(process.env, emulators.env, {
    SANDBOX_PROVIDER_URL: sandbox.url,
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  queueUrl = emulators.env[ENV.reconciliationQueueUrl]!;
  api = ((await import('../../../functions/handlers/reconciliations-api')) as { handler: Handler }).handler;
  reconcile = ((await import('../../../functions/handlers/reconcile')) as { handler: Handler }).handler;
});
afterAll(async () => {
  await Promise.allSettled([emulators?.stop(), sandbox?.stop()]);
});

describe('POST /reconciliations → ReconciliationQueue → reconcile', () => {
  it('the template wires the queue: the API has its URL, and it redrives to ReconciliationDlq', () => {
    expect(queueUrl).toMatch(/ReconciliationQueue$/);
    expect(emulators.model.queues.find((q) => q.logicalId === 'ReconciliationQueue')).toMatchObject({
      deadLetterQueueLogicalId: 'ReconciliationDlq',
    });
  });

  it('queues exactly one message; the handler fed that record completes the same run', async () => {
    const posted = await call(postEvent({ date: DATE }, 'req-queued-run-1'));
    expect(posted.status).toBe(202);
    expect(posted.headers['location']).toBe(`/reconciliations/${DATE}`);
    expect(posted.body.reconciliation).toMatchObject({
      date: DATE,
      state: 'queued',
      trigger: 'api',
      request_id: 'req-queued-run-1',
      requested_by: 'client-ops',
    });
    const runId = posted.body.reconciliation.run_id as string;

    const messages = await drainQueue();
    expect(messages).toHaveLength(1);
    expect(JSON.parse(messages[0]!.Body!)).toEqual({
      date: DATE,
      run_id: runId,
      requested_by: 'client-ops',
      request_id: 'req-queued-run-1',
      requested_at: posted.body.reconciliation.requested_at,
    });
    expect((await call(getEvent(DATE))).body.reconciliation).toMatchObject({ run_id: runId, state: 'queued' });

    // A second request while the first is queued is refused and sends nothing.
    const again = await call(postEvent({ date: DATE }, 'req-queued-run-2'));
    expect([again.status, again.body.error.code]).toEqual([409, 'reconciliation_running']);
    expect(await drainQueue()).toHaveLength(0);

    const response = await reconcile(sqsEvent(messages), { ...lambdaContext, functionName: 'reconcile' });
    expect(response).toEqual({ batchItemFailures: [] });
    const after = await call(getEvent(DATE));
    expect(after.body.reconciliation).toMatchObject({
      run_id: runId,
      state: 'succeeded',
      trigger: 'api',
      requested_by: 'client-ops',
      request_id: 'req-queued-run-1',
    });
    expect(after.body.reconciliation.started_at).toEqual(expect.any(String));
    expect(after.body.last_success).toMatchObject({ run_id: runId, date: DATE });

    // Done, the date takes a new request again.
    expect((await call(postEvent({ date: DATE }, 'req-queued-run-3'))).status).toBe(202);
    expect(await drainQueue()).toHaveLength(1);
  });

  it('a request whose date is being run by another run is covered by it: acknowledged, not retried', async () => {
    const date = COVERED_DATE;
    await emulators.clients.documentClient.send(
      new PutCommand({
        TableName: emulators.env[ENV.operationsTable]!,
        Item: {
          pk: `RECON#${date}`,
          sk: 'RUN',
          entity: 'reconciliation_run',
          date,
          runId: 'run_schedule',
          state: 'running',
          trigger: 'schedule',
          startedAt: new Date().toISOString(),
        },
      }),
    );
    const body = JSON.stringify({
      date,
      run_id: 'run_api',
      requested_by: 'op',
      request_id: 'req-covered',
      requested_at: new Date().toISOString(),
    });
    expect(await reconcile(sqsEvent([{ MessageId: 'm-covered', Body: body }]), lambdaContext)).toEqual({
      batchItemFailures: [],
    });
    expect((await call(getEvent(date))).body.reconciliation).toMatchObject({
      run_id: 'run_schedule',
      state: 'running',
    });
  });

  it('a message that is not a reconciliation request fails its record, so SQS retries it and then dead-letters it', async () => {
    for (const body of [
      '{',
      JSON.stringify({ date: '2026-02-30', run_id: 'r', requested_by: 'o', request_id: 'q', requested_at: 't' }),
    ]) {
      expect(await reconcile(sqsEvent([{ MessageId: 'm-bad', Body: body }]), lambdaContext)).toEqual({
        batchItemFailures: [{ itemIdentifier: 'm-bad' }],
      });
    }
  });

  // No path writes a day that has not ended. The template sets RECONCILE_TIMEZONE (UTC here).
  it('POST refuses a future day, today, an unknown field and a day too old: 400 with its code, nothing queued or recorded', async () => {
    expect(emulators.env[ENV.reconcileTimezone]).toBe('UTC');
    const cases: Array<[unknown, string, string]> = [
      [{ date: '9999-12-31' }, 'date_not_ended', 'date'],
      [{ date: TODAY }, 'date_not_ended', 'date'],
      [{ date: addDays(TODAY, -2), dry_run: true }, 'field_unknown', 'dry_run'],
      [{ date: addDays(TODAY, -401) }, 'date_too_old', 'date'],
    ];
    for (const [body, code, param] of cases) {
      const refused = await call(postEvent(body, `req-refused-${code}`));
      expect([refused.status, refused.body.error]).toEqual([
        400,
        expect.objectContaining({
          type: 'invalid_request_error',
          code,
          category: 'terminal',
          param,
          request_id: `req-refused-${code}`,
          message: expect.any(String),
        }),
      ]);
      const date = (body as { date: string }).date;
      expect((await call(getEvent(date))).status).toBe(404);
    }
    expect(await drainQueue()).toHaveLength(0);
  });

  it('a queued or direct request for a day not ended is refused: no run recorded, no export written', async () => {
    const future = '9999-12-31';
    const body = JSON.stringify({
      date: future,
      run_id: 'run_by_hand',
      requested_by: 'op',
      request_id: 'req-by-hand',
      requested_at: new Date().toISOString(),
    });
    // The queued message fails its record, so SQS retries it and then dead-letters it.
    expect(await reconcile(sqsEvent([{ MessageId: 'm-future', Body: body }]), lambdaContext)).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm-future' }],
    });
    // npm run reconcile -- --date and a direct invoke reach the same handler.
    for (const date of [future, TODAY]) {
      await expect(reconcile({ date, trigger: 'cli' }, lambdaContext)).rejects.toMatchObject({
        name: 'InvalidRunDateError',
        code: 'date_not_ended',
        date,
      });
    }
    for (const date of [future, TODAY]) {
      const record = await emulators.clients.documentClient.send(
        new GetCommand({ TableName: emulators.env[ENV.operationsTable]!, Key: { pk: `RECON#${date}`, sk: 'RUN' } }),
      );
      expect(record.Item, date).toBeUndefined();
      const listed = await emulators.clients.s3.send(
        new ListObjectsV2Command({ Bucket: emulators.env[ENV.exportsBucket]!, Prefix: `exports/date=${date}/` }),
      );
      expect(listed.KeyCount ?? 0, date).toBe(0);
    }
  });

  it('leaves the queue as it found it', async () => {
    await emulators.clients.sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
    const { Attributes } = await emulators.clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    expect(Attributes?.ApproximateNumberOfMessages).toBe('0');
  });
});
