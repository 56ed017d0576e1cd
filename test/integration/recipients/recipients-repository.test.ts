import { randomBytes } from 'node:crypto';
import { DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recipientComplianceSource } from '../../../functions/adapters/recipients/compliance-source';
import { EnvelopeError } from '../../../functions/adapters/recipients/envelope';
import { localKeyProvider } from '../../../functions/adapters/recipients/local-key-provider';
import {
  RecipientsRepository,
  RecipientVersionConflictError,
} from '../../../functions/adapters/recipients/recipients-repository';
import { recipientPk } from '../../../functions/adapters/recipients/recipients-records';
import { keyedRecipientId, type Recipient } from '../../../functions/domain/compliance/recipient-record';
import { parseCorridorMatrix } from '../../../functions/domain/corridors';
import { FIXTURE_CORRIDOR_EVIDENCE } from '../../support/corridor-evidence-fixture';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { DUMMY_CREDENTIALS } from '../../../local/emulators/dynamodb';
import { LOCAL_REGION } from '../../../local/template/names';
import { countCalls } from '../payouts/helpers';

// RecipientsTable through the real SDK against DynamoDB Local: secrets are sealed before they are
// stored (the raw item holds no account number and no TIN), tax forms are never overwritten, and
// another tenant's id reads nothing.

const ACCOUNT_NUMBER = '000123456789';
const TIN = '912701234';
const evidenced = FIXTURE_CORRIDOR_EVIDENCE;
const corridors = parseCorridorMatrix({
  version: 1,
  corridors: [
    {
      country: 'DE',
      currency: 'EUR',
      method: 'sepa',
      provider: 'sandbox',
      state: 'enabled',
      required_fields: ['iban'],
      cutoff: 'x',
      eta: 'y',
      requirements: { onboarding: ['date_of_birth'], tax_form: 'required' },
      ...evidenced,
    },
    {
      country: 'US',
      currency: 'USD',
      method: 'ach',
      provider: 'sandbox',
      state: 'enabled',
      required_fields: ['account_number', 'routing_number'],
      cutoff: 'x',
      eta: 'y',
      requirements: { onboarding: [], tax_form: 'not_required' },
      ...evidenced,
    },
  ],
});

let emulators: StartedEmulators;
let table: string;
let repository: RecipientsRepository;

function recipient(tenantId: string, key: string, overrides: Partial<Recipient> = {}): Recipient {
  return {
    tenantId,
    recipientId: keyedRecipientId(tenantId, key),
    kind: 'individual',
    name: 'Ada Lovelace',
    country: 'US',
    contact: { email: 'ada@example.com' },
    destinations: [
      {
        currency: 'USD',
        country: 'US',
        method: 'ach',
        fields: { account_number: ACCOUNT_NUMBER, routing_number: '110000000' },
      },
    ],
    onboarding: { state: 'pending_information', requirements: [] },
    origin: 'api',
    createdAt: '2026-12-02T01:00:00.000Z',
    updatedAt: '2026-12-02T01:00:00.000Z',
    version: 1,
    ...overrides,
  };
}

async function rawPartition(pk: string): Promise<string> {
  const out = await emulators.clients.dynamodb.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: pk } },
      ConsistentRead: true,
    }),
  );
  return JSON.stringify(out.Items);
}

beforeAll(async () => {
  emulators = await startEmulators();
  table = emulators.names.tables['RecipientsTable']!;
  repository = new RecipientsRepository(emulators.clients.documentClient, table, localKeyProvider(randomBytes(32)));
});
afterAll(async () => emulators?.stop());

describe('RecipientsRepository', () => {
  it('stores no account number in clear, shows it masked, and opens it for the provider call', async () => {
    const created = await repository.create(recipient('ten_a', 'k-clear'));
    expect(created.kind).toBe('created');
    const raw = await rawPartition(recipientPk('ten_a', created.item.recipientId));
    expect(raw).not.toContain(ACCOUNT_NUMBER);
    expect(raw).not.toContain('123456789');
    expect(raw).toContain('••••••••6789');
    // A bank code identifies the bank, not the account: it stays readable (domain/recipient.ts).
    expect(raw).toContain('110000000');
    const stored = (await repository.get('ten_a', created.item.recipientId))!;
    expect(await repository.openDestinations(stored)).toEqual(recipient('ten_a', 'k-clear').destinations);
  });

  it('a second create of the same id writes nothing and returns the first record', async () => {
    const first = await repository.create(recipient('ten_a', 'k-twice'));
    const second = await repository.create(recipient('ten_a', 'k-twice', { name: 'Someone Else' }));
    expect(second).toMatchObject({ kind: 'exists', item: { name: 'Ada Lovelace' } });
    expect(second.item.sealedDestinations).toEqual(first.item.sealedDestinations);
  });

  it('a create that meets an existing id costs one PutItem: the failed condition returns the stored record', async () => {
    const client = new DynamoDBClient({
      region: LOCAL_REGION,
      credentials: DUMMY_CREDENTIALS,
      endpoint: emulators.endpoints.dynamodb,
    });
    const calls = countCalls(client);
    const counted = new RecipientsRepository(
      DynamoDBDocumentClient.from(client),
      table,
      localKeyProvider(randomBytes(32)),
    );
    const first = await repository.create(recipient('ten_a', 'k-one-call'));
    const second = await counted.create(recipient('ten_a', 'k-one-call', { name: 'Someone Else' }));
    expect(calls.calls).toEqual(['PutItemCommand']);
    expect(second).toEqual({ kind: 'exists', item: first.item });
    client.destroy();
  });

  it("another tenant's id reads nothing", async () => {
    const created = await repository.create(recipient('ten_a', 'k-tenant'));
    expect(await repository.get('ten_b', created.item.recipientId)).toBeUndefined();
  });

  it('a sealed value copied onto another recipient does not open (the AAD binds it to its record)', async () => {
    const a = await repository.create(recipient('ten_a', 'k-copy-a'));
    const b = await repository.create(recipient('ten_a', 'k-copy-b'));
    await expect(
      repository.openDestinations({ ...b.item, sealedDestinations: a.item.sealedDestinations }),
    ).rejects.toThrow(EnvelopeError);
  });

  it('captures tax forms as new versions, never overwrites one, and seals the TIN', async () => {
    const base = recipient('ten_a', 'k-forms', {
      country: 'DE',
      dateOfBirth: '1990-01-01',
      destinations: [{ currency: 'EUR', country: 'DE', method: 'sepa', fields: { iban: 'DE89370400440532013000' } }],
    });
    const { item } = await repository.create(base);
    const source = recipientComplianceSource(repository, corridors, () => '2026-12-02');
    expect((await source.get('ten_a', item.recipientId))!).toMatchObject({
      taxForm: { state: 'missing' },
      onboarding: { state: 'pending_information', requirements: ['tax_form'] },
      screening: { state: 'unscreened' },
    });
    const form = {
      tenantId: 'ten_a',
      recipientId: item.recipientId,
      version: 1,
      formType: 'W-8BEN' as const,
      signer: 'Ada Lovelace',
      signedAt: '2026-01-10',
      capturedAt: '2026-12-02T01:00:00.000Z',
      expiresOn: '2029-12-31',
      country: 'DE',
      tinLast4: TIN.slice(-4),
      requestId: 'req-1',
    };
    const onboarding = { state: 'in_review' as const, requirements: [] };
    const at = '2026-12-02T01:00:01.000Z';
    await repository.captureTaxForm({ form, tin: TIN, expectedVersion: 1, onboarding, at });
    // The same version again (a stale writer): refused, and the first form is unchanged.
    await expect(
      repository.captureTaxForm({ form: { ...form, signer: 'Mallory' }, tin: TIN, expectedVersion: 1, onboarding, at }),
    ).rejects.toThrow(RecipientVersionConflictError);
    await repository.captureTaxForm({ form: { ...form, version: 2 }, tin: TIN, expectedVersion: 2, onboarding, at });
    const forms = await repository.taxForms('ten_a', item.recipientId);
    expect(forms.map((f) => [f.sk, f.signer])).toEqual([
      ['TAXFORM#000001', 'Ada Lovelace'],
      ['TAXFORM#000002', 'Ada Lovelace'],
    ]);
    expect(await repository.openTin(forms[0]!)).toBe(TIN);
    const raw = await rawPartition(recipientPk('ten_a', item.recipientId));
    expect(raw).not.toContain(TIN);
    expect(raw).not.toContain('DE89370400440532013000');
    expect((await source.get('ten_a', item.recipientId))!).toMatchObject({
      taxForm: { state: 'valid', formType: 'W-8BEN', version: 2, expiresOn: '2029-12-31' },
      onboarding: { state: 'in_review', requirements: [] },
    });
    const later = recipientComplianceSource(repository, corridors, () => '2030-01-01');
    expect((await later.get('ten_a', item.recipientId))!).toMatchObject({
      taxForm: { state: 'expired' },
      onboarding: { requirements: ['tax_form'] },
    });
    const record = await emulators.clients.dynamodb.send(
      new GetItemCommand({
        TableName: table,
        Key: { pk: { S: recipientPk('ten_a', item.recipientId) }, sk: { S: 'RECIPIENT' } },
      }),
    );
    expect(record.Item?.['version']).toEqual({ N: '3' });
  });
});
