import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { corridorMatrix } from '../../../../functions/adapters/corridors-config';
import { taxThresholds } from '../../../../functions/adapters/compliance/tax-thresholds-config';
import type { RecipientItem } from '../../../../functions/adapters/recipients/recipients-records';
import {
  taxReadinessApi,
  type TaxReadinessApiDependencies,
} from '../../../../functions/app/compliance/tax-readiness-api';
import { exportTaxReadiness, type PaidPayout } from '../../../../functions/app/compliance/tax-readiness-export';
import { READINESS_CSV_HEADER } from '../../../../functions/domain/compliance/tax-readiness';
import { ApiError } from '../../../../functions/http/api-error';

// The readiness export on in-memory ports: what it sums, what it leaves out (reversed, another year,
// another tenant, no recipient record), what it reads, and that a refused request reads and writes nothing.

const NOW = new Date('2026-12-04T12:00:00.000Z');

function payout(overrides: Partial<PaidPayout> & Pick<PaidPayout, 'payoutId'>): PaidPayout {
  return {
    tenantId: 'acme',
    status: 'paid',
    recipientId: 'rcp_us',
    paidAt: '2026-03-01T10:00:00.000Z',
    currency: 'USD',
    amountMinor: 150_000,
    destinationCountry: 'US',
    ...overrides,
  };
}

function recipient(tenantId: string, recipientId: string, country: string, form?: 'W-9'): RecipientItem {
  const destination =
    country === 'US'
      ? { currency: 'USD', country: 'US', method: 'ach', fields: { account_number: '••••6789' } }
      : { currency: 'EUR', country, method: 'sepa', fields: { iban: '••••3000' } };
  return {
    tenantId,
    recipientId,
    kind: 'individual',
    country,
    maskedDestinations: [destination],
    onboarding: { state: 'verified', requirements: [] },
    ...(form === undefined ? {} : { latestTaxForm: { formType: form, version: 1, tinLast4: '1234' } }),
  } as unknown as RecipientItem;
}

const PAYOUTS: PaidPayout[] = [
  // US, W-9 on file: 1,500 + 1,000 = 2,500 USD ≥ 2,000 (tax year 2026) → ready_to_report.
  payout({ payoutId: 'po_1' }),
  payout({ payoutId: 'po_2', amountMinor: 100_000 }),
  // Reversed: not counted (the gsi2 read never returns one; the use case holds the rule anyway).
  payout({ payoutId: 'po_3', status: 'reversed', amountMinor: 900_000 }),
  // Paid in 2025: not in 2026's totals.
  payout({ payoutId: 'po_4', paidAt: '2025-12-31T23:59:59.999Z', amountMinor: 700_000 }),
  // Italian recipient, no form: collect_form whatever the amount.
  payout({ payoutId: 'po_5', recipientId: 'rcp_it', currency: 'EUR', amountMinor: 5_000, destinationCountry: 'IT' }),
  // A batch item: no recipient record to row it under, counted.
  payout({ payoutId: 'po_6', recipientId: undefined }),
];
const OTHER_TENANT: PaidPayout[] = [payout({ payoutId: 'po_9', tenantId: 'globex', recipientId: 'rcp_g' })];

function fixture() {
  const calls: string[] = [];
  const files = new Map<string, string>();
  const records = [recipient('acme', 'rcp_us', 'US', 'W-9'), recipient('acme', 'rcp_it', 'IT')];
  const deps: TaxReadinessApiDependencies = {
    tenantIds: async () => (calls.push('tenantIds'), ['globex', 'acme', 'acme']),
    paidPayoutsOf: async (tenantId, taxYear) => {
      calls.push(`paidPayoutsOf ${tenantId} ${taxYear}`);
      return [...PAYOUTS, ...OTHER_TENANT].filter((p) => p.tenantId === tenantId);
    },
    recipientsOf: async (tenantId, ids) => {
      calls.push(`recipientsOf ${tenantId} ${[...ids].sort().join(',')}`);
      return records.filter((r) => r.tenantId === tenantId && ids.includes(r.recipientId));
    },
    corridors: corridorMatrix(),
    thresholds: taxThresholds(),
    putCsv: async (key, csv) => void (calls.push(`putCsv ${key}`), files.set(key, csv)),
    presign: async (key) => `https://exports.example/${key}?signed`,
    now: () => NOW,
  };
  return { deps, calls, files };
}

describe('exportTaxReadiness', () => {
  it('sums paid minus reversed per recipient and currency, in the year, and says what finance does next', async () => {
    const { deps, files } = fixture();
    const out = await exportTaxReadiness(deps, { taxYear: 2026, tenantId: 'acme' });
    expect(out.rows.map((r) => [r.recipientId, r.currency, r.paidMinor, r.form, r.taxForm, r.action])).toEqual([
      ['rcp_it', 'EUR', 5_000, '1042-S', 'missing', 'collect_form'],
      ['rcp_us', 'USD', 250_000, '1099-NEC', 'valid', 'ready_to_report'],
    ]);
    expect(out.payoutsWithoutRecipient).toBe(1);
    expect(out.key).toBe('tax-readiness/tax_year=2026/tenant=acme/2026-12-04T12-00-00-000Z.csv');
    const csv = files.get(out.key)!.split('\r\n');
    expect(csv[0]).toBe(READINESS_CSV_HEADER.join(','));
    expect(csv[2]).toBe('acme,rcp_us,2026,1099-NEC,USD,250000,200000,true,valid,false,ready_to_report');
    expect(csv.join('\n')).not.toContain('globex');
  });

  it('the same payouts in 2025 (threshold $600): only the one paid then, and its recipient alone is read', async () => {
    const { deps, calls } = fixture();
    const out = await exportTaxReadiness(deps, { taxYear: 2025, tenantId: 'acme' });
    expect(out.rows.map((r) => [r.recipientId, r.paidMinor, r.thresholdMinor, r.action])).toEqual([
      ['rcp_us', 700_000, 60_000, 'ready_to_report'],
    ]);
    expect(calls.filter((c) => c.startsWith('recipientsOf'))).toEqual(['recipientsOf acme rcp_us']);
  });

  it('every tenant: each tenant once, in order, each under its own recipients', async () => {
    const { deps, calls } = fixture();
    const out = await exportTaxReadiness(deps, { taxYear: 2026 });
    expect(calls.filter((c) => !c.startsWith('putCsv'))).toEqual([
      'tenantIds',
      'paidPayoutsOf acme 2026',
      'recipientsOf acme rcp_it,rcp_us',
      'paidPayoutsOf globex 2026',
      'recipientsOf globex rcp_g',
    ]);
    // globex's recipient has no record it could read: a row all the same, missing its form.
    expect(out.rows.map((r) => [r.tenantId, r.recipientId, r.action])).toEqual([
      ['acme', 'rcp_it', 'collect_form'],
      ['acme', 'rcp_us', 'ready_to_report'],
      ['globex', 'rcp_g', 'collect_form'],
    ]);
    expect(out.key).toMatch(/^tax-readiness\/tax_year=2026\/all-tenants\//);
  });
});

function event(query: Record<string, string> | undefined, scope = 'exports:read') {
  const claims = {
    sub: 'fin-1',
    client_id: 'ops-console',
    principal_type: 'operator',
    principal_role: 'finance',
    scope: `payout-platform/${scope}`,
  };
  return {
    routeKey: 'GET /exports/tax-readiness',
    headers: {},
    queryStringParameters: query,
    isBase64Encoded: false,
    requestContext: { requestId: 'req-1', authorizer: { jwt: { claims } } },
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}

async function answer(deps: TaxReadinessApiDependencies, ev: APIGatewayProxyEventV2WithJWTAuthorizer) {
  try {
    const result = await taxReadinessApi(deps, ev);
    return { status: result.statusCode, body: JSON.parse(String(result.body)) as Record<string, unknown> };
  } catch (error) {
    if (error instanceof ApiError) return { status: error.status, code: error.code, param: error.param };
    throw error;
  }
}

describe('GET /exports/tax-readiness', () => {
  it('answers the file key, a presigned URL and the counts', async () => {
    const { deps } = fixture();
    const out = await answer(deps, event({ tax_year: '2026', tenant_id: 'acme' }));
    expect(out).toMatchObject({
      status: 200,
      body: {
        tax_year: 2026,
        tenant_id: 'acme',
        rows: 2,
        actions: { collect_form: 1, ready_to_report: 1, below_threshold: 0, convert_currency: 0 },
        payouts_without_recipient: 1,
        file: { url: expect.stringContaining('tax-readiness/tax_year=2026/tenant=acme/') },
      },
    });
  });

  it.each([
    ['no tax_year', undefined, 'parameter_invalid'],
    ['an empty query', {}, 'parameter_invalid'],
    ['a malformed tax_year', { tax_year: '26' }, 'parameter_invalid'],
    ['a date for a year', { tax_year: '2026-01-01' }, 'parameter_invalid'],
    ['a parameter the route does not take', { tax_year: '2026', year: '2026' }, 'parameter_unknown'],
    ['a tenant id that cannot be one', { tax_year: '2026', tenant_id: 'a b' }, 'tenant_id_invalid'],
    ['a year with no threshold configured', { tax_year: '2019' }, 'tax_year_not_configured'],
    ['a year not started', { tax_year: '2027' }, 'tax_year_not_started'],
  ])('%s: 400 %s, nothing read or written', async (_name, query, code) => {
    const { deps, calls } = fixture();
    expect(await answer(deps, event(query as Record<string, string> | undefined))).toMatchObject({ status: 400, code });
    expect(calls).toEqual([]);
  });

  it('a token without exports:read: 403, nothing read', async () => {
    const { deps, calls } = fixture();
    expect(await answer(deps, event({ tax_year: '2026' }, 'reconciliation:read'))).toMatchObject({
      status: 403,
      code: 'insufficient_scope',
    });
    expect(calls).toEqual([]);
  });
});
