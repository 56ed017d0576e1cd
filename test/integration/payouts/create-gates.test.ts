import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { localKeyProvider } from '../../../functions/adapters/recipients/local-key-provider';
import { RecipientsRepository } from '../../../functions/adapters/recipients/recipients-repository';
import { RECIPIENT_SK, recipientPk } from '../../../functions/adapters/recipients/recipients-records';
import type { ScreeningSnapshot } from '../../../functions/domain/compliance/contract';
import { keyedRecipientId, type Recipient } from '../../../functions/domain/compliance/recipient-record';
import { TWIN_RECIPIENT_MASTER_KEY_BASE64 as TWIN_RECIPIENT_MASTER_KEY } from '../../../local/emulators/emulators';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { apiEvent, lambdaContext, scanAll } from './helpers';

// POST /payouts with its compliance gates (issue 15), through the handler against DynamoDB Local and
// fauxqs: a named recipient's record decides the payout's holds, or refuses it with nothing written.

// The launch matrix asks nothing of recipients yet; US ACH asking for a tax form exercises that gate.
vi.mock('../../../functions/adapters/corridors-config', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../functions/adapters/corridors-config')>();
  const { parseCorridorMatrix } = await import('../../../functions/domain/corridors');
  const matrix = original.corridorMatrix();
  const corridors = matrix.corridors.map((c) =>
    c.country === 'US' && c.method === 'ach' ? { ...c, requirements: { onboarding: [], tax_form: 'required' } } : c,
  );
  const withTaxForm = parseCorridorMatrix({ version: 1, corridors });
  return { ...original, corridorMatrix: () => withTaxForm };
});

let emulators: StartedEmulators;
let handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
let recipients: RecipientsRepository;
let tables: { payouts: string; recipients: string };
let queueUrl: string;

beforeAll(async () => {
  emulators = await startEmulators();
  // The twin's list (config/local.json sets the same): create screens first-paid inline recipients.
  Object.assign(process.env, emulators.env, {
    PAYOUT_AMOUNT_MAX_MINOR: '100000000',
    SCREENING_LIST_DIRECTORY: './fixtures/screening',
  });
  ({ handler } = (await import('../../../functions/handlers/create-payout')) as never);
  tables = { payouts: process.env['PAYOUTS_TABLE']!, recipients: process.env['RECIPIENTS_TABLE']! };
  queueUrl = process.env['SUBMISSION_QUEUE_URL']!;
  recipients = new RecipientsRepository(
    emulators.clients.documentClient,
    tables.recipients,
    localKeyProvider(Buffer.from(TWIN_RECIPIENT_MASTER_KEY, 'base64')),
  );
});
afterAll(async () => emulators?.stop());

const SEPA = { country: 'DE', method: 'sepa', iban: 'DE89370400440532013000' };
const ACH = { country: 'US', method: 'ach', account_number: '000123456789', routing_number: '110000000' };

/** A recipient record in RecipientsTable, with the screening snapshot the screening adapters would write. */
async function seed(
  key: string,
  options: { tenantId?: string; country?: string; onboarding?: Recipient['onboarding']; screening?: ScreeningSnapshot },
): Promise<string> {
  const tenantId = options.tenantId ?? 'acme';
  const recipientId = keyedRecipientId(tenantId, key);
  const country = options.country ?? 'DE';
  const now = new Date().toISOString();
  await recipients.create({
    tenantId,
    recipientId,
    kind: 'individual',
    name: 'Grace Hopper',
    country,
    contact: { email: 'grace@example.com' },
    destinations: [
      country === 'US'
        ? {
            country: 'US',
            method: 'ach',
            currency: 'USD',
            fields: { account_number: '000123456789', routing_number: '110000000' },
          }
        : { country: 'DE', method: 'sepa', currency: 'EUR', fields: { iban: SEPA.iban } },
    ],
    onboarding: options.onboarding ?? { state: 'verified', requirements: [] },
    origin: 'api',
    createdAt: now,
    updatedAt: now,
    version: 1,
  });
  if (options.screening !== undefined) {
    await emulators.clients.documentClient.send(
      new UpdateCommand({
        TableName: tables.recipients,
        Key: { pk: recipientPk(tenantId, recipientId), sk: RECIPIENT_SK },
        UpdateExpression: 'SET screening = :s, screeningVersion = :v',
        ExpressionAttributeValues: { ':s': options.screening, ':v': 1 },
      }),
    );
  }
  return recipientId;
}

const CLEAR: ScreeningSnapshot = { state: 'clear', listVersion: 'test', screenedAt: '2026-12-01T00:00:00.000Z' };

const post = (body: unknown, key: string, tenant = 'acme') =>
  handler(
    apiEvent({
      body: JSON.stringify(body),
      tenant,
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
    }),
    lambdaContext,
  );

const toRecipient = (recipientId: string, destination: object = SEPA, currency = 'EUR') => ({
  amount: 5_000,
  currency,
  destination,
  recipient_id: recipientId,
});

async function drainSubmissions(): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const { Messages = [] } = await emulators.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return ids;
    ids.push(...Messages.map((m) => JSON.parse(m.Body!).payoutId as string));
    await emulators.clients.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
}

const payoutCount = async () =>
  (await scanAll(emulators.clients.documentClient, tables.payouts)).filter((i) => i['entity'] === 'payout').length;

describe('POST /payouts naming a recipient_id (DynamoDB Local)', () => {
  it('a verified, screened-clear recipient: created, shown with its recipient_id and name, submitted', async () => {
    await drainSubmissions();
    const recipientId = await seed('clear', { screening: CLEAR });
    const response = await post(toRecipient(recipientId), 'gate-clear');
    expect(response.statusCode).toBe(201);
    const payout = JSON.parse(response.body);
    expect(payout).toMatchObject({
      status: 'submitted',
      recipient_id: recipientId,
      recipient: { name: 'Grace Hopper', email: 'grace@example.com' },
      holds: [],
    });
    expect(await drainSubmissions()).toEqual([payout.payout_id]);
  });

  it.each([
    ['an unscreened recipient', undefined, { kind: 'screening', owner: 'compliance', requirement: 'screening' }],
    [
      'a potential screening match',
      { state: 'potential_match', caseId: 'scr_1', score: 0.93, listVersion: 'v1' } as ScreeningSnapshot,
      { kind: 'screening', owner: 'compliance', requirement: 'screening_case:scr_1' },
    ],
  ])('%s: created but held, never sent to the submitter', async (name, screening, hold) => {
    await drainSubmissions();
    const recipientId = await seed(`held-${name}`, screening === undefined ? {} : { screening });
    const response = await post(toRecipient(recipientId), `gate-held-${screening?.state ?? 'unscreened'}`);
    expect(response.statusCode).toBe(201);
    const payout = JSON.parse(response.body);
    expect(payout.status).toBe('submitted');
    expect(payout.holds).toEqual([expect.objectContaining(hold)]);
    expect(await drainSubmissions()).toEqual([]);
  });

  it('a missing tax form where the corridor requires one: a tax_form hold owned by the tenant', async () => {
    await drainSubmissions();
    const recipientId = await seed('no-w9', { country: 'US', screening: CLEAR });
    const response = await post(toRecipient(recipientId, ACH, 'USD'), 'gate-no-w9');
    expect(response.statusCode).toBe(201);
    expect(JSON.parse(response.body).holds).toEqual([
      expect.objectContaining({ kind: 'tax_form', owner: 'tenant', requirement: 'tax_form:W-9' }),
    ]);
    expect(await drainSubmissions()).toEqual([]);
  });

  it.each([
    [
      'a rejected recipient',
      { onboarding: { state: 'rejected' as const, requirements: [] }, screening: CLEAR },
      422,
      'recipient_rejected',
    ],
    ['a blocked recipient', { screening: { state: 'confirmed_match' } as ScreeningSnapshot }, 422, 'recipient_blocked'],
    ['another tenant’s recipient', { tenantId: 'globex', screening: CLEAR }, 404, 'recipient_not_found'],
  ])('%s: %s %s, nothing written, nothing sent', async (name, options, status, code) => {
    await drainSubmissions();
    const recipientId = await seed(`refused-${name}`, options);
    const before = await payoutCount();
    const response = await post(toRecipient(recipientId), `gate-refused-${code}-${status}`);
    expect(response.statusCode).toBe(status);
    expect(JSON.parse(response.body).error).toMatchObject({ code, param: 'recipient_id' });
    expect(await payoutCount()).toBe(before);
    expect(await drainSubmissions()).toEqual([]);
  });

  it('an inline recipient: one record behind it, screened clear and verified, reused by a retry and a later payout', async () => {
    await drainSubmissions();
    const inline = { amount: 700, currency: 'EUR', destination: SEPA, recipient: { name: 'Katherine Johnson' } };
    const first = JSON.parse((await post(inline, 'inline-1')).body);
    expect(first).toMatchObject({ status: 'submitted', holds: [], recipient: { name: 'Katherine Johnson' } });
    expect(first.recipient_id).toMatch(/^rcp_[0-9a-f]{32}$/);
    const retried = JSON.parse((await post(inline, 'inline-1')).body);
    const later = JSON.parse((await post({ ...inline, amount: 800 }, 'inline-2')).body);
    expect([retried.payout_id, later.recipient_id]).toEqual([first.payout_id, first.recipient_id]);
    const records = (await scanAll(emulators.clients.documentClient, tables.recipients)).filter(
      (i) => i['recipientId'] === first.recipient_id && i['sk'] === RECIPIENT_SK,
    );
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      origin: 'inline',
      onboarding: { state: 'verified' },
      screening: { state: 'clear' },
    });
    expect(JSON.stringify(records[0])).not.toContain(SEPA.iban);
    expect((await drainSubmissions()).sort()).toEqual([first.payout_id, later.payout_id].sort());
  });

  // INR has no threshold in config/approval-policy.json, so every INR payout also awaits four eyes (fail closed):
  // the corridor gate is the difference between the two tenants.
  it.each([
    ['a tenant not enabled for it: an ops-owned corridor_enablement hold beside the approval', 'acme', true],
    ['a tenant config/tenant-enablements.json enables: the approval alone', 'drill-enabled', false],
  ])('a policy-gated corridor (IN/INR/imps), %s; nothing sent', async (_name, tenant, held) => {
    await drainSubmissions();
    const imps = { country: 'IN', method: 'imps', account_number: '123456789012', ifsc: 'HDFC0001234' };
    const body = { amount: 5_000, currency: 'INR', destination: imps, recipient: { name: 'Savitri Devi Rao' } };
    const response = await post(body, `gate-imps-${tenant}`, tenant);
    expect(response.statusCode).toBe(201);
    const payout = JSON.parse(response.body);
    const corridorHold = {
      kind: 'corridor_enablement',
      owner: 'ops',
      requirement: 'corridor_enablement:IN/INR/imps',
      evidence: { corridor: 'IN/INR/imps' },
    };
    expect(payout.holds).toEqual([
      expect.objectContaining({ kind: 'approval' }),
      ...(held ? [expect.objectContaining(corridorHold)] : []),
    ]);
    expect(await drainSubmissions()).toEqual([]);
  });

  it('an inline recipient on the list: created but held for compliance, with the case as evidence', async () => {
    await drainSubmissions();
    const hit = { amount: 700, currency: 'EUR', destination: SEPA, recipient: { name: 'Ivan Petrovich Zarkov' } };
    const response = await post(hit, 'inline-hit');
    expect(response.statusCode).toBe(201);
    const payout = JSON.parse(response.body);
    expect(payout.holds).toEqual([
      expect.objectContaining({
        kind: 'screening',
        owner: 'compliance',
        requirement: expect.stringMatching(/^screening_case:/),
      }),
    ]);
    expect(await drainSubmissions()).toEqual([]);
  });

  it('an unknown recipient id: 404, nothing written', async () => {
    const before = await payoutCount();
    const response = await post(toRecipient(`rcp_${'f'.repeat(32)}`), 'gate-unknown');
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body).error.code).toBe('recipient_not_found');
    expect(await payoutCount()).toBe(before);
  });
});
