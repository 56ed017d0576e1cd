// The batches integration suites' harness: the batches-api and process-batch handlers in process
// against DynamoDB Local + fauxqs, a counting DynamoDB client, and the queues drained by hand so a
// test decides when a chunk is delivered (and can deliver it twice).
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { apiEvent, countCalls, lambdaContext, scanAll, type CallCounter } from '../payouts/helpers';

export interface BatchesHarness {
  emulators: StartedEmulators;
  dynamoCalls: CallCounter;
  api(options: ApiCall): Promise<{ statusCode: number; headers: Record<string, string>; body: any }>;
  /** Receives and deletes every visible message of a queue. */
  drain(queue: 'batch' | 'submission'): Promise<Message[]>;
  /** Hands fan-out messages to process-batch as one SQS event; returns its batchItemFailures. */
  deliver(messages: readonly Message[], context?: Partial<typeof lambdaContext>): Promise<unknown[]>;
  entities(entity: string): Promise<Record<string, unknown>[]>;
  tables: { payouts: string; ledger: string };
}

export interface ApiCall {
  method: 'GET' | 'POST';
  path: string;
  routePath: string;
  body?: unknown;
  tenant?: string;
  role?: string;
  scopes?: string[];
  query?: Record<string, string>;
  clientId?: string;
}

export async function startBatchesHarness(): Promise<BatchesHarness> {
  const emulators = await startEmulators();
  Object.assign(process.env, emulators.env, { PAYOUT_AMOUNT_MAX_MINOR: '100000000' });
  const clients = await import('../../../functions/adapters/aws-clients');
  const dynamoCalls = countCalls(clients.dynamoClient());
  const { handler: api } = (await import('../../../functions/handlers/batches-api')) as any;
  const { handler: processBatch } = (await import('../../../functions/handlers/process-batch')) as any;
  const sqs = emulators.clients.sqs;
  const urls = { batch: process.env['BATCH_QUEUE_URL']!, submission: process.env['SUBMISSION_QUEUE_URL']! };
  const tables = { payouts: process.env['PAYOUTS_TABLE']!, ledger: process.env['LEDGER_TABLE']! };
  return {
    emulators,
    dynamoCalls,
    tables,
    async api(call) {
      const event = apiEvent({
        method: call.method,
        path: call.path,
        ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
        headers: { 'content-type': 'application/json' },
        tenant: call.tenant,
        role: call.role,
        scopes: call.scopes ?? ['batches:write', 'payouts:read'],
        ...(call.query === undefined ? {} : { query: call.query }),
      });
      event.routeKey = `${call.method} ${call.routePath}`;
      const batchId = /^\/batches\/(bat_[^/]+)/.exec(call.path)?.[1] ?? call.path.split('/')[2];
      if (call.routePath.includes('{batchId}')) event.pathParameters = { batchId };
      if (call.clientId !== undefined) {
        event.requestContext.authorizer.jwt.claims.client_id = call.clientId;
        event.requestContext.authorizer.jwt.claims.sub = call.clientId;
      }
      const response = await api(event, lambdaContext);
      return { ...response, body: JSON.parse(response.body) };
    },
    async drain(queue) {
      const all: Message[] = [];
      for (;;) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: urls[queue], MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
        );
        if (Messages.length === 0) return all;
        all.push(...Messages);
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: urls[queue],
            Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
          }),
        );
      }
    },
    async deliver(messages, context = {}) {
      const records = messages.map((m) => ({
        messageId: m.MessageId!,
        receiptHandle: m.ReceiptHandle!,
        body: m.Body!,
        attributes: { ApproximateReceiveCount: '1' },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:local:000000000000:BatchQueue',
        awsRegion: 'local',
      }));
      const result = await processBatch(
        { Records: records },
        { ...lambdaContext, functionName: 'process-batch', ...context },
      );
      return result.batchItemFailures;
    },
    async entities(entity) {
      return (await scanAll(emulators.clients.documentClient, tables.payouts)).filter((i) => i['entity'] === entity);
    },
  };
}

let counter = 0;
/** A valid item; `overrides` replace its fields. */
export function item(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  return {
    sender_item_id: `item-${String(counter).padStart(5, '0')}`,
    amount: 12_500,
    currency: 'EUR',
    destination: { country: 'DE', method: 'sepa', iban: 'DE89370400440532013000' },
    recipient: { name: 'Ada Lovelace' },
    ...overrides,
  };
}

export const postBatch = (harness: BatchesHarness, body: unknown, options: Partial<ApiCall> = {}) =>
  harness.api({ method: 'POST', path: '/batches', routePath: '/batches', body, ...options });
