import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulidx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paidPayoutsOf } from '../../../functions/adapters/compliance/paid-payouts';
import { payoutItem } from '../../../functions/adapters/payout-items';
import { recipientsByIds } from '../../../functions/adapters/recipients/recipient-batch-reads';
import { localKeyProvider } from '../../../functions/adapters/recipients/local-key-provider';
import { RecipientsRepository } from '../../../functions/adapters/recipients/recipients-repository';
import { keyedRecipientId, type Recipient } from '../../../functions/domain/compliance/recipient-record';
import type { Payout } from '../../../functions/domain/payout';
import { handler } from '../../../functions/handlers/tax-readiness-export';
import { ENV } from '../../../functions/shared/names';
import { DUMMY_CREDENTIALS } from '../../../local/emulators/dynamodb';
import { LOCAL_REGION } from '../../../local/template/names';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { apiEvent, countCalls, lambdaContext } from '../payouts/helpers';

// GET /exports/tax-readiness end to end against DynamoDB Local and the S3 emulator through the real
// SDK: the handler, its wiring, gsi2 of PAYOUTS_TABLE, RecipientsTable, the CSV in EXPORTS_BUCKET.
// Payout items are written with the repository's own key builder (payoutItem), in the statuses the
// lifecycle leaves them in; recipients and their W-9 through RecipientsRepository.

let emulators: StartedEmulators;
let recipients: RecipientsRepository;
const US = {
  currency: 'USD',
  country: 'US',
  method: 'ach',
  fields: { account_number: '000123456789', routing_number: '110000000' },
};
const IT = { currency: 'EUR', country: 'IT', method: 'sepa', fields: { iban: 'IT60X0542811101000000123456' } };
let usId: string;
let itId: string;

function recipient(tenantId: string, key: string, country: 'US' | 'IT'): Recipient {
  return {
    tenantId,
    recipientId: keyedRecipientId(tenantId, key),
    kind: 'individual',
    name: 'Ada Lovelace',
    country,
    contact: { email: 'ada@example.com' },
    destinations: [country === 'US' ? US : IT],
    onboarding: { state: 'verified', requirements: [] },
    origin: 'api',
    createdAt: '2026-01-02T00:00:00.000Z',
    updatedAt: '2026-01-02T00:00:00.000Z',
    version: 1,
  };
}

function payout(overrides: Partial<Payout> & Pick<Payout, 'createdAt' | 'lastEventAt'>): Payout {
  return {
    payoutId: `po_${ulid()}`,
    tenantId: 'acme',
    idempotencyKey: `key-${ulid()}`,
    status: 'paid',
    version: 5,
    amountMinor: 150_000,
    currency: 'USD',
    provider: 'sandbox',
    destination: { country: 'US', method: 'ach', fields: { account_number: '••••••••6789' } },
    recipient: { name: 'Ada Lovelace' },
    recipientId: usId,
    requestIds: ['req-1'],
    ...overrides,
  };
}

async function put(p: Payout): Promise<void> {
  await emulators.clients.documentClient.send(
    new PutCommand({ TableName: emulators.env[ENV.payoutsTable]!, Item: payoutItem(p) }),
  );
}

beforeAll(async () => {
  emulators = await startEmulators();
  Object.assign(process.env, emulators.env);
  recipients = new RecipientsRepository(
    emulators.clients.documentClient,
    emulators.env[ENV.recipientsTable]!,
    localKeyProvider(randomBytes(32)),
  );
  const us = await recipients.create(recipient('acme', 'us-1', 'US'));
  const it = await recipients.create(recipient('acme', 'it-1', 'IT'));
  usId = us.item.recipientId;
  itId = it.item.recipientId;
  await recipients.captureTaxForm({
    form: {
      tenantId: 'acme',
      recipientId: usId,
      version: 1,
      formType: 'W-9',
      signer: 'Ada Lovelace',
      signedAt: '2026-01-10',
      capturedAt: '2026-01-10T00:00:00.000Z',
      country: 'US',
      tinLast4: '1234',
      requestId: 'req-w9',
    },
    tin: '912701234',
    expectedVersion: 1,
    onboarding: { state: 'verified', requirements: [] },
    at: '2026-01-10T00:00:00.000Z',
  });
  // acme, US, W-9: 1,500 + 1,000 USD paid in 2026 (one created in 2025, paid in 2026) → 2,500 ≥ 2,000.
  await put(payout({ createdAt: '2026-03-01T09:00:00.000Z', lastEventAt: '2026-03-01T10:00:00.000Z' }));
  await put(
    payout({ createdAt: '2025-12-30T09:00:00.000Z', lastEventAt: '2026-01-02T10:00:00.000Z', amountMinor: 100_000 }),
  );
  // Reversed in 2026: its item sits under STATUS#reversed, never read.
  await put(
    payout({
      status: 'reversed',
      createdAt: '2026-04-01T09:00:00.000Z',
      lastEventAt: '2026-04-09T10:00:00.000Z',
      amountMinor: 900_000,
    }),
  );
  // Paid in 2025: in 2025's file, not 2026's.
  await put(
    payout({ createdAt: '2025-06-01T09:00:00.000Z', lastEventAt: '2025-06-02T10:00:00.000Z', amountMinor: 700_000 }),
  );
  // Created in 2026, paid in 2026, for the Italian recipient with no form.
  await put(
    payout({
      createdAt: '2026-05-01T09:00:00.000Z',
      lastEventAt: '2026-05-02T10:00:00.000Z',
      recipientId: itId,
      currency: 'EUR',
      amountMinor: 5_000,
      destination: { country: 'IT', method: 'sepa', fields: { iban: '••••3456' } },
    }),
  );
  // Another tenant paying "the same" recipient id: another key, never in acme's file.
  await put(
    payout({
      tenantId: 'globex',
      createdAt: '2026-03-01T09:00:00.000Z',
      lastEventAt: '2026-03-01T10:00:00.000Z',
      amountMinor: 9_999_900,
    }),
  );
});
afterAll(async () => emulators?.stop());

function request(query: Record<string, string>, scopes = ['exports:read']) {
  return apiEvent({ method: 'GET', path: '/exports/tax-readiness', query, operator: 'finance', scopes });
}

async function csvAt(key: string): Promise<string> {
  const out = await emulators.clients.s3.send(
    new GetObjectCommand({ Bucket: emulators.env[ENV.exportsBucket]!, Key: key }),
  );
  return out.Body!.transformToString();
}

describe('GET /exports/tax-readiness (DynamoDB Local, S3 emulator)', () => {
  it('writes the year’s CSV: US with a W-9 over the threshold ready, Italian with no form to collect', async () => {
    const result = await handler(request({ tax_year: '2026', tenant_id: 'acme' }), lambdaContext);
    expect(result.statusCode).toBe(200);
    const body = JSON.parse(String(result.body));
    expect(body).toMatchObject({
      tax_year: 2026,
      tenant_id: 'acme',
      rows: 2,
      actions: { ready_to_report: 1, collect_form: 1, below_threshold: 0, convert_currency: 0 },
      payouts_without_recipient: 0,
      expires_in_seconds: 900,
    });
    const rows = (await csvAt(body.file.key)).trim().split('\r\n').slice(1).sort();
    expect(rows).toEqual(
      [
        `acme,${usId},2026,1099-NEC,USD,250000,200000,true,valid,false,ready_to_report`,
        `acme,${itId},2026,1042-S,EUR,5000,1,false,missing,true,collect_form`,
      ].sort(),
    );
    expect(body.file.url).toContain(encodeURIComponent(body.file.key).replace(/%2F/g, '/'));
  });

  it('2025: only the payout recorded paid in 2025, against that year’s $600', async () => {
    const body = JSON.parse(
      String((await handler(request({ tax_year: '2025', tenant_id: 'acme' }), lambdaContext)).body),
    );
    const rows = (await csvAt(body.file.key)).trim().split('\r\n').slice(1);
    expect(rows).toEqual([`acme,${usId},2025,1099-NEC,USD,700000,60000,true,valid,false,ready_to_report`]);
  });

  it('another tenant’s file holds its own payouts alone', async () => {
    const body = JSON.parse(
      String((await handler(request({ tax_year: '2026', tenant_id: 'globex' }), lambdaContext)).body),
    );
    const rows = (await csvAt(body.file.key)).trim().split('\r\n').slice(1);
    // globex has no record of that id: a row all the same, its form missing.
    expect(rows).toEqual([`globex,${usId},2026,1099-NEC,USD,9999900,200000,true,missing,true,collect_form`]);
  });

  it.each([
    [{}, 'parameter_invalid'],
    [{ tax_year: '20x6' }, 'parameter_invalid'],
    [{ tax_year: '2019' }, 'tax_year_not_configured'],
  ])('%j: 400 %s', async (query, code) => {
    const result = await handler(request(query as Record<string, string>), lambdaContext);
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(String(result.body))).toMatchObject({ error: { code } });
  });

  it('the reads: one gsi2 Query for the tenant’s paid payouts and one BatchGetItem for its recipients, no Scan', async () => {
    const client = new DynamoDBClient({
      region: LOCAL_REGION,
      credentials: DUMMY_CREDENTIALS,
      endpoint: emulators.endpoints.dynamodb,
    });
    const calls = countCalls(client);
    const doc = DynamoDBDocumentClient.from(client);
    const paid = await paidPayoutsOf(doc, emulators.env[ENV.payoutsTable]!, 'acme', 2026);
    expect(paid.map((p) => p.amountMinor).sort((a, b) => a - b)).toEqual([5_000, 100_000, 150_000]);
    const found = await recipientsByIds(doc, emulators.env[ENV.recipientsTable]!, 'acme', [usId, itId, 'rcp_none']);
    expect(found.map((r) => r.recipientId).sort()).toEqual([usId, itId].sort());
    expect(calls.calls).toEqual(['QueryCommand', 'BatchGetItemCommand']);
    client.destroy();
  });
});
