// The operator lookup routes against an in-memory repository: validation in order, cross-tenant
// reads, the audit record every read leaves (issue 10: in the one audit trail, not a log line),
// and the ops:read check behind API Gateway's.
import { describe, expect, it } from 'vitest';
import { AuditChainContendedError } from '../../../functions/adapters/audit-trail';
import type { AuditEntry } from '../../../functions/domain/audit';
import type { Payout, TimelineEntry } from '../../../functions/domain/payout';
import { operatorLookup, type OperatorLookupDeps } from '../../../functions/app/payouts/operator-lookup';
import { httpHandler } from '../../../functions/http/http-handler';
import { apiEvent } from '../../integration/payouts/helpers';

const PAYOUT_ID = 'po_01JDQ3M5Z8W7K2N4P6R8T0V2X4';
const payout = {
  payoutId: PAYOUT_ID,
  tenantId: 'acme',
  idempotencyKey: 'key-1',
  providerReference: 'sbx_po_1',
  provider: 'sandbox',
  status: 'pending',
  amountMinor: 4_200,
  currency: 'EUR',
  destination: { country: 'DE', method: 'sepa', fields: {} },
  recipient: { name: 'Grace Hopper' },
  createdAt: '2026-11-25T03:00:00.000Z',
  lastEventAt: '2026-11-25T03:00:00.000Z',
  requestIds: ['req-1'],
  version: 3,
} as unknown as Payout;
const entry = {
  payoutId: PAYOUT_ID,
  at: payout.createdAt,
  occurredAt: payout.createdAt,
  event: 'created',
  outcome: 'applied',
  to: 'submitted',
  source: 'api',
  sourceRef: 'req-1',
} as TimelineEntry;

function deps() {
  const lines: AuditEntry[] = [];
  const value: OperatorLookupDeps = {
    repository: {
      getPayoutById: async (id) => (id === PAYOUT_ID ? payout : undefined),
      findByIdempotencyKey: async (tenant, key) =>
        tenant === 'acme' && key === 'key-1' ? { payout, lock: { payoutId: PAYOUT_ID, fieldHashes: {} } } : undefined,
      findByProviderReference: async (provider, reference) =>
        provider === 'sandbox' && reference === 'sbx_po_1' ? payout : undefined,
      listTimelineOfAnyTenant: async () => [entry],
    },
    audit: {
      append: async (entry) => (
        lines.push(entry),
        { ...entry, audit_id: 'aud_x', seq: 1, prev_hash: '', hash: '' } as never
      ),
    },
    nowMs: () => Date.parse('2026-11-25T04:00:00.000Z'),
    providers: ['sandbox', 'stripe'],
    payoutIdPattern: /^po_[0-9A-HJKMNP-TV-Z]{26}$/,
  };
  return { value, lines };
}

const OPERATOR = { operator: 'ops', scopes: ['ops:read'] };
function call(
  d: OperatorLookupDeps,
  routeKey: string,
  options: { query?: Record<string, string>; pathParameters?: Record<string, string>; scopes?: string[] } = {},
) {
  const event = { ...apiEvent({ method: 'GET', path: routeKey.split(' ')[1]!, ...OPERATOR, ...options }), routeKey };
  event.requestContext.requestId = 'req-op-1';
  // Through httpHandler, as query-payouts serves it: thrown ApiErrors become DESIGN §3 bodies.
  return httpHandler((e, requestId) => operatorLookup(d, e, requestId))(event, {} as never);
}
const body = (result: { body: string }) => JSON.parse(result.body);

describe('GET /ops/payouts (operator lookup)', () => {
  it.each([
    ['payout id', { payout_id: PAYOUT_ID }],
    ['idempotency key of a tenant', { idempotency_key: 'key-1', tenant_id: 'acme' }],
    ['provider reference', { provider_reference: 'sbx_po_1' }],
  ])("finds another tenant's payout by %s and names its tenant", async (_name, query) => {
    const { value } = deps();
    const result = await call(value, 'GET /ops/payouts', { query });
    expect(result.statusCode).toBe(200);
    expect(body(result)).toMatchObject({
      data: [{ payout_id: PAYOUT_ID, tenant_id: 'acme', status: 'pending' }],
      next_cursor: null,
    });
  });

  it.each([
    ['unknown payout id', { payout_id: 'po_01JDQ3M5Z8W7K2N4P6R8T0V2XX' }],
    ['malformed payout id (no read)', { payout_id: 'nope' }],
    ['key of another tenant', { idempotency_key: 'key-1', tenant_id: 'globex' }],
    ['unknown reference', { provider_reference: 'sbx_po_nope' }],
  ])('answers { data: [] } for an %s', async (_name, query) => {
    const { value } = deps();
    const result = await call(value, 'GET /ops/payouts', { query });
    expect(result.statusCode).toBe(200);
    expect(body(result).data).toEqual([]);
  });

  // In order of precedence: unknown parameter, invalid value, no key, two keys, tenant rules.
  it.each([
    [{ colour: 'red' }, 'parameter_unknown', 'colour'],
    [{ tenant_id: 'Not A Tenant!', idempotency_key: 'k' }, 'tenant_id_invalid', 'tenant_id'],
    [{ provider_reference: 'x'.repeat(256) }, 'provider_reference_invalid', 'provider_reference'],
    [{}, 'lookup_key_missing', undefined],
    [{ tenant_id: 'acme' }, 'lookup_key_missing', undefined],
    [{ payout_id: PAYOUT_ID, provider_reference: 'sbx_po_1' }, 'lookup_key_ambiguous', 'provider_reference'],
    [{ idempotency_key: 'key-1' }, 'tenant_id_required', 'tenant_id'],
    [{ payout_id: PAYOUT_ID, tenant_id: 'acme' }, 'tenant_id_unexpected', 'tenant_id'],
  ] as const)('refuses %j with 400 %s', async (query, code, param) => {
    const { value, lines } = deps();
    const result = await call(value, 'GET /ops/payouts', { query: query as Record<string, string> });
    expect(result.statusCode).toBe(400);
    const error = body(result).error;
    expect(error).toMatchObject({ type: 'invalid_request_error', code, category: 'terminal', request_id: 'req-op-1' });
    expect(error.param).toBe(param);
    expect(lines).toEqual([]);
  });

  it('audits every read: operator, scopes, tenant of the payout, request id (misses too, on the lookup)', async () => {
    const { value, lines } = deps();
    await call(value, 'GET /ops/payouts', { query: { payout_id: PAYOUT_ID }, scopes: ['ops:read', 'ops:redrive'] });
    await call(value, 'GET /ops/payouts', { query: { provider_reference: 'sbx_po_nope' } });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual({
      at: '2026-11-25T04:00:00.000Z',
      actor: { type: 'operator', id: 'client-acme', role: 'ops', tenant: null },
      action: 'payout.read',
      subject: { type: 'payout', id: PAYOUT_ID },
      tenant_id: 'acme',
      request_id: 'req-op-1',
      outcome: 'read',
      details: {
        route: 'GET /ops/payouts',
        lookup: `payout_id:${PAYOUT_ID}`,
        client_id: 'client-acme',
        scopes: ['ops:read', 'ops:redrive'],
      },
    });
    expect(lines[1]).toMatchObject({
      subject: { type: 'payout_lookup', id: 'provider_reference:sbx_po_nope' },
      tenant_id: null,
      outcome: 'not_found',
    });
  });

  // Issue 10: a read that cannot be recorded is not answered.
  it('answers 503 temporarily_unavailable (retryable), with no payout, when its audit chain stays contended', async () => {
    const { value } = deps();
    value.audit = {
      append: async () => {
        throw new AuditChainContendedError({ type: 'payout', id: PAYOUT_ID }, 10);
      },
    };
    const result = await call(value, 'GET /ops/payouts', { query: { payout_id: PAYOUT_ID } });
    expect(result.statusCode).toBe(503);
    expect(body(result).error).toMatchObject({ code: 'temporarily_unavailable', category: 'retryable' });
    expect(result.body).not.toContain('acme');
  });

  it('refuses a token without ops:read even if the route were mis-wired (403)', async () => {
    const { value, lines } = deps();
    const result = await call(value, 'GET /ops/payouts', { query: { payout_id: PAYOUT_ID }, scopes: ['payouts:read'] });
    expect(result.statusCode).toBe(403);
    expect(body(result).error.code).toBe('insufficient_scope');
    expect(lines).toEqual([]);
  });
});

describe('GET /ops/payouts/{payoutId}/events (operator timeline)', () => {
  it("shows any tenant's timeline with the tenant, and audits it", async () => {
    const { value, lines } = deps();
    const result = await call(value, 'GET /ops/payouts/{payoutId}/events', { pathParameters: { payoutId: PAYOUT_ID } });
    expect(result.statusCode).toBe(200);
    expect(body(result)).toMatchObject({
      payout_id: PAYOUT_ID,
      tenant_id: 'acme',
      data: [{ event: 'created', source_ref: 'req-1' }],
    });
    expect(lines[0]).toMatchObject({
      details: { route: 'GET /ops/payouts/{payoutId}/events' },
      tenant_id: 'acme',
      request_id: 'req-op-1',
    });
  });

  it.each(['po_01JDQ3M5Z8W7K2N4P6R8T0V2XX', 'not-a-payout-id'])(
    '404s for %s (and still audits the look)',
    async (payoutId) => {
      const { value, lines } = deps();
      const result = await call(value, 'GET /ops/payouts/{payoutId}/events', { pathParameters: { payoutId } });
      expect(result.statusCode).toBe(404);
      expect(body(result).error).toMatchObject({ type: 'not_found_error', request_id: 'req-op-1' });
      expect(lines).toHaveLength(1);
    },
  );

  it('refuses a query parameter the route does not take, before any read', async () => {
    const { value, lines } = deps();
    const result = await call(value, 'GET /ops/payouts/{payoutId}/events', {
      pathParameters: { payoutId: PAYOUT_ID },
      query: { tenant_id: 'acme' },
    });
    expect(result.statusCode).toBe(400);
    expect(body(result).error).toMatchObject({ code: 'parameter_unknown', param: 'tenant_id' });
    expect(lines).toEqual([]);
  });
});

describe('GET /ops/payouts query values (validated before DynamoDB)', () => {
  it.each([
    [{ idempotency_key: '', tenant_id: 'acme' }, 'idempotency_key_invalid', 'idempotency_key'],
    [{ idempotency_key: 'k\u0000', tenant_id: 'acme' }, 'idempotency_key_invalid', 'idempotency_key'],
    [{ provider_reference: '' }, 'provider_reference_invalid', 'provider_reference'],
    [{ provider_reference: 'sbx po 1' }, 'provider_reference_invalid', 'provider_reference'],
    [{ payout_id: '' }, 'payout_id_invalid', 'payout_id'],
  ] as const)('refuses %j with 400 %s', async (query, code, param) => {
    const { value, lines } = deps();
    const result = await call(value, 'GET /ops/payouts', { query: query as Record<string, string> });
    expect(result.statusCode).toBe(400);
    expect(body(result).error).toMatchObject({ code, param });
    expect(lines).toEqual([]);
  });
});
