// Four-eyes approval on DynamoDB Local (issue 10): the tenant's policy holds large payouts in
// requires_approval with nothing posted and nothing submitted; a second principal approves (→
// submitted, available → in_transit, queued for the submitter) or rejects (→ canceled, nothing to
// release); nobody deciding for 72 h lets the sweeper cancel it with a tenant-owned exception.
// Every bad input answers a machine-readable error and changes no state.
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditChainPk, auditRecordSk } from '../../../functions/adapters/audit-items';
import { TRANSITION_ATTEMPTS_MAX } from '../../../functions/adapters/payout-transitions';
import { APPROVAL_EXPIRES_AFTER_SECONDS } from '../../../functions/domain/approval';
import { exceptionIdFor } from '../../../functions/domain/exceptions';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { actionsHarness, THRESHOLD_MINOR } from './actions-harness';
import { ledgerSums, scanAll } from './helpers';

let emulators: StartedEmulators;
let h: Awaited<ReturnType<typeof actionsHarness>>;

beforeAll(async () => {
  emulators = await startEmulators();
  h = await actionsHarness(emulators);
});
afterAll(async () => {
  await h?.stop();
  await emulators?.stop();
});
afterEach(async () => {
  for (const sum of Object.values(await ledgerSums(emulators.clients.documentClient, h.tables.ledger)))
    expect(sum).toBe(0);
});

async function awaitingApproval(amount = THRESHOLD_MINOR): Promise<string> {
  const created = await h.createPayout(amount);
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({
    status: 'requires_approval',
    approval: { status: 'pending', threshold: THRESHOLD_MINOR },
  });
  return created.body.payout_id;
}

describe('create under the approval policy', () => {
  it('at the threshold: requires_approval, nothing posted, nothing queued, on the APPROVAL index', async () => {
    const queued = h.enqueued.length;
    const payoutId = await awaitingApproval();
    expect(h.enqueued.length).toBe(queued);
    expect(await h.journalOf(payoutId)).toEqual([]);
    const item = (await scanAll(emulators.clients.documentClient, h.tables.payouts)).find(
      (i) => i['pk'] === `PAYOUT#${payoutId}` && i['sk'] === 'PAYOUT',
    )!;
    expect(item['gsi3pk']).toBe('APPROVAL');
    expect(String(item['gsi3sk'])).toBe(
      `${new Date(Date.parse(String(item['createdAt'])) + APPROVAL_EXPIRES_AFTER_SECONDS * 1_000).toISOString()}#${payoutId}`,
    );
    expect(item['createdBy']).toEqual({ clientId: 'client-acme-backend', subject: 'client-acme-backend' });
  });

  it('one minor unit below: submitted and queued as before, no approval', async () => {
    const created = await h.createPayout(THRESHOLD_MINOR - 1);
    expect(created.body).toMatchObject({ status: 'submitted', approval: null });
    expect(h.enqueued).toContain(created.body.payout_id);
    expect(await h.journalOf(created.body.payout_id)).toEqual([[['available', 'in_transit', THRESHOLD_MINOR - 1]]]);
  });
});

describe('POST /payouts/{payoutId}/approve', () => {
  it('a second principal approves: submitted, available → in_transit, queued, timeline and audit name the approver', async () => {
    const payoutId = await awaitingApproval();
    const key = `approve-${payoutId}`;
    const approved = await h.act('approve', payoutId, {
      principal: 'approver',
      key,
      body: { note: 'invoice checked' },
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'submitted',
      approval: { status: 'approved', decided_by: 'client-acme-approver', note: 'invoice checked' },
    });
    expect(h.enqueued.at(-1)).toBe(payoutId);
    expect(await h.journalOf(payoutId)).toEqual([[['available', 'in_transit', THRESHOLD_MINOR]]]);
    const timeline = await h.itemsOf(payoutId, 'timeline_entry');
    expect(timeline.map((e) => [e['event'], e['from'] ?? null, e['to'], e['actor']?.id])).toEqual([
      ['created', null, 'requires_approval', 'client-acme-backend'],
      ['approved', 'requires_approval', 'submitted', 'client-acme-approver'],
    ]);
    const audit = await h.auditOf(payoutId);
    expect(audit.map((a) => [a.action, a.actor.id, a.outcome, a.details['note'] ?? null])).toEqual([
      ['payout.created', 'client-acme-backend', 'applied', null],
      ['payout.approved', 'client-acme-approver', 'applied', 'invoice checked'],
    ]);
    // The approver as the access matrix names it, the call's Request-Id, and the change it made.
    expect(audit[1]).toMatchObject({
      actor: { type: 'tenant', id: 'client-acme-approver', role: 'approver', tenant: 'acme' },
      subject: { type: 'payout', id: payoutId },
      tenant_id: 'acme',
      request_id: approved.headers['request-id'],
      details: { source: 'api', from: 'requires_approval', to: 'submitted', version: 2 },
    });
    await h.expectDaysVerify(payoutId);

    // The same key and body: the stored answer, byte for byte, and nothing applied twice.
    const before = await h.stateOf(payoutId);
    const replay = await h.act('approve', payoutId, { principal: 'approver', key, body: { note: 'invoice checked' } });
    expect(replay.status).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.text).toBe(approved.text);
    expect(await h.stateOf(payoutId)).toEqual(before);
  });

  it('the audit record rides in the decision’s transaction: when it cannot be written, nothing is', async () => {
    const payoutId = await awaitingApproval();
    const key = `approve-unaudited-${payoutId}`;
    const before = await h.stateOf(payoutId);
    // A foreign item where the approval's record must go (seq 2, after `created`): every append's
    // attribute_not_exists fails, so each of the TRANSITION_ATTEMPTS_MAX attempts is canceled whole.
    const { documentClient } = emulators.clients;
    const planted = { pk: auditChainPk({ type: 'payout', id: payoutId }), sk: auditRecordSk(2) };
    await documentClient.send(new PutCommand({ TableName: h.tables.audit, Item: { ...planted, entity: 'planted' } }));
    const answer = await h.act('approve', payoutId, { principal: 'approver', key });
    await documentClient.send(new DeleteCommand({ TableName: h.tables.audit, Key: planted }));
    expect(TRANSITION_ATTEMPTS_MAX).toBeGreaterThan(1);
    // Every attempt lost its condition: a conflict, transient by nature — 503, retry with the same key.
    expect(answer.status).toBe(503);
    expect(answer.body.error).toMatchObject({ code: 'temporarily_unavailable', category: 'retryable' });
    expect(answer.headers['retry-after']).toBe('1');
    // No status, posting, timeline entry, action key lock, idempotency record or audit record.
    expect(await h.stateOf(payoutId)).toEqual(before);

    // Retryable, as the answer said: the same key now applies it, once, audited.
    const retried = await h.act('approve', payoutId, { principal: 'approver', key });
    expect(retried.status).toBe(200);
    expect((await h.auditOf(payoutId)).map((record) => record.action)).toEqual(['payout.created', 'payout.approved']);
    await h.expectDaysVerify(payoutId);
  });

  it('a reject: canceled with the reason, nothing posted or released, audited with the reason', async () => {
    const payoutId = await awaitingApproval();
    const rejected = await h.act('reject', payoutId, { principal: 'approver', body: { reason: 'not our supplier' } });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({
      status: 'canceled',
      status_reason: 'approval_rejected: not our supplier',
      approval: { status: 'rejected', reason: 'not our supplier', decided_by: 'client-acme-approver' },
    });
    expect(await h.journalOf(payoutId)).toEqual([]);
    const timeline = await h.itemsOf(payoutId, 'timeline_entry');
    expect(timeline.at(-1)).toMatchObject({
      event: 'approval_rejected',
      from: 'requires_approval',
      to: 'canceled',
      source: 'api',
      actor: { kind: 'client', id: 'client-acme-approver' },
    });
    expect((await h.auditOf(payoutId)).at(-1)).toMatchObject({
      action: 'payout.approval_rejected',
      outcome: 'applied',
      actor: { type: 'tenant', id: 'client-acme-approver', role: 'approver', tenant: 'acme' },
      request_id: rejected.headers['request-id'],
      details: { reason: 'not our supplier', from: 'requires_approval', to: 'canceled' },
    });
    await h.expectDaysVerify(payoutId);
    const item = (await scanAll(emulators.clients.documentClient, h.tables.payouts)).find(
      (i) => i['pk'] === `PAYOUT#${payoutId}` && i['sk'] === 'PAYOUT',
    )!;
    expect(item).not.toHaveProperty('gsi3pk');
  });
});

describe('bad input: a clear error and no state change', () => {
  const cases: Array<{
    name: string;
    status: number;
    code: string;
    category?: string;
    run: (payoutId: string) => Promise<{ status: number; body: any }>;
  }> = [
    {
      name: 'self-approval (the creator’s own principal)',
      status: 403,
      code: 'self_approval_forbidden',
      run: (id) =>
        h.act('approve', id, {
          principal: { role: 'approver', clientId: 'client-acme-backend', scopes: ['payouts:approve'] } as never,
        }),
    },
    {
      name: 'self-rejection',
      status: 403,
      code: 'self_approval_forbidden',
      run: (id) =>
        h.act('reject', id, {
          principal: { role: 'approver', clientId: 'client-acme-backend', scopes: ['payouts:approve'] } as never,
          body: { reason: 'mine' },
        }),
    },
    {
      name: 'another tenant’s payout',
      status: 404,
      code: 'resource_not_found',
      run: (id) => h.act('approve', id, { principal: 'approver', tenant: 'globex' }),
    },
    {
      name: 'a token without payouts:approve',
      status: 403,
      code: 'insufficient_scope',
      run: (id) => h.act('approve', id, { principal: 'backend2' }),
    },
    {
      name: 'no Idempotency-Key',
      status: 400,
      code: 'idempotency_key_missing',
      run: (id) => h.act('approve', id, { principal: 'approver', headers: { 'content-type': 'application/json' } }),
    },
    {
      name: 'reject without a reason',
      status: 400,
      code: 'field_missing',
      run: (id) => h.act('reject', id, { principal: 'approver', body: {} }),
    },
    {
      name: 'an unknown field',
      status: 400,
      code: 'field_unknown',
      run: (id) => h.act('approve', id, { principal: 'approver', body: { amount: 1 } }),
    },
    {
      name: 'a reason with a control character',
      status: 400,
      code: 'invalid_text',
      run: (id) => h.act('reject', id, { principal: 'approver', body: { reason: 'no\u0007' } }),
    },
    {
      name: 'a payout id that cannot exist',
      status: 404,
      code: 'resource_not_found',
      run: () => h.act('approve', 'po_nope', { principal: 'approver' }),
    },
  ];

  it.each(cases)('$name → $status $code', async ({ status, code, run }) => {
    const payoutId = await awaitingApproval();
    const before = await h.stateOf(payoutId);
    const answer = await run(payoutId);
    expect(answer.status).toBe(status);
    expect(answer.body.error).toMatchObject({ code, category: 'terminal' });
    expect(answer.body.error.request_id).toBeTruthy();
    expect(await h.stateOf(payoutId)).toEqual(before);
  });

  it('approving a payout that is not requires_approval → 409 invalid_transition', async () => {
    const created = await h.createPayout(500);
    const before = await h.stateOf(created.body.payout_id);
    const answer = await h.act('approve', created.body.payout_id, { principal: 'approver' });
    expect(answer.status).toBe(409);
    expect(answer.body.error).toMatchObject({
      type: 'conflict_error',
      code: 'invalid_transition',
      category: 'terminal',
    });
    expect(await h.stateOf(created.body.payout_id)).toEqual(before);
  });

  it('approving twice with two keys → the second is 409 invalid_transition, nothing more written', async () => {
    const payoutId = await awaitingApproval();
    expect((await h.act('approve', payoutId, { principal: 'approver' })).status).toBe(200);
    const before = await h.stateOf(payoutId);
    expect((await h.act('approve', payoutId, { principal: 'approver2' })).body.error.code).toBe('invalid_transition');
    expect(await h.stateOf(payoutId)).toEqual(before);
  });

  it('the same Idempotency-Key with another body → 422 naming the field, nothing applied', async () => {
    const payoutId = await awaitingApproval();
    const key = `reuse-${payoutId}`;
    expect((await h.act('reject', payoutId, { principal: 'approver', key, body: { reason: 'first' } })).status).toBe(
      200,
    );
    const before = await h.stateOf(payoutId);
    const reused = await h.act('reject', payoutId, { principal: 'approver', key, body: { reason: 'second' } });
    expect(reused.status).toBe(422);
    expect(reused.body.error).toMatchObject({
      type: 'idempotency_error',
      code: 'idempotency_key_reused',
      fields: ['reason'],
    });
    expect(reused.text).not.toContain('first');
    expect(await h.stateOf(payoutId)).toEqual(before);
  });

  it('approving after the 72 h expiry, before the sweeper ran → 409 approval_expired', async () => {
    const payoutId = await awaitingApproval();
    h.advance(APPROVAL_EXPIRES_AFTER_SECONDS);
    try {
      const before = await h.stateOf(payoutId);
      const answer = await h.act('approve', payoutId, { principal: 'approver' });
      expect(answer.status).toBe(409);
      expect(answer.body.error.code).toBe('approval_expired');
      expect(await h.stateOf(payoutId)).toEqual(before);
    } finally {
      h.advance(-APPROVAL_EXPIRES_AFTER_SECONDS);
    }
  });
});

describe('expiry by the sweeper (injected clock)', () => {
  it('an approval open past 72 h is canceled with a tenant-owned exception; an approved one is left alone', async () => {
    const expiring = await awaitingApproval();
    const decided = await awaitingApproval();
    expect((await h.act('approve', decided, { principal: 'approver' })).status).toBe(200);
    await h.sweep();
    expect((await h.payouts.getPayoutById(expiring))!.status).toBe('requires_approval');

    h.advance(APPROVAL_EXPIRES_AFTER_SECONDS + 1);
    const report = await h.sweep();
    expect(report.approvalsExpired).toBeGreaterThanOrEqual(1);
    const payout = (await h.payouts.getPayoutById(expiring))!;
    expect(payout).toMatchObject({
      status: 'canceled',
      statusReason: 'approval_expired',
      exceptionOwner: 'tenant',
      approval: { decision: { kind: 'expired' } },
    });
    expect((await h.payouts.getPayoutById(decided))!.status).toBe('submitted');
    expect(await h.journalOf(expiring)).toEqual([]);
    const exception = await h.exceptions.get(exceptionIdFor({ category: 'approval_expired', payoutId: expiring }));
    expect(exception).toMatchObject({
      category: 'approval_expired',
      owner: 'tenant',
      state: 'open',
      payoutId: expiring,
      evidence: { amount_minor: THRESHOLD_MINOR, created_by: 'client-acme-backend' },
    });
    const last = (await h.itemsOf(expiring, 'timeline_entry')).at(-1);
    expect(last).toMatchObject({
      event: 'approval_expired',
      from: 'requires_approval',
      to: 'canceled',
      source: 'sweeper',
      actor: { kind: 'system', id: 'sweep' },
    });
    expect((await h.auditOf(expiring)).at(-1)).toMatchObject({
      action: 'payout.approval_expired',
      outcome: 'applied',
      actor: { type: 'job', id: 'sweep', role: 'jobs', tenant: null },
      request_id: null,
      details: { source: 'sweeper', from: 'requires_approval', to: 'canceled' },
    });
    // The tenant-owned exception's opening is on its own chain, by the same job.
    const opened = await h.exceptions.history(exceptionIdFor({ category: 'approval_expired', payoutId: expiring }));
    expect(opened.map((r) => [r.action, r.actor.type, r.actor.id])).toEqual([['exception.opened', 'job', 'sweep']]);
    await h.expectDaysVerify(expiring);

    // A second run finds nothing more to do for it: it left the index with its cancel.
    const again = await h.sweep();
    expect(again.approvalsExpired).toBe(0);
    expect(
      (await h.exceptions.get(exceptionIdFor({ category: 'approval_expired', payoutId: expiring })))?.occurrences,
    ).toBe(1);
  });
});
