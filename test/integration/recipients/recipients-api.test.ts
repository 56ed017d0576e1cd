import { randomBytes } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail } from '../../../functions/adapters/audit-trail';
import { localKeyProvider } from '../../../functions/adapters/recipients/local-key-provider';
import { RecipientsRepository } from '../../../functions/adapters/recipients/recipients-repository';
import { recipientPk } from '../../../functions/adapters/recipients/recipients-records';
import { opsRecipientsApi } from '../../../functions/app/recipients/ops-recipients';
import { recipientsApi } from '../../../functions/app/recipients/recipients-api';
import type { OpsRecipientsDeps } from '../../../functions/app/recipients/recipients-deps';
import { parseCorridorMatrix } from '../../../functions/domain/corridors';
import { FIXTURE_CORRIDOR_EVIDENCE } from '../../support/corridor-evidence-fixture';
import { httpHandler } from '../../../functions/http/http-handler';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { apiEvent, lambdaContext } from '../payouts/helpers';

// The recipients routes through the real SDK against DynamoDB Local (issue 15, docs/compliance.md):
// create (idempotent on the key, masked, sealed), reads per tenant, tax forms (each bad input refused
// with nothing written), and compliance's view in clear and decision, both audited.

const ACCOUNT_NUMBER = '000123456789';
const IBAN = 'DE89370400440532013000';
const SSN = '123-45-6789';
const corridor = (country: string, currency: string, method: string, fields: string[], requirements?: object) => ({
  country,
  currency,
  method,
  provider: 'sandbox',
  state: 'enabled',
  required_fields: fields,
  cutoff: 'x',
  eta: 'y',
  ...FIXTURE_CORRIDOR_EVIDENCE,
  ...(requirements === undefined ? {} : { requirements }),
});
const corridors = parseCorridorMatrix({
  version: 1,
  corridors: [
    corridor('DE', 'EUR', 'sepa', ['iban'], { onboarding: ['date_of_birth'], tax_form: 'required' }),
    corridor('US', 'USD', 'ach', ['account_number', 'routing_number'], { onboarding: [], tax_form: 'required' }),
    corridor('GB', 'GBP', 'faster_payments', ['sort_code', 'account_number'], {
      onboarding: [],
      tax_form: 'not_required',
    }),
  ],
});

let emulators: StartedEmulators;
let deps: OpsRecipientsDeps;
let trail: AuditTrail;
const NOW = Date.parse('2026-12-02T12:00:00.000Z');

beforeAll(async () => {
  emulators = await startEmulators();
  const client = emulators.clients.documentClient;
  deps = {
    recipients: new RecipientsRepository(
      client,
      emulators.names.tables['RecipientsTable']!,
      localKeyProvider(randomBytes(32)),
    ),
    audit: (trail = new AuditTrail(client, emulators.names.tables['AuditTable']!)),
    corridors,
    nowMs: () => NOW,
  };
});
afterAll(async () => emulators?.stop());

const tenantApi = httpHandler((event, requestId) => recipientsApi(deps, event, requestId));
const opsApi = httpHandler((event, requestId) => opsRecipientsApi(deps, event, requestId));

async function call(handler: typeof tenantApi, event: any) {
  const result = await handler(event, lambdaContext);
  return { status: result.statusCode, headers: result.headers ?? {}, body: JSON.parse(result.body) as any };
}

const TENANT_SCOPES = ['recipients:write', 'recipients:read'];
function tenant(
  method: string,
  path: string,
  options: { body?: unknown; key?: string; tenant?: string; id?: string; query?: Record<string, string> } = {},
) {
  return apiEvent({
    method,
    path,
    scopes: TENANT_SCOPES,
    ...(options.tenant === undefined ? {} : { tenant: options.tenant }),
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.key === undefined ? {} : { 'idempotency-key': options.key }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    ...(options.id === undefined ? {} : { pathParameters: { recipientId: options.id } }),
    ...(options.query === undefined ? {} : { query: options.query }),
  });
}
function operator(
  method: string,
  path: string,
  id: string,
  options: { body?: unknown; query?: Record<string, string>; subject?: string },
) {
  const event = apiEvent({
    method,
    path,
    operator: 'compliance',
    scopes: ['compliance:review'],
    headers: options.body === undefined ? {} : { 'content-type': 'application/json' },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    pathParameters: { recipientId: id },
    ...(options.query === undefined ? {} : { query: options.query }),
  });
  // apiEvent's operator shares the tenant client's subject: the creator, unless another is named.
  if (options.subject !== undefined) event.requestContext.authorizer.jwt.claims.username = options.subject;
  return event;
}

const german = {
  kind: 'individual',
  name: 'Ada Lovelace',
  country: 'DE',
  contact: { email: 'ada@example.com' },
  date_of_birth: '1990-12-10',
  destinations: [{ currency: 'EUR', country: 'DE', method: 'sepa', iban: 'DE89 3704 0044 0532 0130 00' }],
};
const american = {
  kind: 'individual',
  name: 'Grace Hopper',
  country: 'US',
  contact: {},
  destinations: [
    { currency: 'USD', country: 'US', method: 'ach', account_number: ACCOUNT_NUMBER, routing_number: '110000000' },
  ],
};
const british = {
  kind: 'business',
  name: 'Babbage Ltd',
  country: 'GB',
  contact: { phone: '+442071234567' },
  destinations: [
    { currency: 'GBP', country: 'GB', method: 'faster_payments', sort_code: '601613', account_number: '31926819' },
  ],
};

const w9 = (tin: string, tinType = 'SSN') => ({
  form_type: 'W-9',
  tin_type: tinType,
  tin,
  signer: 'Grace Hopper',
  signed_at: '2026-11-30T10:00:00Z',
});
const w8 = (signedAt: string, formType = 'W-8BEN') => ({
  form_type: formType,
  country: 'DE',
  signer: 'Ada Lovelace',
  signed_at: signedAt,
});

async function rawPartition(pk: string): Promise<string> {
  const out = await emulators.clients.dynamodb.send(
    new QueryCommand({
      TableName: emulators.names.tables['RecipientsTable']!,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: pk } },
      ConsistentRead: true,
    }),
  );
  return JSON.stringify(out.Items);
}

describe('POST /recipients', () => {
  it('creates a recipient: masked in the answer, sealed at rest, onboarding from the corridor policy', async () => {
    const created = await call(tenantApi, tenant('POST', '/recipients', { body: american, key: 'rcp-us-1' }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      kind: 'individual',
      destinations: [{ fields: { account_number: '••••••••6789', routing_number: '110000000' } }],
      onboarding: { state: 'pending_information', requirements: ['tax_form'] },
      tax_form: { state: 'missing' },
      screening: { state: 'unscreened' },
    });
    expect(created.headers['location']).toBe(`/recipients/${created.body.recipient_id}`);
    const raw = await rawPartition(recipientPk('acme', created.body.recipient_id));
    expect(raw).not.toContain(ACCOUNT_NUMBER);
  });

  it('a recipient whose corridors ask nothing starts verified', async () => {
    const created = await call(tenantApi, tenant('POST', '/recipients', { body: british, key: 'rcp-gb-1' }));
    expect(created.body.onboarding).toEqual({ state: 'verified', requirements: [] });
  });

  it('a retry with the same key and body answers the same recipient; another body is refused naming the fields', async () => {
    const first = await call(tenantApi, tenant('POST', '/recipients', { body: german, key: 'rcp-de-1' }));
    // The same IBAN written compactly is the same body (destinations are compared canonical).
    const compact = { ...german, destinations: [{ ...german.destinations[0]!, iban: IBAN }] };
    const again = await call(tenantApi, tenant('POST', '/recipients', { body: compact, key: 'rcp-de-1' }));
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.recipient_id).toBe(first.body.recipient_id);
    const other = await call(
      tenantApi,
      tenant('POST', '/recipients', { body: { ...german, name: 'Someone' }, key: 'rcp-de-1' }),
    );
    expect(other.status).toBe(422);
    expect(other.body.error).toMatchObject({ code: 'idempotency_key_reused', fields: ['name'] });
  });

  it.each([
    ['no Idempotency-Key', undefined, german, 400, 'idempotency_key_missing'],
    [
      'a date of birth for a business',
      'bad-1',
      { ...british, date_of_birth: '1990-01-01' },
      400,
      'field_not_applicable',
    ],
    [
      'a corridor not listed',
      'bad-2',
      { ...german, destinations: [{ ...german.destinations[0]!, country: 'FR' }] },
      422,
      'corridor_not_enabled',
    ],
    [
      'an account field the corridor does not use',
      'bad-3',
      { ...british, destinations: [{ ...british.destinations[0]!, iban: IBAN }] },
      422,
      'destination_field_unknown',
    ],
    ['a server-owned field', 'bad-4', { ...german, onboarding: { state: 'verified' } }, 400, 'field_server_owned'],
  ] as const)('refuses %s, writing nothing', async (_name, key, body, status, code) => {
    const refused = await call(
      tenantApi,
      tenant('POST', '/recipients', { body, ...(key === undefined ? {} : { key }) }),
    );
    expect(refused.status).toBe(status);
    expect(refused.body.error.code).toBe(code);
  });
});

describe('GET /recipients', () => {
  it("reads the tenant's own; another tenant's id is 404 recipient_not_found; lists by onboarding state", async () => {
    const { body } = await call(tenantApi, tenant('POST', '/recipients', { body: british, key: 'rcp-gb-read' }));
    const id = body.recipient_id as string;
    expect((await call(tenantApi, tenant('GET', '/recipients/{recipientId}', { id }))).body.recipient_id).toBe(id);
    const foreign = await call(tenantApi, tenant('GET', '/recipients/{recipientId}', { id, tenant: 'globex' }));
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('recipient_not_found');
    const listed = await call(
      tenantApi,
      tenant('GET', '/recipients', { query: { onboarding_state: 'verified', limit: '100' } }),
    );
    expect(listed.body.data.map((r: { recipient_id: string }) => r.recipient_id)).toContain(id);
    expect(listed.body.data.every((r: { onboarding: { state: string } }) => r.onboarding.state === 'verified')).toBe(
      true,
    );
    const bad = await call(tenantApi, tenant('GET', '/recipients', { query: { cursor: 'bm90LWEtY3Vyc29y' } }));
    expect(bad.body.error.code).toBe('cursor_invalid');
  });
});

describe('POST /recipients/{id}/tax-forms', () => {
  it.each([
    ['a TIN of the wrong length', 'us', w9('12345678'), 'tin_wrong_length'],
    ['an all-zero TIN', 'us', w9('000000000'), 'tin_all_zeros'],
    ['an SSN in a never-issued area (666)', 'us', w9('666-12-3456'), 'ssn_area_invalid'],
    ['an SSN in the 9xx area', 'us', w9('912-34-5678'), 'ssn_area_invalid'],
    ['an EIN with an unassigned prefix', 'us', w9('07-1234567', 'EIN'), 'ein_prefix_invalid'],
    ['an ITIN outside the IRS ranges', 'us', w9('912-40-1234', 'ITIN'), 'itin_middle_invalid'],
    ['a W-8 for a US person', 'us', w8('2026-11-30T10:00:00Z'), 'w8_for_us_person'],
    ['a W-9 for a non-US recipient', 'de', w9(SSN), 'w9_for_foreign_recipient'],
    ['an expired W-8BEN (signed 2022: valid through 2025-12-31)', 'de', w8('2022-06-01T10:00:00Z'), 'tax_form_expired'],
    ['a W-8BEN-E for an individual', 'de', w8('2026-11-30T10:00:00Z', 'W-8BEN-E'), 'w8_form_kind_mismatch'],
    ['a signature in the future', 'de', w8('2027-01-01T10:00:00Z'), 'signed_at_in_future'],
  ] as const)('refuses %s (422), writing nothing', async (_name, who, form, code) => {
    const body = who === 'us' ? american : german;
    const { body: recipient } = await call(tenantApi, tenant('POST', '/recipients', { body, key: `tax-bad-${who}` }));
    const id = recipient.recipient_id as string;
    const refused = await call(tenantApi, tenant('POST', '/recipients/{recipientId}/tax-forms', { id, body: form }));
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe(code);
    expect(await deps.recipients.taxForms('acme', id)).toEqual([]);
  });

  it('captures versions, never overwrites, and the last requirement met moves onboarding to in_review', async () => {
    const { body: recipient } = await call(
      tenantApi,
      tenant('POST', '/recipients', { body: german, key: 'tax-good-de' }),
    );
    const id = recipient.recipient_id as string;
    expect(recipient.onboarding).toEqual({ state: 'pending_information', requirements: ['tax_form'] });
    const first = await call(
      tenantApi,
      tenant('POST', '/recipients/{recipientId}/tax-forms', { id, body: w8('2026-11-30T10:00:00Z') }),
    );
    expect(first.status).toBe(201);
    expect(first.body.tax_form).toMatchObject({ form_type: 'W-8BEN', version: 1, expires_on: '2029-12-31' });
    expect(first.body.recipient).toMatchObject({
      onboarding: { state: 'in_review', requirements: [] },
      tax_form: { state: 'valid' },
    });
    const second = await call(
      tenantApi,
      tenant('POST', '/recipients/{recipientId}/tax-forms', { id, body: w8('2026-12-01T10:00:00Z') }),
    );
    expect(second.body.tax_form.version).toBe(2);
    expect((await deps.recipients.taxForms('acme', id)).map((f) => f.version)).toEqual([1, 2]);
  });
});

describe('compliance: GET /ops/recipients/{id} and POST …/onboarding', () => {
  it('shows account numbers and the TIN in clear, audited; the masked views never do', async () => {
    const { body: recipient } = await call(tenantApi, tenant('POST', '/recipients', { body: american, key: 'ops-us' }));
    const id = recipient.recipient_id as string;
    const captured = await call(
      tenantApi,
      tenant('POST', '/recipients/{recipientId}/tax-forms', { id, body: w9(SSN) }),
    );
    expect(captured.body.tax_form).toMatchObject({ tin_type: 'SSN', tin_last4: '6789' });
    expect(JSON.stringify(captured.body)).not.toContain('123456789');
    expect(await rawPartition(recipientPk('acme', id))).not.toContain('123456789');
    const view = await call(
      opsApi,
      operator('GET', '/ops/recipients/{recipientId}', id, { query: { tenant_id: 'acme' }, subject: 'cora' }),
    );
    expect(view.status).toBe(200);
    expect(view.body.destinations[0].fields.account_number).toBe(ACCOUNT_NUMBER);
    expect(view.body.tax_forms[0]).toMatchObject({ version: 1, tin: '123456789' });
    const head = await trail.head({ type: 'recipient', id });
    expect(head.seq).toBe(1);
    const missing = await call(
      opsApi,
      operator('GET', '/ops/recipients/{recipientId}', id, { query: { tenant_id: 'globex' }, subject: 'cora' }),
    );
    expect(missing.status).toBe(404);
  });

  it('compliance verifies an in_review recipient (audited); the creator cannot; rejected is final', async () => {
    const { body: recipient } = await call(
      tenantApi,
      tenant('POST', '/recipients', { body: german, key: 'ops-decide' }),
    );
    const id = recipient.recipient_id as string;
    const decide = (decision: string, subject?: string) =>
      call(
        opsApi,
        operator('POST', '/ops/recipients/{recipientId}/onboarding', id, {
          body: { tenant_id: 'acme', decision, reason: 'documents checked' },
          ...(subject === undefined ? {} : { subject }),
        }),
      );
    // pending_information: nothing to verify yet.
    expect((await decide('verify', 'cora')).body.error.code).toBe('onboarding_transition_refused');
    await call(
      tenantApi,
      tenant('POST', '/recipients/{recipientId}/tax-forms', { id, body: w8('2026-11-30T10:00:00Z') }),
    );
    const byCreator = await decide('verify');
    expect(byCreator.status).toBe(403);
    expect(byCreator.body.error.code).toBe('decider_is_creator');
    const verified = await decide('verify', 'cora');
    expect(verified.status).toBe(200);
    expect(verified.body.onboarding.state).toBe('verified');
    expect((await decide('verify', 'cora')).status).toBe(200);
    expect((await decide('reject', 'cora')).body.onboarding.state).toBe('rejected');
    expect((await decide('reopen', 'cora')).body.error.code).toBe('onboarding_transition_refused');
    const stored = (await deps.recipients.get('acme', id))!;
    expect(stored).toMatchObject({
      onboarding: { state: 'rejected' },
      onboardingDecidedBy: 'cora',
      gsi2pk: 'TENANT#acme#RECIPIENTS#ONBOARDING#rejected',
    });
    expect((await trail.head({ type: 'recipient', id })).seq).toBe(2);
  });

  it('a tenant token is refused on the compliance routes', async () => {
    const event = tenant('GET', '/ops/recipients/{recipientId}', {
      id: 'rcp_00000000000000000000000000000000',
      query: { tenant_id: 'acme' },
    });
    expect((await call(opsApi, event)).status).toBe(403);
  });
});
