// Every fixture in events/ through its real handler, in-process, against DynamoDB Local + fauxqs
// (one start for the file) and a sandbox provider on a free port: each valid event succeeds, each
// invalid sibling fails the documented way and leaves every table and queue as it was.
//
// The fixtures share one payout id (po_01KEVENTSF1XTVRE00000000A1), so they run as a story in file
// order: seed that payout → submit it (sqs) → read it (apigw) → the sandbox says paid (webhook
// body, signed now) → process the queued event (sqs) → sweep and reconcile (schedule).
import { GetQueueAttributesCommand, PurgeQueueCommand } from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_WEBHOOK_SECRETS_FILE, signedWebhookEvent } from '../../bin/sign-webhook';
import { startSandboxProvider, type SandboxProvider } from '../../local/sandbox/sandbox-process.js';
import { startEmulators, type StartedEmulators } from '../support/emulators';
import { lambdaContext, ledgerSums, samplePayout, scanAll } from './payouts/helpers';

const EVENTS_DIR = resolve(import.meta.dirname, '../../events');
const FIXTURE_PAYOUT_ID = 'po_01KEVENTSF1XTVRE00000000A1';
const TABLE_ENVS = ['PAYOUTS_TABLE', 'LEDGER_TABLE', 'IDEMPOTENCY_TABLE', 'INBOX_TABLE', 'OPERATIONS_TABLE'] as const;
const QUEUE_ENVS = [
  'SUBMISSION_QUEUE_URL',
  'SUBMISSION_DLQ_URL',
  'WEBHOOK_QUEUE_URL',
  'WEBHOOK_DLQ_URL',
  'RECONCILIATION_QUEUE_URL',
] as const;

type Handler = (event: unknown, context: unknown) => Promise<any>;
interface HttpAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

let emulators: StartedEmulators;
let sandbox: SandboxProvider;
const handlers = new Map<string, Handler>();
/** Fixtures this file ran; the last test checks that none in events/ was left out. */
const exercised = new Set<string>();

function fixture(path: string): any {
  exercised.add(path);
  return JSON.parse(readFileSync(join(EVENTS_DIR, path), 'utf8'));
}

async function invoke(functionName: string, event: unknown): Promise<any> {
  let handler = handlers.get(functionName);
  if (handler === undefined) {
    handler = ((await import(`../../functions/handlers/${functionName}.ts`)) as { handler: Handler }).handler;
    handlers.set(functionName, handler);
  }
  return handler(event, { ...lambdaContext, functionName });
}

async function http(functionName: string, path: string): Promise<HttpAnswer & { json: any }> {
  const answer = (await invoke(functionName, fixture(path))) as HttpAnswer;
  const isJson = (answer.headers['content-type'] ?? '').startsWith('application/json');
  return { ...answer, json: isJson ? JSON.parse(answer.body) : undefined };
}

/** Item count of every table and depth of every queue: what an invalid event must not change. */
async function snapshot(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const name of TABLE_ENVS)
    counts[name] = (await scanAll(emulators.clients.documentClient, process.env[name]!)).length;
  for (const name of QUEUE_ENVS) {
    const { Attributes = {} } = await emulators.clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: process.env[name]!,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    counts[name] =
      Number(Attributes.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0);
  }
  return counts;
}

/** Runs an invalid fixture and asserts that no table or queue changed. */
async function withoutStateChange<T>(run: () => Promise<T>): Promise<T> {
  const before = await snapshot();
  const result = await run();
  expect(await snapshot()).toEqual(before);
  return result;
}

async function payoutItem(): Promise<Record<string, any> | undefined> {
  return (await scanAll(emulators.clients.documentClient, process.env['PAYOUTS_TABLE']!)).find(
    (item) => item['entity'] === 'payout' && item['payoutId'] === FIXTURE_PAYOUT_ID,
  );
}

/** The sandbox fixture body with the reference the sandbox really gave the fixture payout. */
async function withPayoutReference(body: { data: Record<string, unknown> }) {
  const reference = (await payoutItem())?.['providerReference'];
  expect(reference).toMatch(/^sbx_po_/);
  return { ...body, data: { ...body.data, provider_reference: reference } };
}

function expectError(answer: HttpAnswer & { json: any }, status: number, code: string): void {
  expect(answer.statusCode).toBe(status);
  expect(answer.json.error).toMatchObject({ code, request_id: answer.headers['request-id'] });
}

beforeAll(async () => {
  // Sandbox: clock steps of an hour, so the fixture payout stays `accepted` until the webhook says paid;
  // plugins on for the settlement report (no webhookUrl: it sends no webhooks of its own).
  [emulators, sandbox] = await Promise.all([startEmulators(), startSandboxProvider({ port: 0, stepSeconds: 3600 })]);
  Object.assign(process.env, emulators.env, {
    SANDBOX_PROVIDER_URL: sandbox.url,
    // The twin's secrets file: the same secrets bin/sign-webhook.ts signs with.
    WEBHOOK_SECRETS_FILE: LOCAL_WEBHOOK_SECRETS_FILE,
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
});
afterAll(async () => {
  await Promise.allSettled([emulators?.stop(), sandbox?.stop()]);
});

describe('apigw fixtures without stored state', () => {
  it('get-corridors: 200 with the matrix; invalid (no tenant_id claim) → 403 tenant_missing', async () => {
    const ok = await http('get-corridors', 'apigw/get-corridors.json');
    expect(ok.statusCode).toBe(200);
    expect(ok.json.data.length).toBeGreaterThan(0);
    expectError(
      await withoutStateChange(() => http('get-corridors', 'apigw/get-corridors.invalid.json')),
      403,
      'tenant_missing',
    );
  });

  it('get-openapi: 200 with the document (no invalid sibling: it reads no input)', async () => {
    const ok = await http('get-openapi', 'apigw/get-openapi.json');
    expect(ok.statusCode).toBe(200);
    expect(ok.json.openapi).toMatch(/^3\./);
  });

  it('ops-console: 200 with the page (no invalid sibling: it reads no input)', async () => {
    const ok = await http('ops-console', 'apigw/ops-console.json');
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-type']).toContain('text/html');
    expect(ok.headers['request-id']).toBe('req-events-ops-console');
  });

  it('create-payout: 201 submitted and one submission message; invalid (float amount) → 400 amount_not_integer, nothing written or queued', async () => {
    const before = await snapshot();
    const created = await http('create-payout', 'apigw/create-payout.json');
    expect(created.statusCode).toBe(201);
    expect(created.json).toMatchObject({
      status: 'submitted',
      amount: 12_500,
      currency: 'EUR',
      idempotency_key: 'events-create-payout-0001',
    });
    expect((await snapshot())['SUBMISSION_QUEUE_URL']).toBe(before['SUBMISSION_QUEUE_URL']! + 1);
    const replayed = await http('create-payout', 'apigw/create-payout.json');
    expect(replayed.statusCode).toBe(201);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.json).toEqual(created.json);
    const invalid = await withoutStateChange(() => http('create-payout', 'apigw/create-payout.invalid.json'));
    expectError(invalid, 400, 'amount_not_integer');
    expect(invalid.json.error.param).toBe('amount');
    // This test does not submit the payout it created: the queue is the submit-payout fixture's to use.
    await emulators.clients.sqs.send(new PurgeQueueCommand({ QueueUrl: process.env['SUBMISSION_QUEUE_URL']! }));
  });

  it('query-payouts: 200 with the list; invalid (limit=0) → 400 limit_invalid', async () => {
    const ok = await http('query-payouts', 'apigw/query-payouts.json');
    expect(ok.statusCode).toBe(200);
    expect(ok.json.data.map((payout: { idempotency_key: string }) => payout.idempotency_key)).toContain(
      'events-create-payout-0001',
    );
    expectError(
      await withoutStateChange(() => http('query-payouts', 'apigw/query-payouts.invalid.json')),
      400,
      'limit_invalid',
    );
  });

  it('get-ledger-balances: 200 summing to 0; invalid (lower-case currency) → 400 currency_unsupported', async () => {
    const ok = await http('get-ledger-balances', 'apigw/get-ledger-balances.json');
    expect(ok.statusCode).toBe(200);
    expect(ok.json).toMatchObject({ currency: 'EUR', sum: 0 });
    expectError(
      await withoutStateChange(() => http('get-ledger-balances', 'apigw/get-ledger-balances.invalid.json')),
      400,
      'currency_unsupported',
    );
  });

  it('ops-exceptions: 200 list; invalid (resolve with an empty note) → 400 note_required', async () => {
    const ok = await http('ops-exceptions', 'apigw/ops-exceptions.json');
    expect(ok.statusCode).toBe(200);
    expect(Array.isArray(ok.json.data)).toBe(true);
    expectError(
      await withoutStateChange(() => http('ops-exceptions', 'apigw/ops-exceptions.invalid.json')),
      400,
      'note_required',
    );
  });

  it('ops-redrive: 200 queue depths; invalid (redrive with ops:read only) → 403 insufficient_scope, nothing moved or audited', async () => {
    const ok = await http('ops-redrive', 'apigw/ops-redrive.json');
    expect(ok.statusCode).toBe(200);
    // A work queue and its DLQ per pair: webhook, submission, reconciliation and batch (issue 13's fan-out).
    expect(ok.json.data).toHaveLength(8);
    expectError(
      await withoutStateChange(() => http('ops-redrive', 'apigw/ops-redrive.invalid.json')),
      403,
      'insufficient_scope',
    );
  });

  it('reconciliations-api: 200 latest (none yet); invalid (POST date 2026-02-30) → 400 parameter_invalid, no run recorded', async () => {
    const ok = await http('reconciliations-api', 'apigw/reconciliations-api.json');
    expect(ok.statusCode).toBe(200);
    expect(ok.json).toEqual({ reconciliation: null, last_success: null });
    const invalid = await withoutStateChange(() =>
      http('reconciliations-api', 'apigw/reconciliations-api.invalid.json'),
    );
    expectError(invalid, 400, 'parameter_invalid');
    expect(invalid.json.error.param).toBe('date');
  });
});

describe('the fixture payout, source by source', () => {
  it('sqs/submit-payout before the payout exists: its record is a batch item failure (SQS retries, then dead-letters)', async () => {
    const event = fixture('sqs/submit-payout.json');
    const response = await withoutStateChange(() => invoke('submit-payout', event));
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0].messageId }] });
    expect(sandbox.listPayouts({ payoutId: FIXTURE_PAYOUT_ID })).toHaveLength(0);
  });

  it('seeds payout po_01KEVENTSF1XTVRE00000000A1 (submitted, DE IBAN of the sandbox `paid` trigger)', async () => {
    const { PayoutsRepository } = await import('../../functions/adapters/payouts-repository');
    const repository = new PayoutsRepository({
      client: emulators.clients.documentClient,
      payoutsTable: process.env['PAYOUTS_TABLE']!,
      ledgerTable: process.env['LEDGER_TABLE']!,
      auditTable: process.env['AUDIT_TABLE']!,
    });
    const seeded = samplePayout({ payoutId: FIXTURE_PAYOUT_ID, idempotencyKey: 'events-fixture-payout' });
    expect((await repository.createPayout(seeded)).kind).toBe('created');
  });

  it('sqs/submit-payout: no batch item failures, the sandbox holds it, payout accepted', async () => {
    const response = await invoke('submit-payout', fixture('sqs/submit-payout.json'));
    expect(response).toEqual({ batchItemFailures: [] });
    expect(sandbox.listPayouts({ payoutId: FIXTURE_PAYOUT_ID })).toHaveLength(1);
    expect(await payoutItem()).toMatchObject({
      status: 'accepted',
      providerReference: expect.stringMatching(/^sbx_po_/),
    });
  });

  it('sqs/submit-payout.invalid (not a {"payoutId"} message): its record is a batch item failure, no provider call, nothing changed', async () => {
    const event = fixture('sqs/submit-payout.invalid.json');
    const sandboxBefore = sandbox.listPayouts().length;
    const response = await withoutStateChange(() => invoke('submit-payout', event));
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0].messageId }] });
    expect(sandbox.listPayouts()).toHaveLength(sandboxBefore);
    expect(await payoutItem()).toMatchObject({ status: 'accepted' });
  });

  it('apigw/query-payout: 200 for its tenant; invalid (another tenant asks) → 404 resource_not_found', async () => {
    const ok = await http('query-payouts', 'apigw/query-payout.json');
    expect(ok.statusCode).toBe(200);
    expect(ok.json).toMatchObject({ payout_id: FIXTURE_PAYOUT_ID, status: 'accepted' });
    expectError(
      await withoutStateChange(() => http('query-payouts', 'apigw/query-payout.invalid.json')),
      404,
      'resource_not_found',
    );
  });

  it('webhooks/sandbox-payout-paid signed now (Standard Webhooks) → intake 202, stored and queued once', async () => {
    const before = await snapshot();
    // The sandbox gave the payout a random reference when it accepted it; the event must carry that
    // one, or event ownership refuses it (a reference that is not the payout's is someone else's event).
    const event = signedWebhookEvent(
      'sandbox',
      await withPayoutReference(fixture('webhooks/sandbox-payout-paid.json')),
    );
    const answer = (await invoke('intake-webhook', event)) as HttpAnswer;
    expect(answer.statusCode).toBe(202);
    expect(JSON.parse(answer.body)).toEqual({
      received: true,
      event_id: 'evt_sbx_fixture_paid_0001',
      duplicate: false,
    });
    const after = await snapshot();
    expect(after['INBOX_TABLE']).toBe(before['INBOX_TABLE']! + 1);
    expect(after['WEBHOOK_QUEUE_URL']).toBe(before['WEBHOOK_QUEUE_URL']! + 1);
    // The provider's retry of the same event (re-signed): answered, never stored or queued twice.
    const again = await withPayoutReference(fixture('webhooks/sandbox-payout-paid.json'));
    const retried = (await withoutStateChange(() =>
      invoke('intake-webhook', signedWebhookEvent('sandbox', again)),
    )) as HttpAnswer;
    expect(retried.statusCode).toBe(200);
    expect(JSON.parse(retried.body)).toMatchObject({ event_id: 'evt_sbx_fixture_paid_0001', duplicate: true });
    // sqs/process-webhook.json is that queued message as Lambda receives it; the copy on the queue is not needed.
    await emulators.clients.sqs.send(new PurgeQueueCommand({ QueueUrl: process.env['WEBHOOK_QUEUE_URL']! }));
  });

  it('webhooks/sandbox-payout-paid.invalid signed now (no type) → intake 400 invalid_json, nothing stored', async () => {
    const event = signedWebhookEvent('sandbox', fixture('webhooks/sandbox-payout-paid.invalid.json'));
    const answer = (await withoutStateChange(() => invoke('intake-webhook', event))) as HttpAnswer;
    expect(answer.statusCode).toBe(400);
    expect(JSON.parse(answer.body).error.code).toBe('invalid_json');
  });

  it('apigw/intake-webhook.invalid (a delivery signed a year ago) → 401 signature_invalid, nothing stored', async () => {
    expectError(
      await withoutStateChange(() => http('intake-webhook', 'apigw/intake-webhook.invalid.json')),
      401,
      'signature_invalid',
    );
  });

  it('sqs/process-webhook: no batch item failures, payout paid', async () => {
    const response = await invoke('process-webhook', fixture('sqs/process-webhook.json'));
    expect(response).toEqual({ batchItemFailures: [] });
    expect(await payoutItem()).toMatchObject({ status: 'paid' });
    for (const sum of Object.values(await ledgerSums(emulators.clients.documentClient, process.env['LEDGER_TABLE']!)))
      expect(sum).toBe(0);
  });

  it('sqs/process-webhook.invalid (names no inbox event): its record is a batch item failure, nothing changed', async () => {
    const event = fixture('sqs/process-webhook.invalid.json');
    const response = await withoutStateChange(() => invoke('process-webhook', event));
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0].messageId }] });
  });

  it('webhooks/stripe-payout-paid signed now (stripe.webhooks.generateTestHeaderString) → intake 202; invalid (no event id) → 400 invalid_json', async () => {
    const answer = (await invoke(
      'intake-webhook',
      signedWebhookEvent('stripe', fixture('webhooks/stripe-payout-paid.json')),
    )) as HttpAnswer;
    expect(answer.statusCode).toBe(202);
    expect(JSON.parse(answer.body)).toMatchObject({ received: true, event_id: 'evt_1FixturePayoutPaid0001' });
    await emulators.clients.sqs.send(new PurgeQueueCommand({ QueueUrl: process.env['WEBHOOK_QUEUE_URL']! }));
    const invalid = (await withoutStateChange(() =>
      invoke('intake-webhook', signedWebhookEvent('stripe', fixture('webhooks/stripe-payout-paid.invalid.json'))),
    )) as HttpAnswer;
    expect(invalid.statusCode).toBe(400);
    expect(JSON.parse(invalid.body).error.code).toBe('invalid_json');
  });
});

describe('schedule fixtures', () => {
  it('schedule/sweep ({} as the scheduler sends it): a report, no errors', async () => {
    const report = await invoke('sweep', fixture('schedule/sweep.json'));
    expect(report).toMatchObject({ errors: 0 });
  });

  it('schedule/reconcile ({}: yesterday in RECONCILE_TIMEZONE): a succeeded run', async () => {
    const run = await invoke('reconcile', fixture('schedule/reconcile.json'));
    expect(run).toMatchObject({
      state: 'succeeded',
      trigger: 'schedule',
      date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
  });

  // A given but malformed date is refused (InvalidRunDateError), never replaced by yesterday.
  it('schedule/reconcile.invalid (date 2026-02-30) is refused and records no run', async () => {
    const event = fixture('schedule/reconcile.invalid.json');
    await withoutStateChange(async () => {
      // Thrown, so the invocation fails: the scheduler retries, then dead-letters it (and the alarm fires).
      await expect(invoke('reconcile', event)).rejects.toMatchObject({
        name: 'InvalidRunDateError',
        date: '2026-02-30',
      });
    });
  });
});

describe('cognito fixtures', () => {
  it('cognito/pre-token: a mapped app client gets its tenant and principal in the access token; invalid (unmapped client) keeps no platform scope', async () => {
    await emulators.clients.documentClient.send(
      new PutCommand({
        TableName: process.env['OPERATIONS_TABLE']!,
        Item: {
          pk: 'TENANT_CLIENT#fixture-client-acme',
          sk: 'TENANT_CLIENT',
          tenantId: 'acme',
          role: 'backend',
          status: 'active',
          clientId: 'fixture-client-acme',
        },
      }),
    );
    const mapped = await invoke('cognito-pre-token', fixture('cognito/pre-token.json'));
    expect(mapped.response.claimsAndScopeOverrideDetails).toEqual({
      accessTokenGeneration: {
        claimsToAddOrOverride: { tenant_id: 'acme', principal_type: 'tenant', principal_role: 'backend' },
      },
    });
    // Fail closed: no claim, and every platform scope it asked for suppressed, so no route opens.
    const unmapped = await withoutStateChange(() =>
      invoke('cognito-pre-token', fixture('cognito/pre-token.invalid.json')),
    );
    expect(unmapped.response.claimsAndScopeOverrideDetails).toEqual({
      accessTokenGeneration: { scopesToSuppress: ['payout-platform/payouts:write', 'payout-platform/payouts:read'] },
    });
  });
});

describe('coverage', () => {
  it('every fixture in events/ was run above', () => {
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory()
          ? walk(join(dir, entry.name))
          : entry.name.endsWith('.json')
            ? [relative(EVENTS_DIR, join(dir, entry.name))]
            : [],
      );
    expect(walk(EVENTS_DIR).filter((file) => !exercised.has(file))).toEqual([]);
  });
});
