// The SQS event source mapping emulation against fauxqs: partial batch failures, thrown batches,
// and a poison message moved to the DLQ by the queue's redrive policy (maxReceiveCount 2 and a 2 s
// visibility timeout in the fixture template).
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClients } from '../../local/emulators/emulators.js';
import { startFauxqsEmulator, type FauxqsEmulator } from '../../local/emulators/fauxqs.js';
import { functionEnvironment } from '../../local/template/environment.js';
import { LambdaRuntime } from '../../local/aws/lambda-runtime.js';
import * as names from '../../local/template/names.js';
import { createQueues } from '../../local/aws/resources.js';
import { recordsToDelete, SqsPoller } from '../../local/aws/sqs-poller.js';
import { loadTemplate } from '../../local/template/template.js';
import { FIXTURE_CDK_OUT_DIR, fixtureModel } from '../support/fixture-model.js';

const model = fixtureModel();
const mapping = model.eventSourceMappings[0]!;
let fauxqs: FauxqsEmulator;
let sqs: SQSClient;
let runtime: LambdaRuntime;
let queueUrl: string;
let dlqUrl: string;

async function approximateCount(url: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

async function until(condition: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolveLater) => setTimeout(resolveLater, 100));
  }
}

function poller(invoke: (event: SQSEvent) => Promise<unknown>): SqsPoller {
  return new SqsPoller({ sqs, queueUrl, queueArn: names.queueArn('SubmissionQueue'), mapping, invoke });
}

beforeAll(async () => {
  fauxqs = await startFauxqsEmulator();
  sqs = awsClients('http://127.0.0.1:1', fauxqs.endpointUrl).sqs;
  await createQueues(sqs, model, fauxqs.endpointUrl);
  queueUrl = names.queueUrl(fauxqs.endpointUrl, 'SubmissionQueue');
  dlqUrl = names.queueUrl(fauxqs.endpointUrl, 'SubmissionDlq');
  const { template } = loadTemplate(FIXTURE_CDK_OUT_DIR);
  const consumer = model.functions.find((fn) => fn.shortName === 'consumer')!;
  const context = {
    template,
    stackName: 'FixtureStack',
    sqsEndpointUrl: fauxqs.endpointUrl,
    apiUrl: 'http://127.0.0.1:0',
    issuerUrl: 'http://127.0.0.1:0/.twin/issuer',
  };
  runtime = new LambdaRuntime([{ spec: consumer, environment: functionEnvironment(consumer, context, {}) }]);
});

afterAll(async () => {
  await runtime?.stop();
  sqs?.destroy();
  await fauxqs?.stop();
});

describe('SQS event source mapping', () => {
  it('reads BatchSize, the batching window and ReportBatchItemFailures from the template', () => {
    expect(mapping).toMatchObject({
      queueLogicalId: 'SubmissionQueue',
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      reportBatchItemFailures: true,
    });
  });

  it('gathers a batch within the batching window and invokes with a Lambda-shaped SQS event', async () => {
    for (const body of ['ok-1', 'ok-2', 'ok-3'])
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: body,
          MessageAttributes: { kind: { DataType: 'String', StringValue: 'test' } },
        }),
      );
    const events: SQSEvent[] = [];
    const running = poller(async (event) => {
      events.push(event);
      return runtime.invoke('consumer', event);
    });
    running.start();
    await until(() => running.stats.deleted >= 3, 15_000);
    await running.stop();
    expect(events.flatMap((event) => event.Records.map((record) => record.body)).sort()).toEqual([
      'ok-1',
      'ok-2',
      'ok-3',
    ]);
    expect(events.length).toBeLessThanOrEqual(2); // the window joins messages a receive splits
    const record = events[0]!.Records[0]!;
    expect(record).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: names.queueArn('SubmissionQueue'),
      awsRegion: 'us-east-1',
      messageAttributes: { kind: { stringValue: 'test', dataType: 'String' } },
    });
    expect(record.attributes.ApproximateReceiveCount).toBe('1');
    expect(await approximateCount(queueUrl)).toBe(0);
  });

  it('deletes only the records not listed in batchItemFailures; the failed ones come back', async () => {
    for (const body of ['ok-1', 'fail-2', 'ok-3', 'fail-4'])
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    const received: Message[] = [];
    while (received.length < 4) {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      received.push(...(Messages ?? []));
    }
    const deleted = await poller((event) => runtime.invoke('consumer', event)).processBatch(received);
    expect(deleted.map((record) => record.body).sort()).toEqual(['ok-1', 'ok-3']);

    // After the 2 s visibility timeout only the reported failures are back on the queue.
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 5,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    expect(Messages?.map((message) => message.Body).sort()).toEqual(['fail-2', 'fail-4']);
    expect(Messages?.every((message) => message.Attributes?.ApproximateReceiveCount === '2')).toBe(true);
  });

  it('moves a poison message to the DLQ after maxReceiveCount failed batches', async () => {
    await until(async () => (await approximateCount(queueUrl)) === 2, 10_000); // the two failures from above
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'throw please' }));
    const running = poller((event) => runtime.invoke('consumer', event));
    running.start();
    // Each batch with the poison message throws: nothing is deleted, and on the third receive fauxqs
    // moves every message past maxReceiveCount (2) to the DLQ — the poison one and the two failures.
    await until(async () => (await approximateCount(dlqUrl)) === 3, 30_000);
    await running.stop();
    expect(running.stats.failedBatches).toBeGreaterThanOrEqual(1);
    expect(await approximateCount(queueUrl)).toBe(0);
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10 }));
    expect(Messages?.map((message) => message.Body)).toContain('throw please');
  });
});

describe('recordsToDelete', () => {
  const records = ['a', 'b', 'c'].map((messageId) => ({ messageId }) as SQSEvent['Records'][number]);
  it.each([
    ['null result: all succeeded', null, ['a', 'b', 'c']],
    ['empty failures', { batchItemFailures: [] }, ['a', 'b', 'c']],
    ['one failure', { batchItemFailures: [{ itemIdentifier: 'b' }] }, ['a', 'c']],
    ['unknown identifier: whole batch failed', { batchItemFailures: [{ itemIdentifier: 'zzz' }] }, []],
    ['empty identifier: whole batch failed', { batchItemFailures: [{ itemIdentifier: '' }] }, []],
    ['not a list: whole batch failed', { batchItemFailures: 'b' }, []],
  ])('%s', (_name, result, expected) => {
    expect(recordsToDelete(records, result, true).map((record) => record.messageId)).toEqual(expected);
  });

  it('deletes everything on success when ReportBatchItemFailures is off', () => {
    expect(recordsToDelete(records, { batchItemFailures: [{ itemIdentifier: 'b' }] }, false)).toHaveLength(3);
  });
});
