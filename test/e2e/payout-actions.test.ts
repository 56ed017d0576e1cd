// The tenant's payout actions through the whole twin (issue 10): real JWTs of two principals of
// one tenant (backend, approver), the template's routes and scopes, the bundled payout-actions
// function, the submitter, the sandbox provider and its signed webhooks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwin, type StartedTwin } from '../support/twin';

/** The sandbox steps every 5 s; webhooks, the SQS poller and cold starts fit well inside this. */
const SETTLE_TIMEOUT_MS = 90_000;
const POLL_INTERVAL_MS = 500;
const THRESHOLD_MINOR = 1_000_000;

let twin: StartedTwin;
let backend: string;
let approver: string;

beforeAll(async () => {
  twin = await startTwin({ port: 0, fresh: true });
  backend = await twin.token({ tenant: 'acme', role: 'backend' });
  approver = await twin.token({ tenant: 'acme', role: 'approver' });
});
afterAll(async () => twin?.stop());

async function call(path: string, token: string, options: { method?: string; body?: unknown; key?: string } = {}) {
  const response = await fetch(`${twin.url}${path}`, {
    method: options.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.key === undefined ? {} : { 'idempotency-key': options.key }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  expect(response.headers.get('request-id')).toBeTruthy();
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

const create = (amount: number, key: string) =>
  call('/payouts', backend, {
    method: 'POST',
    key,
    body: {
      amount,
      currency: 'EUR',
      destination: { country: 'DE', method: 'sepa', iban: 'DE89370400440532013000' },
      recipient: { name: 'Ada Lovelace' },
    },
  });

async function waitForStatus(payoutId: string, statuses: string[]): Promise<any> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const { body } = await call(`/payouts/${payoutId}`, backend);
    if (statuses.includes(body.status) || Date.now() > deadline) return body;
    await new Promise((resolveWait) => setTimeout(resolveWait, POLL_INTERVAL_MS));
  }
}

describe('payout actions through the twin', () => {
  it('a payout at the threshold waits for the approver, then goes to the provider', async () => {
    const created = await create(THRESHOLD_MINOR, `e2e-approval-${Date.now()}`);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'requires_approval',
      approval: { status: 'pending', threshold: THRESHOLD_MINOR },
    });
    const payoutId = created.body.payout_id;
    // The backend holds no payouts:approve: API Gateway's authorizer refuses it before any code runs.
    expect(
      (await call(`/payouts/${payoutId}/approve`, backend, { method: 'POST', key: 'e2e-self', body: {} })).status,
    ).toBe(403);

    const key = `e2e-approve-${payoutId}`;
    const approved = await call(`/payouts/${payoutId}/approve`, approver, {
      method: 'POST',
      key,
      body: { note: 'checked' },
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'submitted', approval: { status: 'approved', note: 'checked' } });
    const replay = await call(`/payouts/${payoutId}/approve`, approver, {
      method: 'POST',
      key,
      body: { note: 'checked' },
    });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(approved.body);

    const moved = await waitForStatus(payoutId, ['accepted', 'pending', 'paid']);
    expect(['accepted', 'pending', 'paid']).toContain(moved.status);
    const timeline = (await call(`/payouts/${payoutId}/events`, backend)).body.data;
    const approval = timeline.find((entry: any) => entry.event === 'approved');
    expect(approval).toMatchObject({
      from: 'requires_approval',
      to: 'submitted',
      source: 'api',
      actor: { kind: 'client' },
    });
    expect(approval.actor.id).toBe(approved.body.approval.decided_by);
    expect(timeline.find((entry: any) => entry.event === 'created').actor.id).not.toBe(approval.actor.id);
  });

  it('a paid payout is reversed: requested by the backend, approved by the approver, returned by the provider', async () => {
    const created = await create(12_500, `e2e-reversal-${Date.now()}`);
    const payoutId = created.body.payout_id;
    expect((await waitForStatus(payoutId, ['paid'])).status).toBe('paid');

    const requested = await call(`/payouts/${payoutId}/reversals`, backend, {
      method: 'POST',
      key: `e2e-rev-${payoutId}`,
      body: { reason: 'wrong recipient' },
    });
    expect(requested.status).toBe(201);
    const reversalId = requested.body.reversal.reversal_id;
    expect(requested.body.reversal).toMatchObject({ status: 'requested', reason: 'wrong recipient' });
    // The approver cannot request, the backend cannot approve: two authorities.
    expect(
      (await call(`/payouts/${payoutId}/reversals`, approver, { method: 'POST', key: 'e2e-x', body: { reason: 'x' } }))
        .status,
    ).toBe(403);
    expect(
      (
        await call(`/payouts/${payoutId}/reversals/${reversalId}/approve`, backend, {
          method: 'POST',
          key: 'e2e-y',
          body: {},
        })
      ).status,
    ).toBe(403);

    const approved = await call(`/payouts/${payoutId}/reversals/${reversalId}/approve`, approver, {
      method: 'POST',
      key: `e2e-rev-approve-${payoutId}`,
      body: {},
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'paid', reversal: { reversal_id: reversalId, status: 'sent' } });

    // The sandbox returns it a step later and says so by webhook: paid → reversed.
    const reversed = await waitForStatus(payoutId, ['reversed']);
    expect(reversed).toMatchObject({ status: 'reversed', reversal: { reversal_id: reversalId, status: 'completed' } });
    const events = (await call(`/payouts/${payoutId}/events`, backend)).body.data.map(
      (entry: any) => `${entry.event}:${entry.outcome}`,
    );
    expect(events).toEqual(
      expect.arrayContaining([
        'reversal_requested:recorded',
        'reversal_approved:recorded',
        'reversal_sent:recorded',
        'provider_reversed:applied',
      ]),
    );

    // Compliance reads the two authorities off the payout's audit chain (GET /audit), each with its role.
    const compliance = await twin.token({ operator: 'e2e-cora', role: 'compliance' });
    const trail = await call(`/audit?subject=${encodeURIComponent(`payout:${payoutId}`)}`, compliance);
    expect(trail.status).toBe(200);
    const records = trail.body.data as any[];
    const roleOf = (action: string) => records.find((record) => record.action === action)?.actor;
    expect(roleOf('payout.reversal_requested')).toMatchObject({ type: 'tenant', role: 'backend', tenant: 'acme' });
    expect(roleOf('payout.reversal_approved')).toMatchObject({ type: 'tenant', role: 'approver', tenant: 'acme' });
    expect(records.some((record) => record.action === 'payout.provider_reversed')).toBe(true);
    for (let i = 1; i < records.length; i++) expect(records[i].prev_hash).toBe(records[i - 1].hash);

    const ops = await twin.token({ operator: 'e2e-ops', role: 'ops' });
    const balances = await call('/ledger/balances?currency=EUR', ops);
    expect(balances.body.sum).toBe(0);
  });
});
