import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwin, type StartedTwin } from '../support/twin';

// The payouts API through the twin: real JWTs, the template's routes and scopes, bundled handlers.
let twin: StartedTwin;
const BODY = {
  amount: 5_000,
  currency: 'GBP',
  destination: { country: 'GB', method: 'faster_payments', sort_code: '601613', account_number: '31926819' },
  recipient: { name: 'E2E Recipient' },
};

beforeAll(async () => {
  twin = await startTwin({ port: 0, fresh: true });
});
afterAll(async () => twin?.stop());

async function call(
  path: string,
  options: { token?: string; method?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const response = await fetch(`${twin.url}${path}`, {
    method: options.method ?? 'GET',
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(options.body ? { body: JSON.stringify(options.body) } : {}),
  });
  expect(response.headers.get('request-id')).toBeTruthy();
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

describe('payouts API through the twin', () => {
  it('serves a valid OpenAPI document without a token', async () => {
    const { status, body } = await call('/openapi.json');
    expect(status).toBe(200);
    expect((await new Validator().validate(body)).valid).toBe(true);
  });

  it('creates, replays, reads, isolates tenants and keeps the ledger at zero', async () => {
    const acme = await twin.token({ tenant: 'acme', role: 'backend', scopes: ['payouts:write', 'payouts:read'] });
    const globex = await twin.token({ tenant: 'globex', role: 'backend', scopes: ['payouts:read'] });
    // The on-call operator (ledger balances are reconciliation:read, which ops holds).
    const ops = await twin.token({ operator: 'e2e-ops', role: 'ops' });
    expect((await call('/corridors', { token: acme })).status).toBe(200);
    const created = await call('/payouts', {
      token: acme,
      method: 'POST',
      body: BODY,
      headers: { 'idempotency-key': 'e2e-1' },
    });
    expect(created.status).toBe(201);
    expect(created.body.destination.fields).toEqual({ sort_code: '601613', account_number: '••••6819' });
    const replay = await call('/payouts', {
      token: acme,
      method: 'POST',
      body: BODY,
      headers: { 'idempotency-key': 'e2e-1' },
    });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.payout_id).toBe(created.body.payout_id);
    const id = created.body.payout_id;
    expect((await call(`/payouts/${id}`, { token: acme })).status).toBe(200);
    expect((await call(`/payouts/${id}`, { token: globex })).status).toBe(404);
    expect((await call(`/payouts/${id}/events`, { token: acme })).body.data[0].event).toBe('created');
    expect((await call('/lifecycle', { token: acme })).body.statuses).toHaveLength(8);
    expect(
      (await call('/payouts', { token: globex, method: 'POST', body: BODY, headers: { 'idempotency-key': 'e2e-2' } }))
        .status,
    ).toBe(403);
    const balances = await call('/ledger/balances?currency=GBP', { token: ops });
    expect(balances.status).toBe(200);
    expect(balances.body.sum).toBe(0);
    expect((await call('/ledger/balances?currency=GBP', { token: acme })).status).toBe(403);
  });
});
