import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { BAD_INPUTS, VALID_BODY, bodyString, eventBodyOf, headersFor } from '../../unit/api/bad-inputs';
import { apiEvent, countCalls, lambdaContext, ledgerSums, scanAll, type CallCounter } from './helpers';

let emulators: StartedEmulators;
let handler: (
  event: unknown,
  context: unknown,
) => Promise<{ statusCode: number; headers: Record<string, string>; body: string }>;
let dynamoCalls: CallCounter;
let sqsCalls: CallCounter;
let sqs: SQSClient;
let tables: { payouts: string; ledger: string; idempotency: string };
let queueUrl: string;

beforeAll(async () => {
  emulators = await startEmulators();
  // The twin's list (config/local.json sets the same): create screens first-paid inline recipients.
  Object.assign(process.env, emulators.env, {
    PAYOUT_AMOUNT_MAX_MINOR: '100000000',
    SCREENING_LIST_DIRECTORY: './fixtures/screening',
  });
  const clients = await import('../../../functions/adapters/aws-clients');
  dynamoCalls = countCalls(clients.dynamoClient());
  sqsCalls = countCalls(clients.sqsClient() as never);
  sqs = emulators.clients.sqs;
  ({ handler } = (await import('../../../functions/handlers/create-payout')) as never);
  tables = {
    payouts: process.env['PAYOUTS_TABLE']!,
    ledger: process.env['LEDGER_TABLE']!,
    idempotency: process.env['IDEMPOTENCY_TABLE']!,
  };
  queueUrl = process.env['SUBMISSION_QUEUE_URL']!;
});
afterAll(async () => emulators?.stop());
afterEach(async () => {
  for (const sum of Object.values(await ledgerSums(emulators.clients.documentClient, tables.ledger)))
    expect(sum).toBe(0);
});

const post = (body: unknown, options: { key?: string; tenant?: string; headers?: Record<string, string> } = {}) =>
  handler(
    apiEvent({
      body: bodyString(body),
      tenant: options.tenant,
      headers: options.headers ?? { 'content-type': 'application/json', 'idempotency-key': options.key ?? 'k' },
    }),
    lambdaContext,
  );

async function itemCounts(): Promise<number[]> {
  return Promise.all(
    [tables.payouts, tables.ledger, tables.idempotency].map(
      async (t) => (await scanAll(emulators.clients.documentClient, t)).length,
    ),
  );
}

/** Receives and deletes every visible message; returns their payout ids. */
async function drainSubmissions(): Promise<string[]> {
  const payoutIds: string[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return payoutIds;
    payoutIds.push(...Messages.map((m) => JSON.parse(m.Body!).payoutId as string));
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
}

async function payoutItemsFor(tenant: string, key: string) {
  const items = await scanAll(emulators.clients.documentClient, tables.payouts);
  return {
    payouts: items.filter((i) => i['entity'] === 'payout' && i['tenantId'] === tenant && i['idempotencyKey'] === key),
    locks: items.filter((i) => i['entity'] === 'key_lock' && i['pk'] === `IDEMKEY#${tenant}#${key}`),
  };
}

async function journalFor(payoutId: string) {
  return (await scanAll(emulators.clients.documentClient, tables.ledger)).filter(
    (i) => i['entity'] === 'journal_entry' && i['payoutId'] === payoutId,
  );
}

describe('POST /payouts on DynamoDB Local', () => {
  it.each(BAD_INPUTS)('bad input: $name → $status $code, Request-Id, zero writes', async (input) => {
    const before = await itemCounts();
    sqsCalls.reset();
    const response = await handler(
      { ...apiEvent({ headers: headersFor(input) }), ...eventBodyOf(input) },
      lambdaContext,
    );
    expect(response.statusCode).toBe(input.status);
    const error = JSON.parse(response.body).error;
    expect(error).toMatchObject({
      code: input.code,
      request_id: response.headers['request-id'],
      ...(input.param === undefined ? {} : { param: input.param }),
    });
    if (input.reason !== undefined) expect(error.reason).toBe(input.reason);
    if (input.fields !== undefined) expect(error.fields).toEqual(input.fields);
    expect(['retryable', 'terminal', 'human_action_required']).toContain(error.category);
    expect(response.headers['request-id']).toBeTruthy();
    expect(await itemCounts()).toEqual(before);
    expect(sqsCalls.calls).toEqual([]);
  });

  it('creates once, replays the same key with Idempotent-Replayed, within the call budget', async () => {
    await drainSubmissions();
    dynamoCalls.reset();
    const first = await post(VALID_BODY, { key: 'same-key-twice' });
    expect(first.statusCode).toBe(201);
    // Powertools' put and update, the transaction, the recipient's GetItem (and, paid for the first time in this
    // suite, its PutItem, written screened): handlers/create-payout.ts says the count, create-calls.test.ts each call.
    expect(dynamoCalls.calls.length).toBeLessThanOrEqual(5);
    const payout = JSON.parse(first.body);
    expect(payout).toMatchObject({
      status: 'submitted',
      amount: 12_500,
      currency: 'EUR',
      idempotency_key: 'same-key-twice',
      provider: 'sandbox',
    });
    expect(payout.destination.fields.iban).toBe('••••••••••••••••••3000');
    expect(first.body).not.toContain('DE89370400440532013000');
    dynamoCalls.reset();
    const second = await post(VALID_BODY, { key: 'same-key-twice' });
    expect(dynamoCalls.calls.length).toBeLessThanOrEqual(1);
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(JSON.parse(second.body)).toEqual(payout);
    expect(await drainSubmissions()).toEqual([payout.payout_id]);
    expect(await journalFor(payout.payout_id)).toHaveLength(1);
  });

  it('same key, different body → 422 idempotency_key_reused naming the fields', async () => {
    expect((await post(VALID_BODY, { key: 'reused-key' })).statusCode).toBe(201);
    const response = await post({ ...VALID_BODY, amount: 99, metadata: { invoice: 'INV-43' } }, { key: 'reused-key' });
    expect(response.statusCode).toBe(422);
    expect(JSON.parse(response.body).error).toMatchObject({
      type: 'idempotency_error',
      code: 'idempotency_key_reused',
      fields: ['amount', 'metadata.invoice'],
    });
    expect((await payoutItemsFor('acme', 'reused-key')).payouts).toHaveLength(1);
    await drainSubmissions();
  });

  it('a different body while the first request is in flight → 409, then 422 naming the fields once it completed', async () => {
    dynamoCalls.delayNext('TransactWriteItemsCommand', 1_500);
    const first = post(VALID_BODY, { key: 'inflight-key' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const during = await post({ ...VALID_BODY, currency: 'EUR', amount: 7 }, { key: 'inflight-key' });
    expect(during.statusCode).toBe(409);
    expect(during.headers['retry-after']).toBe('1');
    expect((await first).statusCode).toBe(201);
    const after = await post({ ...VALID_BODY, amount: 7 }, { key: 'inflight-key' });
    expect(after.statusCode).toBe(422);
    expect(JSON.parse(after.body).error.fields).toEqual(['amount']);
    await drainSubmissions();
  });

  it('50 concurrent requests with one key → one payout, one key lock, one journal entry, one submission', async () => {
    await drainSubmissions();
    const responses = await Promise.all(Array.from({ length: 50 }, () => post(VALID_BODY, { key: 'race-key' })));
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    for (const conflict of responses.filter((r) => r.statusCode === 409)) {
      expect(conflict.headers['retry-after']).toBe('1');
      expect(JSON.parse(conflict.body).error.code).toBe('idempotency_request_in_progress');
    }
    const created = responses.filter((r) => r.statusCode === 201).map((r) => JSON.parse(r.body).payout_id);
    expect(new Set(created).size).toBe(1);
    const { payouts, locks } = await payoutItemsFor('acme', 'race-key');
    expect(payouts).toHaveLength(1);
    expect(locks).toHaveLength(1);
    expect(await journalFor(String(payouts[0]!['payoutId']))).toHaveLength(1);
    expect(await drainSubmissions()).toEqual([payouts[0]!['payoutId']]);
  });

  it('a fault after the payout write and before the SQS send, then a retry → one payout, submission enqueued', async () => {
    await drainSubmissions();
    sqsCalls.failNext(
      'SendMessageCommand',
      Object.assign(new Error('injected: SQS unavailable'), { name: 'ServiceUnavailable' }),
    );
    const failed = await post(VALID_BODY, { key: 'crash-key' });
    // A known-transient AWS failure: 503 retryable with Retry-After (never a 500: the client would not know to retry).
    expect(failed.statusCode).toBe(503);
    expect(JSON.parse(failed.body).error).toMatchObject({ code: 'temporarily_unavailable', category: 'retryable' });
    expect(failed.headers['retry-after']).toBe('1');
    expect((await payoutItemsFor('acme', 'crash-key')).payouts).toHaveLength(1);
    expect(await drainSubmissions()).toEqual([]);
    const retry = await post(VALID_BODY, { key: 'crash-key' });
    expect(retry.statusCode).toBe(201);
    const { payouts } = await payoutItemsFor('acme', 'crash-key');
    expect(payouts).toHaveLength(1);
    expect(JSON.parse(retry.body).payout_id).toBe(payouts[0]!['payoutId']);
    expect(await drainSubmissions()).toEqual([payouts[0]!['payoutId']]);
    expect(await journalFor(String(payouts[0]!['payoutId']))).toHaveLength(1);
  });

  it('a deterministic failure inside the idempotent section is stored and replayed as a 500', async () => {
    dynamoCalls.failNext(
      'TransactWriteItemsCommand',
      Object.assign(new Error('injected: item too large'), { name: 'ValidationException' }),
    );
    const first = await post(VALID_BODY, { key: 'stored-500-key' });
    expect(first.statusCode).toBe(500);
    const replay = await post(VALID_BODY, { key: 'stored-500-key' });
    expect(replay.statusCode).toBe(500);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(JSON.parse(replay.body)).toEqual(JSON.parse(first.body));
    expect((await payoutItemsFor('acme', 'stored-500-key')).payouts).toHaveLength(0);
  });

  it('a key is scoped to its tenant: another tenant with the same key gets its own payout', async () => {
    const a = await post(VALID_BODY, { key: 'shared-key', tenant: 'acme' });
    const b = await post({ ...VALID_BODY, amount: 1 }, { key: 'shared-key', tenant: 'globex' });
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    expect(JSON.parse(a.body).payout_id).not.toBe(JSON.parse(b.body).payout_id);
    await drainSubmissions();
  });
});
