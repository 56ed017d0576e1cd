// The one audit trail on DynamoDB Local: a payout's creation and webhook transitions, an operator's
// redrive, an exception's resolution and an operator's read all land in AUDIT_TABLE on valid
// chains; concurrent writers on one chain stay linear; GET /audit finds them by subject, actor,
// action and time with a cursor, and refuses bad queries; verify names a tampered or deleted record.
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { ulid } from 'ulidx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditSearch } from '../../../functions/adapters/audit-search';
import { AuditChainContendedError, AuditTrail } from '../../../functions/adapters/audit-trail';
import { auditChainPk, auditRecordSk } from '../../../functions/adapters/audit-items';
import { ExportStore } from '../../../functions/adapters/reconciliation/export-store';
import { auditApi } from '../../../functions/app/audit/audit-api';
import { verifyAuditDay, type VerifyDayDeps } from '../../../functions/app/audit/verify-day';
import { operatorLookup } from '../../../functions/app/payouts/operator-lookup';
import { EMPTY_CHAIN, type AuditEntry, type AuditRecord, type AuditSubject } from '../../../functions/domain/audit';
import { verifyChain } from '../../../functions/domain/audit-verify';
import { openException } from '../../../functions/domain/exceptions';
import { ApiError } from '../../../functions/http/api-error';
import { errorResponse } from '../../../functions/http/response';
import { PAYOUT_ID_PATTERN } from '../../../functions/shared/ids';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { samplePayout } from '../payouts/helpers';
import { harness, sandboxEvent } from '../webhooks/harness';

let emulators: StartedEmulators;
let h: ReturnType<typeof harness>;
let trail: AuditTrail;
let search: AuditSearch;
let verifyDeps: VerifyDayDeps;
const today = () => new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  emulators = await startEmulators();
  h = harness(emulators);
  const { documentClient, s3 } = emulators.clients;
  const table = emulators.env['AUDIT_TABLE']!;
  trail = new AuditTrail(documentClient, table);
  search = new AuditSearch(documentClient, table);
  const exports = new ExportStore({
    client: s3,
    evidenceBucket: emulators.env['EVIDENCE_BUCKET']!,
    exportsBucket: emulators.env['EXPORTS_BUCKET']!,
  });
  verifyDeps = { search, trail, exports, now: () => new Date() };
});
afterAll(async () => emulators?.stop());

const chainOf = (subject: AuditSubject) => trail.chainRecords(subject, 1, Number.MAX_SAFE_INTEGER, { strict: true });
async function expectValidChain(subject: AuditSubject): Promise<AuditRecord[]> {
  const records = await chainOf(subject);
  const head = await trail.head(subject);
  expect(verifyChain(records, { chain: `${subject.type}:${subject.id}`, after: EMPTY_CHAIN, head })).toEqual({
    ok: true,
    records: records.length,
  });
  expect(records.map((r) => r.seq)).toEqual(records.map((_r, i) => i + 1));
  return records;
}

/** An API Gateway event for GET /audit with an operator's (or a tenant's) claims. */
function auditEvent(
  query: Record<string, string>,
  claims: Record<string, string> = {
    principal_type: 'operator',
    principal_role: 'compliance',
    sub: 'cora',
    client_id: 'console',
  },
  scopes = 'payout-platform/audit:read',
) {
  return {
    rawPath: '/audit',
    headers: {},
    queryStringParameters: query,
    isBase64Encoded: false,
    requestContext: {
      requestId: `req-audit-${ulid()}`,
      http: { method: 'GET' },
      authorizer: { jwt: { claims: { ...claims, scope: scopes } } },
    },
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}
async function getAudit(query: Record<string, string>, claims?: Record<string, string>, scopes?: string) {
  const res = await auditApi({ search, trail, nowMs: () => Date.now() }, auditEvent(query, claims, scopes)).catch(
    (error: unknown) => {
      if (error instanceof ApiError) return errorResponse(error, 'req-test');
      throw error;
    },
  );
  return {
    status: res.statusCode,
    body: JSON.parse(res.body) as {
      data: AuditRecord[];
      next_cursor: string | null;
      error?: { code: string; param?: string };
    },
  };
}

describe('every audited change lands in the one trail, on a valid chain', () => {
  it('a payout: its creation and each applied or forbidden transition, in the transaction that made it', async () => {
    const created = samplePayout();
    await h.payouts.createPayout(created);
    const payoutId = created.payout.payoutId;
    await h.deliverSandbox(`evt_${ulid()}`, sandboxEvent(payoutId, 'in_transit'));
    await h.deliverSandbox(`evt_${ulid()}`, sandboxEvent(payoutId, 'paid'));
    expect(await h.drain()).toEqual(['applied', 'applied']);
    const records = await expectValidChain({ type: 'payout', id: payoutId });
    expect(records.map((r) => [r.action, r.outcome, r.details['to']])).toEqual([
      ['payout.created', 'applied', 'submitted'],
      ['payout.provider_pending', 'applied', 'pending'],
      ['payout.provider_paid', 'applied', 'paid'],
    ]);
    expect(records[0]).toMatchObject({
      actor: { type: 'tenant', id: 'client-1', role: 'backend', tenant: 'acme' },
      tenant_id: 'acme',
      request_id: 'req-create-1',
    });
    expect(records[1]).toMatchObject({
      actor: { type: 'provider', id: 'sandbox', role: 'provider', tenant: null },
      request_id: null,
      details: { source: 'provider_webhook' },
    });
    // The head names the last record, and the timeline agrees on what happened.
    expect(await trail.head({ type: 'payout', id: payoutId })).toEqual({ seq: 3, hash: records[2]!.hash });
  });

  it('an ops redrive (dry run) is recorded on its queue, with the operator and the count', async () => {
    expect((await h.ops('POST', '/ops/dlq/redrive', { all: true, dry_run: true })).status).toBe(200);
    const records = await expectValidChain({ type: 'queue', id: 'webhook' });
    expect(records[records.length - 1]).toMatchObject({
      action: 'dlq.redrive',
      outcome: 'dry_run',
      actor: { type: 'operator', id: 'operator-1', role: 'ops', tenant: null },
      details: { dry_run: true, client_id: 'ops-cli', selector: { kind: 'all' } },
    });
  });

  it('an exception: opened by a job, assigned and resolved by an operator with the request id', async () => {
    const payoutId = `po_${ulid()}`;
    const opened = await h.exceptions.openOrUpdate({
      ...openException(
        { category: 'long_pending', payoutId },
        { evidence: { status: 'pending' }, seenAt: new Date().toISOString() },
      ),
      actor: { kind: 'system', id: 'sweep' },
    });
    const id = opened.exception.exceptionId;
    expect((await h.ops('POST', `/exceptions/${id}/assign`, {})).status).toBe(200);
    expect((await h.ops('POST', `/exceptions/${id}/resolve`, { note: 'provider confirmed paid' })).status).toBe(200);
    const records = await expectValidChain({ type: 'exception', id });
    expect(records.map((r) => [r.action, r.actor.type, r.actor.id])).toEqual([
      ['exception.opened', 'job', 'sweep'],
      ['exception.assigned', 'operator', 'operator-1'],
      ['exception.resolved', 'operator', 'operator-1'],
    ]);
    expect(records[2]).toMatchObject({
      request_id: expect.stringMatching(/^req-/),
      details: { state: 'resolved', note: 'provider confirmed paid', payout_id: payoutId },
    });
  });

  it("an operator's read of any tenant's payout, before it is answered (a miss on the lookup's own chain)", async () => {
    const created = samplePayout();
    await h.payouts.createPayout(created);
    const deps = {
      repository: h.payouts,
      audit: trail,
      nowMs: () => Date.now(),
      providers: ['sandbox'],
      payoutIdPattern: PAYOUT_ID_PATTERN,
    };
    const event = (payoutId: string) =>
      ({
        ...h.opsEvent('GET', '/ops/payouts', undefined, { payout_id: payoutId }),
        routeKey: 'GET /ops/payouts',
      }) as never;
    expect((await operatorLookup(deps, event(created.payout.payoutId), 'req-read-1')).statusCode).toBe(200);
    const missing = `po_${ulid()}`;
    await operatorLookup(deps, event(missing), 'req-read-2');
    const records = await expectValidChain({ type: 'payout', id: created.payout.payoutId });
    expect(records.map((r) => [r.action, r.outcome, r.request_id])).toEqual([
      ['payout.created', 'applied', 'req-create-1'],
      ['payout.read', 'read', 'req-read-1'],
    ]);
    expect((await chainOf({ type: 'payout_lookup', id: `payout_id:${missing}` }))[0]).toMatchObject({
      outcome: 'not_found',
      request_id: 'req-read-2',
    });
    // No chain was started for a payout that does not exist: its creation will be its first record.
    expect(await trail.head({ type: 'payout', id: missing })).toEqual(EMPTY_CHAIN);
  });
});

function raceEntry(subject: AuditSubject, n: number): AuditEntry {
  return {
    at: new Date().toISOString(),
    actor: { type: 'operator', id: `op-${n}`, role: 'ops', tenant: null },
    action: 'dlq.redrive',
    subject,
    tenant_id: null,
    request_id: `req-race-${n}`,
    outcome: 'dry_run',
    details: { n },
  };
}

describe('concurrent writers keep one chain linear', () => {
  it('5 appends at once to one subject: seq 1..5, each after the one before, no fork, none lost', async () => {
    const subject: AuditSubject = { type: 'queue', id: `race-${ulid()}` };
    const written = await Promise.all(Array.from({ length: 5 }, (_v, n) => trail.append(raceEntry(subject, n))));
    const records = await expectValidChain(subject);
    expect(records).toHaveLength(5);
    expect(new Set(records.map((r) => r.request_id))).toEqual(new Set(written.map((r) => r.request_id)));
  });

  it('30 at once: each is written or refused as contended — never forked, never half-written', async () => {
    const subject: AuditSubject = { type: 'queue', id: `storm-${ulid()}` };
    const settled = await Promise.allSettled(
      Array.from({ length: 30 }, (_v, n) => trail.append(raceEntry(subject, n))),
    );
    const written = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value.request_id] : []));
    for (const s of settled) if (s.status === 'rejected') expect(s.reason).toBeInstanceOf(AuditChainContendedError);
    const records = await expectValidChain(subject);
    expect(records.map((r) => r.request_id).sort()).toEqual([...written].sort());
  });

  it("a payout's transitions racing its operator reads: every one recorded, the chain still linear", async () => {
    const created = samplePayout();
    await h.payouts.createPayout(created);
    const payoutId = created.payout.payoutId;
    const reads = Array.from({ length: 4 }, (_v, n) =>
      trail.append({
        at: new Date().toISOString(),
        actor: { type: 'operator', id: 'ops-reader', role: 'ops', tenant: null },
        action: 'payout.read',
        subject: { type: 'payout', id: payoutId },
        tenant_id: 'acme',
        request_id: `req-read-${n}`,
        outcome: 'read',
        details: {},
      }),
    );
    await h.deliverSandbox(`evt_${ulid()}`, sandboxEvent(payoutId, 'in_transit'));
    const [outcomes] = await Promise.all([h.drain(), ...reads]);
    expect(outcomes).toEqual(['applied']);
    const records = await expectValidChain({ type: 'payout', id: payoutId });
    expect(records.filter((r) => r.action === 'payout.read')).toHaveLength(4);
    expect(records.filter((r) => r.action === 'payout.provider_pending')).toHaveLength(1);
  });
});

describe('GET /audit', () => {
  it('finds a payout by subject, an operator by actor, an action by action, each oldest first', async () => {
    const created = samplePayout();
    await h.payouts.createPayout(created);
    const subject = await getAudit({ subject: `payout:${created.payout.payoutId}` });
    expect(subject.status).toBe(200);
    expect(subject.body.data.map((r) => r.action)).toEqual(['payout.created']);
    expect(subject.body.next_cursor).toBeNull();

    const byActor = await getAudit({ actor: 'operator:operator-1', limit: '200' });
    expect(byActor.body.data.length).toBeGreaterThanOrEqual(3);
    expect(byActor.body.data.every((r) => r.actor.id === 'operator-1')).toBe(true);
    const ats = byActor.body.data.map((r) => `${r.at}#${r.audit_id}`);
    expect(ats).toEqual([...ats].sort());

    const byAction = await getAudit({ action: 'exception.resolved' });
    expect(byAction.body.data.length).toBeGreaterThanOrEqual(1);
    expect(byAction.body.data.every((r) => r.action === 'exception.resolved')).toBe(true);
  });

  it('pages with a cursor: limit 2 over the day walks every record once, in order', async () => {
    // One action, so the walk's own searches (each audited as audit.read) are not in what it pages:
    // paging the whole day at 2 a page chased one new record per page, some 200 pages.
    const filter = { action: 'payout.created' };
    const whole = await getAudit({ ...filter, limit: '200' });
    expect(whole.body.next_cursor).toBeNull();
    const first = whole.body.data.map((r) => r.audit_id);
    expect(first.length).toBeGreaterThan(2);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await getAudit({ ...filter, limit: '2', ...(cursor === null ? {} : { cursor }) });
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((r) => r.audit_id));
      cursor = page.body.next_cursor;
    } while (cursor !== null);
    expect(seen).toEqual(first);
  });

  it('records each search on audit_trail:search', async () => {
    const before = (await chainOf({ type: 'audit_trail', id: 'search' })).length;
    await getAudit({ action: 'payout.created' });
    const after = await expectValidChain({ type: 'audit_trail', id: 'search' });
    expect(after).toHaveLength(before + 1);
    expect(after[after.length - 1]).toMatchObject({
      action: 'audit.read',
      actor: { id: 'cora', role: 'compliance' },
      details: { filters: { action: 'payout.created' } },
    });
  });

  it.each([
    [{ colour: 'red' }, 'parameter_unknown', 'colour'],
    [{ actor: 'nobody' }, 'actor_invalid', 'actor'],
    [{ subject: 'planet:earth' }, 'subject_invalid', 'subject'],
    [{ action: 'payout.exploded' }, 'action_invalid', 'action'],
    [{ from: 'yesterday' }, 'from_invalid', 'from'],
    [{ from: '2026-11-25T00:00:00.000Z', to: '2026-11-24T00:00:00.000Z' }, 'invalid_range', 'from'],
    [{ from: '2026-01-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' }, 'range_too_long', 'from'],
    [{ limit: '201' }, 'limit_invalid', 'limit'],
    [{ cursor: 'not-a-cursor!' }, 'cursor_invalid', 'cursor'],
  ])('refuses %j with 400 %s, writing nothing', async (query, code, param) => {
    const before = (await chainOf({ type: 'audit_trail', id: 'search' })).length;
    const res = await getAudit(query as Record<string, string>);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code, param });
    expect(await chainOf({ type: 'audit_trail', id: 'search' })).toHaveLength(before);
  });

  it("refuses a cursor with another query's filters", async () => {
    const page = await getAudit({ limit: '1' });
    expect(page.body.next_cursor).not.toBeNull();
    const reused = await getAudit({ limit: '1', action: 'payout.created', cursor: page.body.next_cursor! });
    expect(reused).toMatchObject({ status: 400, body: { error: { code: 'cursor_invalid' } } });
  });

  it('refuses a tenant token (403 operator_route_forbidden_for_tenant) and an operator without audit:read', async () => {
    const tenant = await getAudit(
      {},
      { principal_type: 'tenant', principal_role: 'backend', tenant_id: 'acme', sub: 'c' },
      'payout-platform/payouts:read',
    );
    expect(tenant).toMatchObject({ status: 403, body: { error: { code: 'operator_route_forbidden_for_tenant' } } });
    const ops = await getAudit(
      {},
      { principal_type: 'operator', principal_role: 'ops', sub: 'o' },
      'payout-platform/ops:read',
    );
    expect(ops).toMatchObject({ status: 403, body: { error: { code: 'insufficient_scope' } } });
  });
});

describe('verify', () => {
  it("passes today's chains, then names a tampered record and a deleted one", async () => {
    const clean = await verifyAuditDay(verifyDeps, today());
    expect(clean.first_break).toBeNull();
    expect(clean.ok).toBe(true);
    expect(clean.checked.chains).toBeGreaterThanOrEqual(6);

    const created = samplePayout();
    await h.payouts.createPayout(created);
    const payoutId = created.payout.payoutId;
    await h.deliverSandbox(`evt_${ulid()}`, sandboxEvent(payoutId, 'in_transit'));
    await h.deliverSandbox(`evt_${ulid()}`, sandboxEvent(payoutId, 'paid'));
    await h.drain();
    const subject: AuditSubject = { type: 'payout', id: payoutId };
    const [, second] = await chainOf(subject);
    const { documentClient } = emulators.clients;
    const table = emulators.env['AUDIT_TABLE']!;
    await documentClient.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: auditChainPk(subject), sk: auditRecordSk(2) },
        UpdateExpression: 'SET details.#to = :to',
        ExpressionAttributeNames: { '#to': 'to' },
        ExpressionAttributeValues: { ':to': 'failed' },
      }),
    );
    const tampered = await verifyAuditDay(verifyDeps, today());
    expect(tampered.ok).toBe(false);
    expect(tampered.breaks).toEqual([
      expect.objectContaining({
        reason: 'hash_mismatch',
        chain: `payout:${payoutId}`,
        audit_id: second!.audit_id,
        seq: 2,
      }),
    ]);

    await documentClient.send(
      new DeleteCommand({ TableName: table, Key: { pk: auditChainPk(subject), sk: auditRecordSk(2) } }),
    );
    const deleted = await verifyAuditDay(verifyDeps, today());
    expect(deleted.breaks).toEqual([expect.objectContaining({ reason: 'seq_gap', seq: 3 })]);
  });

  it('refuses a date that is not a calendar day or is in the future', async () => {
    await expect(verifyAuditDay(verifyDeps, '2026-02-30')).rejects.toMatchObject({ name: 'InvalidAuditDateError' });
    await expect(verifyAuditDay(verifyDeps, '9999-01-01')).rejects.toMatchObject({ name: 'InvalidAuditDateError' });
  });
});
