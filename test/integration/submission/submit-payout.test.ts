// submit-payout against DynamoDB Local + fauxqs + a real sandbox on a free port. Payouts are
// created through the real create-payout handler, their queue messages are received from fauxqs
// and handed to the real submit-payout handler, and failed records come back after a short
// visibility timeout — SQS's own retry, compressed — until maxReceiveCount moves them to the DLQ.
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxProvider, type SandboxProvider } from '../../../local/sandbox/sandbox-process.js';
import { startEmulators, type StartedEmulators } from '../../support/emulators.js';
import { ibanFor } from '../../support/sandbox-client.js';
import { VALID_BODY } from '../../unit/api/bad-inputs.js';
import { apiEvent, lambdaContext, ledgerSums, scanAll } from '../payouts/helpers.js';

/** The sandbox holds its `timeout_on_submit` answer past the adapter's submitTimeoutMs (5 s). */
const SANDBOX_HANG_MS = 8_000;
/** Our stand-in for the queue's visibility timeout, so a failed record comes back quickly. */
const TEST_VISIBILITY_SECONDS = 1;
const MAX_RECEIVE_COUNT = 5;

let emulators: StartedEmulators;
let sandbox: SandboxProvider;
let createPayout: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
let submitPayout: (event: SQSEvent, context: unknown) => Promise<SQSBatchResponse>;
let queueUrl: string;
let dlqUrl: string;
let sequence = 0;

beforeAll(async () => {
  [emulators, sandbox] = await Promise.all([
    startEmulators(),
    startSandboxProvider({ port: 0, stepSeconds: 3600, submitHangMs: SANDBOX_HANG_MS, plugins: false }),
  ]);
  Object.assign(process.env, emulators.env, {
    PAYOUT_AMOUNT_MAX_MINOR: '100000000',
    SANDBOX_PROVIDER_URL: sandbox.url,
  });
  ({ handler: createPayout } = (await import('../../../functions/handlers/create-payout.js')) as never);
  ({ handler: submitPayout } = (await import('../../../functions/handlers/submit-payout.js')) as never);
  queueUrl = process.env['SUBMISSION_QUEUE_URL']!;
  dlqUrl = process.env['SUBMISSION_DLQ_URL'] ?? emulators.names.queueUrls['SubmissionDlq']!;
});
afterAll(async () => {
  await Promise.allSettled([emulators?.stop(), sandbox?.stop()]);
});
afterEach(async () => {
  for (const sum of Object.values(await ledgerSums(emulators.clients.documentClient, process.env['LEDGER_TABLE']!)))
    expect(sum).toBe(0);
});

async function create(trigger: string): Promise<string> {
  const body = { ...VALID_BODY, destination: { ...VALID_BODY.destination, iban: ibanFor(trigger) } };
  const response = await createPayout(
    apiEvent({
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', 'idempotency-key': `submit-test-${process.pid}-${++sequence}` },
    }),
    lambdaContext,
  );
  expect(response.statusCode).toBe(201);
  return JSON.parse(response.body).payout_id as string;
}

const toRecord = (message: Message) => ({
  messageId: message.MessageId!,
  receiptHandle: message.ReceiptHandle!,
  body: message.Body!,
  attributes: { ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1' },
  messageAttributes: {},
  md5OfBody: message.MD5OfBody ?? '',
  eventSource: 'aws:sqs',
  eventSourceARN: emulators.names.queueArns['SubmissionQueue'] ?? 'arn:aws:sqs:us-east-1:000000000000:SubmissionQueue',
  awsRegion: 'us-east-1',
});

/** One poll as the Lambda event source mapping does it: receive, invoke, delete what succeeded. */
async function pump(): Promise<{ received: number; failed: number }> {
  const { Messages = [] } = await emulators.clients.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
      VisibilityTimeout: TEST_VISIBILITY_SECONDS,
      MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    }),
  );
  if (Messages.length === 0) return { received: 0, failed: 0 };
  const response = await submitPayout({ Records: Messages.map(toRecord) } as SQSEvent, {
    ...lambdaContext,
    functionName: 'submit-payout',
  });
  const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
  const done = Messages.filter((message) => !failed.has(message.MessageId!));
  if (done.length > 0)
    await emulators.clients.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  return { received: Messages.length, failed: failed.size };
}

const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

async function payout(payoutId: string): Promise<Record<string, any>> {
  const items = await scanAll(emulators.clients.documentClient, process.env['PAYOUTS_TABLE']!);
  return items.find((item) => item['entity'] === 'payout' && item['payoutId'] === payoutId)!;
}

async function timeline(payoutId: string): Promise<Record<string, any>[]> {
  const items = await scanAll(emulators.clients.documentClient, process.env['PAYOUTS_TABLE']!);
  return items.filter((item) => item['entity'] === 'timeline_entry' && item['payoutId'] === payoutId);
}

describe('submit-payout', () => {
  it('accepted: the payout gets the sandbox reference and fee, and the sandbox holds exactly one', async () => {
    const payoutId = await create('paid');
    expect(await pump()).toEqual({ received: 1, failed: 0 });
    const [atSandbox, ...others] = sandbox.listPayouts({ payoutId });
    expect(others).toHaveLength(0);
    expect(await payout(payoutId)).toMatchObject({
      status: 'accepted',
      providerReference: atSandbox!.id,
      feeMinor: atSandbox!.fee,
    });
    expect(atSandbox).toMatchObject({ idempotency_key: payoutId, amount: VALID_BODY.amount, currency: 'EUR' });
    expect((await timeline(payoutId)).filter((entry) => entry['event'] === 'provider_accepted')).toMatchObject([
      { outcome: 'applied', source: 'submitter' },
    ]);
  });

  it('rejected: the payout fails with the provider reason; nothing at the sandbox', async () => {
    const payoutId = await create('rejected');
    expect(await pump()).toEqual({ received: 1, failed: 0 });
    const failed = await payout(payoutId);
    expect(failed.status).toBe('failed');
    expect(failed.statusReason).toContain('invalid_account_number');
    expect(sandbox.listPayouts({ payoutId })).toHaveLength(0);
  });

  it('timeout on submit, then the queue retry: exactly one payout at the sandbox', async () => {
    const payoutId = await create('timeout_on_submit');
    const started = Date.now();
    expect(await pump()).toEqual({ received: 1, failed: 1 });
    expect(Date.now() - started).toBeLessThan(SANDBOX_HANG_MS);
    // The dangerous moment: the sandbox has the payout, we do not know it.
    expect((await payout(payoutId)).status).toBe('submitted');
    expect(sandbox.listPayouts({ payoutId })).toHaveLength(1);

    await sleep(TEST_VISIBILITY_SECONDS * 1000 + 200);
    expect(await pump()).toEqual({ received: 1, failed: 0 });
    const atSandbox = sandbox.listPayouts({ payoutId });
    expect(atSandbox).toHaveLength(1);
    expect(sandbox.attemptsFor(payoutId)).toBe(2);
    expect(await payout(payoutId)).toMatchObject({ status: 'accepted', providerReference: atSandbox[0]!.id });
  });

  it('503 once: retried in-process and accepted in one delivery', async () => {
    const payoutId = await create('flaky_on_submit');
    expect(await pump()).toEqual({ received: 1, failed: 0 });
    expect(sandbox.attemptsFor(payoutId)).toBe(2);
    expect((await payout(payoutId)).status).toBe('accepted');
  });

  it('500 after the sandbox recorded it: the retry gets that payout, one at the sandbox', async () => {
    const payoutId = await create('error_after_record');
    expect(await pump()).toEqual({ received: 1, failed: 0 });
    expect(sandbox.listPayouts({ payoutId })).toHaveLength(1);
    expect((await payout(payoutId)).status).toBe('accepted');
  });

  it(`503 every time: the record fails each delivery and lands in SubmissionDlq after ${MAX_RECEIVE_COUNT} receives`, async () => {
    const payoutId = await create('unavailable_on_submit');
    let deliveries = 0;
    for (let poll = 0; poll < MAX_RECEIVE_COUNT + 3; poll += 1) {
      const { received, failed } = await pump();
      expect(failed).toBe(received);
      deliveries += received;
      await sleep(TEST_VISIBILITY_SECONDS * 1000 + 200);
    }
    expect(deliveries).toBe(MAX_RECEIVE_COUNT);
    const { Messages = [] } = await emulators.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    expect(Messages.map((message) => JSON.parse(message.Body!).payoutId)).toContain(payoutId);
    expect((await payout(payoutId)).status).toBe('submitted');
    expect(sandbox.listPayouts({ payoutId })).toHaveLength(0);
  });

  it('duplicate messages, before and after acceptance: one payout at the sandbox, one applied transition', async () => {
    const payoutId = await create('paid');
    await emulators.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ payoutId }) }),
    );
    let processed = 0;
    for (let poll = 0; poll < 5 && processed < 2; poll += 1) processed += (await pump()).received;
    expect(processed).toBe(2);
    expect(sandbox.listPayouts({ payoutId })).toHaveLength(1);
    const attemptsAfterBoth = sandbox.attemptsFor(payoutId);
    expect(attemptsAfterBoth).toBeLessThanOrEqual(2);

    // Once accepted, a redelivered message is acknowledged without calling the provider.
    await emulators.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ payoutId }) }),
    );
    expect(await pump()).toEqual({ received: 1, failed: 0 });
    expect(sandbox.attemptsFor(payoutId)).toBe(attemptsAfterBoth);
    const applied = (await timeline(payoutId)).filter(
      (entry) => entry['event'] === 'provider_accepted' && entry['outcome'] === 'applied',
    );
    expect(applied).toHaveLength(1);
    expect((await payout(payoutId)).status).toBe('accepted');
  });

  it('a crash after the provider call (the transition write fails), then the retry: one payout at the sandbox, accepted', async () => {
    const payoutId = await create('paid');
    const { Messages = [] } = await emulators.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    const message = Messages.find((candidate) => JSON.parse(candidate.Body!).payoutId === payoutId)!;
    await emulators.clients.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
    const { PayoutsRepository } = await import('../../../functions/adapters/payouts-repository.js');
    const { providersFromEnv } = await import('../../../functions/adapters/providers/registry.js');
    const { createRecordHandler } = await import('../../../functions/handlers/submit-payout.js');
    const repository = new PayoutsRepository({
      client: emulators.clients.documentClient,
      payoutsTable: process.env['PAYOUTS_TABLE']!,
      ledgerTable: process.env['LEDGER_TABLE']!,
      auditTable: process.env['AUDIT_TABLE']!,
    });
    let crashes = 1;
    const faulty = {
      getPayoutForSubmission: (id: string) => repository.getPayoutForSubmission(id),
      claimForSubmission: (id: string, at: string) => repository.claimForSubmission(id, at),
      applyTransition: async (cmd: Parameters<typeof repository.applyTransition>[0]) => {
        if (crashes-- > 0) throw new Error('injected: the process died after the provider accepted');
        return repository.applyTransition(cmd);
      },
    };
    const handle = createRecordHandler(() => ({
      repository: faulty,
      providers: providersFromEnv(),
      nowIso: () => new Date().toISOString(),
    }));
    await expect(handle(toRecord(message) as never)).rejects.toThrow(/injected/);
    expect((await payout(payoutId)).status).toBe('submitted');
    expect(sandbox.listPayouts({ payoutId })).toHaveLength(1);
    await expect(handle(toRecord(message) as never)).resolves.toMatchObject({
      kind: 'accepted',
      replayed: true,
      transition: 'applied',
    });
    expect(sandbox.listPayouts({ payoutId })).toHaveLength(1);
    expect(await payout(payoutId)).toMatchObject({
      status: 'accepted',
      providerReference: sandbox.listPayouts({ payoutId })[0]!.id,
    });
  });

  it('a message for a payout that does not exist fails (and would reach the DLQ)', async () => {
    await emulators.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ payoutId: 'po_missing' }) }),
    );
    expect(await pump()).toEqual({ received: 1, failed: 1 });
    await sleep(TEST_VISIBILITY_SECONDS * 1000 + 200);
    // Drain it so later runs in this process start clean.
    const { Messages = [] } = await emulators.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length > 0)
      await emulators.clients.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
  });
});
