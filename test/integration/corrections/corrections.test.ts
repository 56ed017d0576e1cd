// Manual corrections on DynamoDB Local + fauxqs (issue 10): propose → second-operator approval →
// applied in one transaction (payout, timeline with source operator, audit, balanced ledger); every
// bad input refused with a machine-readable error and no state change; a contradicting provider
// event after a correction (webhook and poll) opens exactly one exception and moves nothing; an
// exception's resolution may name the correction that fixed it.
import { DeleteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import { ulid } from 'ulidx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadLetterQueue } from '../../../functions/adapters/dlq';
import { readBalances } from '../../../functions/adapters/ledger-balances';
import { RecheckMarkers } from '../../../functions/adapters/recheck-markers';
import type { AuditTrail } from '../../../functions/adapters/audit-trail';
import { CorrectionsRepository } from '../../../functions/adapters/corrections-repository';
import type { PayoutsStore } from '../../../functions/adapters/payouts-store';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { ActionKeyLocks } from '../../../functions/adapters/action-keys';
import { idempotentAction } from '../../../functions/app/actions/idempotent-action';
import type { CorrectionsDeps } from '../../../functions/app/corrections/actions';
import { idempotentCorrections } from '../../../functions/app/corrections/idempotent-corrections';
import { correctionsApi } from '../../../functions/app/corrections/corrections-api';
import { sweep } from '../../../functions/app/sweeper/sweep';
import { EMPTY_CHAIN, type AuditEntry, type AuditRecord } from '../../../functions/domain/audit';
import { verifyChain } from '../../../functions/domain/audit-verify';
import { exceptionIdFor } from '../../../functions/domain/exceptions';
import type { Payout } from '../../../functions/domain/payout';
import type { ProviderPort } from '../../../functions/domain/provider-port';
import { mapSandboxState } from '../../../functions/domain/provider-status';
import { httpHandler } from '../../../functions/http/http-handler';
import { CORRECTION_ID_PREFIX } from '../../../functions/shared/ids';
import { CORRECTIONS_IDEMPOTENCY_KEY_PREFIX } from '../../../functions/shared/names';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { copyOf, journalEntriesOf, payoutItemOf } from '../../support/ledger-copy-check';
import { queryJournalsOf } from '../../../functions/adapters/reconciliation/day-reads';
import { dayWindow, ReconciliationPayoutsSource } from '../../../functions/adapters/reconciliation/payouts-source';
import { ledgerFactOf, type LedgerFact } from '../../../functions/domain/reconciliation/matching-types';
import { samplePayout, scanAll } from '../payouts/helpers';
import { harness, sandboxEvent } from './../webhooks/harness';

let emulators: StartedEmulators;
let h: ReturnType<typeof harness>;
let call: ReturnType<typeof httpHandler>;

beforeAll(async () => {
  emulators = await startEmulators();
  h = harness(emulators);
  const deps: CorrectionsDeps = {
    corrections: h.corrections,
    payouts: h.payouts,
    nowMs: () => Date.now(),
    newCorrectionId: () => `${CORRECTION_ID_PREFIX}${ulid()}`,
  };
  call = handlerWith(deps);
}, 120_000);

/** The corrections API as ops-corrections wires it: every POST inside the idempotency primitive. */
function handlerWith(deps: CorrectionsDeps): ReturnType<typeof httpHandler> {
  const action = idempotentAction({
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: emulators.names.tables['IdempotencyTable']!,
      awsSdkV3Client: emulators.clients.dynamodb,
    }),
    keyPrefix: CORRECTIONS_IDEMPOTENCY_KEY_PREFIX,
    expiresAfterSeconds: 3_600,
    locks: new ActionKeyLocks(emulators.clients.documentClient, emulators.env['OPERATIONS_TABLE']!),
    newSalt: () => ulid(),
    now: () => new Date(),
  });
  return httpHandler((event, _requestId, context) =>
    correctionsApi({ ...deps, runAction: idempotentCorrections(deps, action) }, event, context),
  );
}
const LAMBDA_CONTEXT = {
  functionName: 'ops-corrections',
  awsRequestId: 'local',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;
afterAll(async () => emulators?.stop());

interface Who {
  operator: string;
  role?: string;
  scopes?: string[];
  tenant?: string;
}
const ALICE: Who = { operator: 'alice', role: 'ops' };
const CAROL: Who = { operator: 'carol', role: 'compliance' };

function eventOf(
  who: Who,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  query?: Record<string, string>,
) {
  const claims: Record<string, unknown> =
    who.tenant === undefined
      ? {
          principal_type: 'operator',
          principal_role: who.role ?? 'ops',
          username: who.operator,
          sub: `sub-${who.operator}`,
        }
      : { principal_type: 'tenant', principal_role: 'backend', tenant_id: who.tenant, sub: 'client-1' };
  return {
    rawPath: path,
    routeKey: `${method} ${path}`,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(query === undefined ? {} : { queryStringParameters: query }),
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    isBase64Encoded: false,
    requestContext: {
      requestId: `req-${ulid()}`,
      http: { method },
      authorizer: {
        jwt: {
          claims: {
            ...claims,
            client_id: 'ops-console',
            scope: (who.scopes ?? ['payouts:correct']).map((s) => `payout-platform/${s}`).join(' '),
          },
        },
      },
    },
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}

async function api(
  who: Who,
  method: string,
  path: string,
  body?: unknown,
  options: { key?: string | null; query?: Record<string, string> } = {},
) {
  const key = options.key === undefined ? `key-${ulid()}` : options.key;
  const headers: Record<string, string> = method === 'POST' && key !== null ? { 'idempotency-key': key } : {};
  const res = await call(eventOf(who, method, path, body, headers, options.query), LAMBDA_CONTEXT);
  return {
    status: res.statusCode,
    body: JSON.parse(res.body) as Record<string, any>,
    headers: res.headers ?? {},
    text: res.body,
  };
}

const propose = (who: Who, payoutId: string, body: unknown, key?: string | null) =>
  api(who, 'POST', `/ops/payouts/${payoutId}/corrections`, body, key === undefined ? {} : { key });
const approve = (who: Who, correctionId: string, body?: unknown) =>
  api(who, 'POST', `/ops/corrections/${correctionId}/approve`, body);
const reject = (who: Who, correctionId: string, body: unknown) =>
  api(who, 'POST', `/ops/corrections/${correctionId}/reject`, body);

const MARK_PAID = {
  kind: 'status',
  target_status: 'paid',
  reason: 'The provider statement of today lists it paid; its webhook never came.',
  evidence: { type: 'provider_statement', reference: 'stmt_2026-11-20#line-14' },
};
const evt = () => `evt_corr_${ulid()}`;

/** A payout of its own tenant (so its balances are its own), taken to `pending` by a webhook. */
async function pendingPayout(): Promise<Payout> {
  const created = samplePayout({ tenantId: `t-${ulid().toLowerCase()}` });
  await h.payouts.createPayout(created);
  await h.deliverSandbox(evt(), sandboxEvent(created.payout.payoutId, 'in_transit'));
  expect(await h.drain()).toEqual(['applied']);
  const payout = await h.payouts.getPayoutById(created.payout.payoutId);
  expect(payout?.status).toBe('pending');
  return payout!;
}

async function balancesOf(payout: Payout): Promise<Record<string, number>> {
  const { balances } = await readBalances(
    emulators.clients.documentClient,
    emulators.env['LEDGER_TABLE']!,
    payout.currency,
    payout.tenantId,
  );
  return Object.fromEntries(balances.map((b) => [b.account, b.balanceMinor]));
}
const sum = (balances: Record<string, number>) => Object.values(balances).reduce((a, b) => a + b, 0);

/** The payout's chain in the audit trail (AUDIT_TABLE), oldest first. */
async function auditOf(payoutId: string): Promise<AuditRecord[]> {
  return h.audit.chainRecords({ type: 'payout', id: payoutId }, 1, Number.MAX_SAFE_INTEGER, { strict: true });
}

/** Everything a refused request could have touched: the payout, its partition, the ledger, every correction, its audit chain. */
async function footprint(payoutId: string) {
  const { documentClient } = emulators.clients;
  const payouts = await scanAll(documentClient, emulators.env['PAYOUTS_TABLE']!);
  const audit = await scanAll(documentClient, emulators.env['AUDIT_TABLE']!);
  const ledger = await scanAll(documentClient, emulators.env['LEDGER_TABLE']!);
  const operations = await documentClient.send(
    new ScanCommand({ TableName: emulators.env['OPERATIONS_TABLE']!, ConsistentRead: true }),
  );
  return {
    payout: payouts
      .filter((i) => i['pk'] === `PAYOUT#${payoutId}`)
      .sort((a, b) => String(a['sk']).localeCompare(String(b['sk']))),
    ledger: ledger.filter((i) => i['pk'] === `JOURNAL#${payoutId}` || String(i['pk']).startsWith('BALANCE#')),
    corrections: (operations.Items ?? []).filter((i) => String(i['pk']).startsWith('CORR#')),
    audit: audit
      .filter((i) => String(i['pk']).includes(payoutId))
      .sort((a, b) => String(a['sk']).localeCompare(String(b['sk']))),
  };
}

describe('a status correction: proposed, approved by a second operator, applied in one transaction', () => {
  it('marks a pending payout paid with source operator, books in_transit → settled, writes timeline and audit', async () => {
    const payout = await pendingPayout();
    const ledgerBefore = await balancesOf(payout);
    expect(ledgerBefore).toMatchObject({ available: -payout.amountMinor, in_transit: payout.amountMinor });

    const proposed = await propose(ALICE, payout.payoutId, MARK_PAID);
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(201);
    expect(proposed.body).toMatchObject({
      state: 'proposed',
      kind: 'status',
      target_status: 'paid',
      payout_id: payout.payoutId,
      tenant_id: payout.tenantId,
      from_status: 'pending',
      payout_version: payout.version,
      proposed_by: 'alice',
      approved_by: null,
      applied_at: null,
      evidence: MARK_PAID.evidence,
    });
    const correctionId = String(proposed.body['correction_id']);
    // Nothing moved yet: the payout and the ledger are as they were; the proposal is audited.
    expect((await h.payouts.getPayoutById(payout.payoutId))?.status).toBe('pending');
    expect(await balancesOf(payout)).toEqual(ledgerBefore);
    expect((await auditOf(payout.payoutId)).at(-1)).toMatchObject({
      action: 'correction.proposed',
      outcome: 'applied',
      subject: { type: 'payout', id: payout.payoutId },
      tenant_id: payout.tenantId,
      actor: { type: 'operator', id: 'alice', role: 'ops', tenant: null },
      request_id: expect.stringMatching(/^req-/),
      details: {
        correction_id: correctionId,
        kind: 'status',
        target_status: 'paid',
        reason: MARK_PAID.reason,
        evidence: MARK_PAID.evidence,
        from: 'pending',
      },
    });

    const listed = await api(CAROL, 'GET', '/ops/corrections', undefined, {
      query: { state: 'proposed', payout_id: payout.payoutId },
    });
    expect(listed.body['data'].map((c: any) => c.correction_id)).toEqual([correctionId]);

    const approved = await approve(CAROL, correctionId, { note: 'statement line checked' });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({
      state: 'applied',
      approved_by: 'carol',
      approval_note: 'statement line checked',
    });

    const after = await h.payouts.getPayoutById(payout.payoutId);
    expect(after).toMatchObject({
      status: 'paid',
      version: payout.version + 1,
      statusReason: 'operator_correction',
      correctionId,
      correctedStatus: 'paid',
      statusCorrectionId: correctionId,
    });
    const ledgerAfter = await balancesOf(payout);
    expect(ledgerAfter).toMatchObject({ available: -payout.amountMinor, in_transit: 0, settled: payout.amountMinor });
    expect(sum(ledgerAfter)).toBe(0);
    const timeline = await h.payouts.listTimelineOfAnyTenant(payout.payoutId);
    expect(timeline.at(-1)).toMatchObject({
      event: 'status_corrected',
      outcome: 'applied',
      from: 'pending',
      to: 'paid',
      source: 'operator',
    });
    expect(timeline.at(-1)?.statusReason).toContain(`correction ${correctionId}: proposed by alice, approved by carol`);
    const applied = (await auditOf(payout.payoutId)).at(-1);
    expect(applied).toMatchObject({
      action: 'correction.applied',
      outcome: 'applied',
      actor: { type: 'operator', id: 'carol', role: 'compliance' },
      details: {
        correction_id: correctionId,
        proposed_by: 'alice',
        approved_by: 'carol',
        from: 'pending',
        to: 'paid',
        version: payout.version + 1,
      },
    });
    expect((await api(ALICE, 'GET', `/ops/corrections/${correctionId}`)).body).toMatchObject({
      state: 'applied',
      applied_at: expect.any(String),
    });
    // Approved once: a second approval (or a rejection) is refused.
    expect((await approve({ operator: 'dave', role: 'ops' }, correctionId)).body['error']).toMatchObject({
      code: 'correction_not_proposed',
    });
    expect((await reject(CAROL, correctionId, { reason: 'late' })).status).toBe(409);
  });

  it('a ledger adjustment books its legs as balanced moves and keeps the status', async () => {
    const payout = await pendingPayout();
    const before = await balancesOf(payout);
    const proposed = await propose(ALICE, payout.payoutId, {
      kind: 'ledger_adjustment',
      postings: [
        { account: 'fees', currency: 'EUR', amount: 25 },
        { account: 'available', currency: 'EUR', amount: -25 },
      ],
      reason: 'Provider fee not booked',
      evidence: { type: 'url', reference: 'https://provider.example/invoices/8812' },
    });
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(201);
    const approved = await approve(CAROL, proposed.body['correction_id']);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const after = await balancesOf(payout);
    expect(after).toEqual({ ...before, available: (before['available'] ?? 0) - 25, fees: (before['fees'] ?? 0) + 25 });
    expect(sum(after)).toBe(0);
    const stored = await h.payouts.getPayoutById(payout.payoutId);
    expect(stored).toMatchObject({
      status: 'pending',
      version: payout.version + 1,
      correctionId: proposed.body['correction_id'],
    });
    expect(stored?.correctedStatus).toBeUndefined();
    expect((await h.payouts.listTimelineOfAnyTenant(payout.payoutId)).at(-1)).toMatchObject({
      event: 'ledger_adjusted',
      from: 'pending',
      to: 'pending',
      source: 'operator',
    });
  });

  it("a correction's entry joins the journal's copy on the payout item, and reconciliation reads it from there", async () => {
    const client = emulators.clients.documentClient;
    const [payoutsTable, ledgerTable] = [emulators.env['PAYOUTS_TABLE']!, emulators.env['LEDGER_TABLE']!];
    const corrected = await pendingPayout();
    const adjusted = await pendingPayout();
    const proposals = [
      await propose(ALICE, corrected.payoutId, MARK_PAID),
      await propose(ALICE, adjusted.payoutId, {
        kind: 'ledger_adjustment',
        postings: [
          { account: 'fees', currency: 'EUR', amount: 40 },
          { account: 'available', currency: 'EUR', amount: -40 },
        ],
        reason: 'Provider fee not booked',
        evidence: { type: 'url', reference: 'https://provider.example/invoices/8813' },
      }),
    ];
    for (const proposed of proposals) expect((await approve(CAROL, proposed.body['correction_id'])).status).toBe(200);
    const ids = [corrected.payoutId, adjusted.payoutId];
    for (const payoutId of ids) {
      const item = await payoutItemOf(client, payoutsTable, payoutId);
      const journal = await journalEntriesOf(client, ledgerTable, payoutId);
      expect(journal.map((entry) => entry.entryId).at(-1)).toMatch(/^ENTRY#\d{6}#(status_corrected|ledger_adjusted)$/);
      expect(item['ledgerEntriesComplete']).toBe(true);
      expect(copyOf(item)).toEqual(journal);
    }
    const window = dayWindow(corrected.createdAt.slice(0, 10));
    const source = new ReconciliationPayoutsSource({ client, payoutsTable, ledgerTable });
    for await (const _ of source.payoutsCreatedIn(window));
    const fromItems: LedgerFact[] = [];
    for await (const fact of source.ledgerFactsFrom(window)) if (ids.includes(fact.payoutId)) fromItems.push(fact);
    const fromJournal: LedgerFact[] = [];
    for await (const item of queryJournalsOf(client, ledgerTable, ids, window.fromIso))
      fromJournal.push(ledgerFactOf(String(item['payoutId']), item['postings'] as never));
    const order = (facts: LedgerFact[]) => facts.map((f) => JSON.stringify(f)).sort();
    expect(order(fromItems)).toEqual(order(fromJournal));
    expect(fromItems).toContainEqual({ payoutId: adjusted.payoutId, sentMinor: 0, feeMinor: 40 });
  });

  it('a rejection needs a reason, changes only the record and is audited', async () => {
    const payout = await pendingPayout();
    const proposed = await propose(ALICE, payout.payoutId, MARK_PAID);
    const id = String(proposed.body['correction_id']);
    const refused = await reject(CAROL, id, {});
    expect(refused).toMatchObject({ status: 400, body: { error: { code: 'field_missing', param: 'reason' } } });
    const rejected = await reject(CAROL, id, { reason: 'that statement line is another payout' });
    expect(rejected.body).toMatchObject({
      state: 'rejected',
      rejected_by: 'carol',
      rejection_reason: 'that statement line is another payout',
    });
    expect(await h.payouts.getPayoutById(payout.payoutId)).toMatchObject({
      status: 'pending',
      version: payout.version,
    });
    expect((await auditOf(payout.payoutId)).at(-1)).toMatchObject({
      action: 'correction.rejected',
      outcome: 'applied',
      actor: { type: 'operator', id: 'carol', role: 'compliance' },
      details: {
        correction_id: id,
        proposed_by: 'alice',
        rejected_by: 'carol',
        reason: 'that statement line is another payout',
      },
    });
    expect((await approve(CAROL, id)).body['error']).toMatchObject({ code: 'correction_not_proposed' });
  });
});

describe('bad input: a machine-readable error and no state change', () => {
  let payout: Payout;
  let proposedId: string;
  beforeAll(async () => {
    payout = await pendingPayout();
    proposedId = String((await propose(ALICE, payout.payoutId, MARK_PAID)).body['correction_id']);
  });

  const cases: Array<
    [string, () => Promise<{ status: number; body: Record<string, any> }>, number, Record<string, unknown>]
  > = [
    [
      'self-approval',
      () => approve(ALICE, proposedId),
      403,
      { code: 'self_approval_forbidden', type: 'permission_error' },
    ],
    [
      'no reason',
      () => propose(ALICE, payout.payoutId, { ...MARK_PAID, reason: undefined }),
      400,
      { code: 'field_missing', param: 'reason' },
    ],
    [
      'no evidence',
      () => propose(ALICE, payout.payoutId, { ...MARK_PAID, evidence: undefined }),
      400,
      { code: 'field_missing', param: 'evidence' },
    ],
    [
      'evidence without a reference',
      () => propose(ALICE, payout.payoutId, { ...MARK_PAID, evidence: { type: 'document' } }),
      400,
      { code: 'field_missing', param: 'evidence.reference' },
    ],
    [
      'a blank reason',
      () => propose(ALICE, payout.payoutId, { ...MARK_PAID, reason: '   ' }),
      400,
      { code: 'invalid_text', param: 'reason' },
    ],
    [
      'a url evidence that is no URL',
      () => propose(ALICE, payout.payoutId, { ...MARK_PAID, evidence: { type: 'url', reference: 'stmt 14' } }),
      400,
      { code: 'invalid_evidence_reference' },
    ],
    [
      'an unbalanced adjustment',
      () =>
        propose(ALICE, payout.payoutId, {
          kind: 'ledger_adjustment',
          postings: [
            { account: 'fees', currency: 'EUR', amount: 25 },
            { account: 'available', currency: 'EUR', amount: -20 },
          ],
          reason: 'r',
          evidence: { type: 'ticket', reference: 'OPS-1' },
        }),
      400,
      { code: 'unbalanced_adjustment', param: 'postings' },
    ],
    [
      'an account posted twice',
      () =>
        propose(ALICE, payout.payoutId, {
          kind: 'ledger_adjustment',
          postings: [
            { account: 'fees', currency: 'EUR', amount: 25 },
            { account: 'fees', currency: 'EUR', amount: -25 },
          ],
          reason: 'r',
          evidence: { type: 'ticket', reference: 'OPS-1' },
        }),
      400,
      { code: 'posting_account_repeated' },
    ],
    [
      "an adjustment outside the payout's currency",
      () =>
        propose(ALICE, payout.payoutId, {
          kind: 'ledger_adjustment',
          postings: [
            { account: 'fees', currency: 'USD', amount: 25 },
            { account: 'available', currency: 'USD', amount: -25 },
          ],
          reason: 'r',
          evidence: { type: 'ticket', reference: 'OPS-1' },
        }),
      422,
      { code: 'adjustment_currency_mismatch' },
    ],
    [
      'a status correction with postings',
      () =>
        propose(ALICE, payout.payoutId, {
          ...MARK_PAID,
          postings: [
            { account: 'fees', currency: 'EUR', amount: 1 },
            { account: 'available', currency: 'EUR', amount: -1 },
          ],
        }),
      400,
      { code: 'field_unknown', param: 'postings' },
    ],
    [
      'a target the table refuses',
      () => propose(ALICE, payout.payoutId, { ...MARK_PAID, target_status: 'reversed' }),
      409,
      { code: 'correction_target_not_allowed' },
    ],
    [
      'a target that is no outcome',
      () => propose(ALICE, payout.payoutId, { ...MARK_PAID, target_status: 'accepted' }),
      400,
      { code: 'invalid_target_status' },
    ],
    [
      'no Idempotency-Key',
      () => propose(ALICE, payout.payoutId, MARK_PAID, null),
      400,
      { code: 'idempotency_key_missing', param: 'Idempotency-Key' },
    ],
    ['an unknown payout', () => propose(ALICE, `po_${ulid()}`, MARK_PAID), 404, { code: 'resource_not_found' }],
    [
      'a tenant token',
      () => propose({ operator: 'x', tenant: 'acme', scopes: ['payouts:correct'] }, payout.payoutId, MARK_PAID),
      403,
      { code: 'operator_route_forbidden_for_tenant' },
    ],
    [
      'an operator without payouts:correct (finance)',
      () => propose({ operator: 'fin', role: 'finance', scopes: ['exceptions:write'] }, payout.payoutId, MARK_PAID),
      403,
      { code: 'insufficient_scope' },
    ],
    ['an unknown correction', () => approve(CAROL, `cor_${ulid()}`), 404, { code: 'resource_not_found' }],
    [
      'a reject without a reason',
      () => reject(CAROL, proposedId, { note: 'no' }),
      400,
      { code: 'field_unknown', param: 'note' },
    ],
  ];
  it.each(cases)('%s', async (_name, request, status, error) => {
    const before = await footprint(payout.payoutId);
    const answer = await request();
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    expect(answer.body['error']).toMatchObject({
      ...error,
      request_id: expect.any(String),
      category: expect.any(String),
    });
    expect(await footprint(payout.payoutId)).toEqual(before);
  });

  it('approving after the payout moved (a webhook came) is refused, nothing written; a person rejects it', async () => {
    const moving = await pendingPayout();
    const id = String((await propose(ALICE, moving.payoutId, MARK_PAID)).body['correction_id']);
    await h.deliverSandbox(evt(), sandboxEvent(moving.payoutId, 'paid'));
    expect(await h.drain()).toEqual(['applied']);
    const before = await footprint(moving.payoutId);
    const answer = await approve(CAROL, id);
    expect(answer).toMatchObject({
      status: 409,
      body: { error: { code: 'payout_changed', category: 'human_action_required' } },
    });
    expect(await footprint(moving.payoutId)).toEqual(before);
    expect((await reject(CAROL, id, { reason: 'paid by webhook meanwhile' })).status).toBe(200);
  });
});

describe('a provider event that contradicts an applied correction', () => {
  async function correctedPaid(): Promise<{ payout: Payout; correctionId: string }> {
    const payout = await pendingPayout();
    const correctionId = String((await propose(ALICE, payout.payoutId, MARK_PAID)).body['correction_id']);
    expect((await approve(CAROL, correctionId)).status).toBe(200);
    return { payout: (await h.payouts.getPayoutById(payout.payoutId))!, correctionId };
  }
  const contradictions = async (payoutId: string) =>
    (await h.exceptions.list({ category: 'correction_contradicted', limit: 200 })).items.filter(
      (e) => e.payoutId === payoutId,
    );

  it('a late failed webhook opens exactly one exception and does not override paid; a replay updates the same row', async () => {
    const { payout, correctionId } = await correctedPaid();
    const ledgerBefore = await balancesOf(payout);
    const eventId = evt();
    expect(
      (await h.deliverSandbox(eventId, sandboxEvent(payout.payoutId, 'failed', { failure_code: 'account_closed' })))
        .statusCode,
    ).toBe(202);
    expect(await h.drain()).toEqual(['contradicted']);
    const after = await h.payouts.getPayoutById(payout.payoutId);
    expect(after).toMatchObject({ status: 'paid', version: payout.version, correctedStatus: 'paid' });
    expect(await balancesOf(payout)).toEqual(ledgerBefore);
    const opened = await contradictions(payout.payoutId);
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({
      exceptionId: exceptionIdFor({
        category: 'correction_contradicted',
        payoutId: payout.payoutId,
        via: { kind: 'webhook', provider: 'sandbox', providerEventId: eventId },
      }),
      owner: 'ops',
      state: 'open',
      evidence: {
        correction_id: correctionId,
        corrected_status: 'paid',
        provider: 'sandbox',
        provider_event_id: eventId,
        event: 'provider_failed',
        event_type: 'payout.failed',
      },
    });
    expect((await h.payouts.listTimelineOfAnyTenant(payout.payoutId)).at(-1)).toMatchObject({
      event: 'provider_failed',
      outcome: 'contradicted',
      source: 'provider_webhook',
    });
    expect((await auditOf(payout.payoutId)).at(-1)).toMatchObject({
      action: 'payout.provider_failed',
      outcome: 'contradicted',
      actor: { type: 'provider', id: 'sandbox' },
      details: {
        from: 'paid',
        to: null,
        correction_id: correctionId,
        corrected_status: 'paid',
        source: 'provider_webhook',
      },
    });
    expect(await h.inbox.get('sandbox', eventId)).toMatchObject({ outcome: 'contradicted' });

    // Replayed from the inbox (an operator's replay): processed again, still one exception.
    expect((await h.ops('POST', '/ops/replay', { event_ids: [`sandbox#${eventId}`] })).status).toBe(200);
    expect(await h.drain()).toEqual(['contradicted']);
    const again = await contradictions(payout.payoutId);
    expect(again).toHaveLength(1);
    expect(again[0]?.occurrences).toBe(2);
    expect((await h.payouts.getPayoutById(payout.payoutId))?.status).toBe('paid');
  });

  it('a late matching paid webhook records as stale, opens nothing', async () => {
    const { payout } = await correctedPaid();
    await h.deliverSandbox(evt(), sandboxEvent(payout.payoutId, 'paid'));
    expect(await h.drain()).toEqual(['stale']);
    expect(await contradictions(payout.payoutId)).toHaveLength(0);
    expect(await h.payouts.getPayoutById(payout.payoutId)).toMatchObject({ status: 'paid', version: payout.version });
  });

  it("the sweeper's poll path: a failed answer opens one exception however often it is asked", async () => {
    const { payout, correctionId } = await correctedPaid();
    const rechecks = new RecheckMarkers(emulators.clients.documentClient, emulators.env['OPERATIONS_TABLE']!);
    const failed: ProviderPort = {
      provider: 'sandbox',
      submit: async () => {
        throw new Error('not used');
      },
      cancel: async () => {
        throw new Error('not used');
      },
      requestReturn: async () => {
        throw new Error('not used');
      },
      getStatus: async () => ({
        kind: 'found',
        providerReference: payout.providerReference!,
        state: mapSandboxState('failed'),
        countAtProvider: 1,
        amountMinor: payout.amountMinor,
        currency: payout.currency,
      }),
    };
    const sweepOnce = async () => {
      await rechecks.request({ payoutId: payout.payoutId, reason: 'test', requestedAt: new Date().toISOString() });
      return sweep({
        inbox: h.inbox,
        webhookQueue: h.intakeDeps.queue,
        dlq: new DeadLetterQueue(emulators.clients.sqs),
        dlqUrls: {
          webhook: h.dlqUrl,
          submission: emulators.env['SUBMISSION_DLQ_URL']!,
          reconciliation: emulators.env['RECONCILIATION_DLQ_URL']!,
          batch: emulators.env['BATCH_DLQ_URL']!,
        },
        exceptions: h.exceptions,
        rechecks,
        payouts: h.payouts,
        awaiting: { quietSince: async () => [] },
        providers: { sandbox: failed },
        nowMs: () => Date.now(),
      });
    };
    expect(await sweepOnce()).toMatchObject({ correctionContradicted: 1, applied: 0, errors: 0 });
    expect(await sweepOnce()).toMatchObject({ correctionContradicted: 1, applied: 0, errors: 0 });
    const opened = await contradictions(payout.payoutId);
    expect(opened).toHaveLength(1);
    expect(opened[0]?.evidence).toMatchObject({
      correction_id: correctionId,
      source: 'poller',
      event: 'provider_failed',
    });
    expect((await h.payouts.getPayoutById(payout.payoutId))?.status).toBe('paid');
  });

  it('resolving the exception may name the correction: it must exist, be about its payout, and be applied', async () => {
    const { payout, correctionId } = await correctedPaid();
    await h.deliverSandbox(evt(), sandboxEvent(payout.payoutId, 'failed'));
    expect(await h.drain()).toEqual(['contradicted']);
    const [exception] = await contradictions(payout.payoutId);
    const other = await pendingPayout();
    const proposedElsewhere = String((await propose(ALICE, other.payoutId, MARK_PAID)).body['correction_id']);
    const ownProposal = String(
      (await propose(ALICE, payout.payoutId, { ...MARK_PAID, target_status: 'reversed', reason: 'r' })).body[
        'correction_id'
      ],
    );
    const resolve = (body: unknown) => h.ops('POST', `/exceptions/${exception!.exceptionId}/resolve`, body);
    expect((await resolve({ note: 'checked', correction_id: `cor_${ulid()}` })).body['error']).toMatchObject({
      code: 'correction_not_found',
      param: 'correction_id',
    });
    expect((await resolve({ note: 'checked', correction_id: proposedElsewhere })).body['error']).toMatchObject({
      code: 'correction_payout_mismatch',
    });
    expect((await resolve({ note: 'checked', correction_id: ownProposal })).body['error']).toMatchObject({
      code: 'correction_not_applied',
    });
    expect((await resolve({ note: 'checked', correction_id: 'not-an-id' })).body['error']).toMatchObject({
      code: 'invalid_correction_id',
    });
    expect((await h.exceptions.get(exception!.exceptionId))?.state).toBe('open');
    const resolved = await resolve({
      note: 'the statement is right; the provider confirmed its failed event was sent in error',
      correction_id: correctionId,
    });
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    expect(resolved.body['resolution']).toMatchObject({ correction_id: correctionId });
    expect((await h.exceptions.history(exception!.exceptionId)).at(-1)).toMatchObject({
      action: 'exception.resolved',
      actor: { type: 'operator' },
      details: { state: 'resolved', correction_id: correctionId },
    });
  });
});

/** Runs `run` with the corrections API served by `handler`. */
async function withCall<T>(handler: ReturnType<typeof httpHandler>, run: () => Promise<T>): Promise<T> {
  const saved = call;
  call = handler;
  try {
    return await run();
  } finally {
    call = saved;
  }
}
describe("the audit trail of corrections: in the payout's chain, in the same transaction as the change", () => {
  /** An operator's read of the payout (ops-payouts appends one per read): another writer on the chain. */
  const readEntry = (payout: Payout): AuditEntry => ({
    at: new Date().toISOString(),
    actor: { type: 'operator', id: 'dave', role: 'ops', tenant: null },
    action: 'payout.read',
    subject: { type: 'payout', id: payout.payoutId },
    tenant_id: payout.tenantId,
    request_id: `req-${ulid()}`,
    outcome: 'read',
    details: { route: 'GET /ops/payouts/{payoutId}/events' },
  });

  /**
   * The corrections repository over a trail whose chain moves between the head read and the write:
   * after each of the first `races` prepares, another operator's read is appended to the same chain.
   */
  function racingCall(payout: Payout, races: number): ReturnType<typeof httpHandler> {
    let left = races;
    const trail: AuditTrail = Object.create(h.audit, {
      prepare: {
        value: async (entry: AuditEntry) => {
          const prepared = await h.audit.prepare(entry);
          if (left-- > 0) await h.audit.append(readEntry(payout));
          return prepared;
        },
      },
    });
    const store: PayoutsStore = Object.create(h.payouts, { audit: { value: trail } });
    const corrections = new CorrectionsRepository(
      emulators.clients.documentClient,
      emulators.env['OPERATIONS_TABLE']!,
      store,
    );
    return handlerWith({
      corrections,
      payouts: h.payouts,
      nowMs: () => Date.now(),
      newCorrectionId: () => `${CORRECTION_ID_PREFIX}${ulid()}`,
    });
  }

  async function expectValidChain(payoutId: string): Promise<AuditRecord[]> {
    const records = await auditOf(payoutId);
    const head = await h.audit.head({ type: 'payout', id: payoutId });
    expect(verifyChain(records, { chain: `payout:${payoutId}`, after: EMPTY_CHAIN, head })).toEqual({
      ok: true,
      records: records.length,
    });
    return records;
  }

  it('the chain holds every step in order and verifies: created … proposed, applied, a contradicting event', async () => {
    const payout = await pendingPayout();
    const correctionId = String((await propose(ALICE, payout.payoutId, MARK_PAID)).body['correction_id']);
    expect((await approve(CAROL, correctionId)).status).toBe(200);
    await h.deliverSandbox(evt(), sandboxEvent(payout.payoutId, 'failed'));
    expect(await h.drain()).toEqual(['contradicted']);
    const records = await expectValidChain(payout.payoutId);
    expect(records.map((r) => `${r.action}/${r.outcome}/${r.actor.type}:${r.actor.id}`).slice(-3)).toEqual([
      'correction.proposed/applied/operator:alice',
      'correction.applied/applied/operator:carol',
      'payout.provider_failed/contradicted/provider:sandbox',
    ]);
    // The applied record and the payout's change are one write: the record names the version the payout has.
    const applied = records.at(-2)!;
    expect(applied.details).toMatchObject({ correction_id: correctionId, from: 'pending', to: 'paid' });
    expect((await h.payouts.getPayoutById(payout.payoutId))?.version).toBe(applied.details['version']);
  });

  it('a proposal, an approval and a rejection whose chain moved under them are built again, after the other record', async () => {
    const payout = await pendingPayout();
    const proposed = await withCall(racingCall(payout, 1), () => propose(ALICE, payout.payoutId, MARK_PAID));
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(201);
    const correctionId = String(proposed.body['correction_id']);
    const approved = await withCall(racingCall(payout, 2), () => approve(CAROL, correctionId));
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const other = String(
      (await propose(ALICE, payout.payoutId, { ...MARK_PAID, target_status: 'reversed' })).body['correction_id'],
    );
    const rejected = await withCall(racingCall(payout, 1), () => reject(CAROL, other, { reason: 'not needed' }));
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);

    const records = await expectValidChain(payout.payoutId);
    const tail = records.slice(-8).map((r) => `${r.action}:${r.actor.id}`);
    expect(tail).toEqual([
      'payout.read:dave',
      'correction.proposed:alice',
      'payout.read:dave',
      'payout.read:dave',
      'correction.applied:carol',
      'correction.proposed:alice',
      'payout.read:dave',
      'correction.rejected:carol',
    ]);
    // Applied once, booked once: one journal entry for the correction, the books balanced.
    expect(await h.payouts.getPayoutById(payout.payoutId)).toMatchObject({
      status: 'paid',
      version: payout.version + 1,
    });
    expect(sum(await balancesOf(payout))).toBe(0);
  });

  it('a chain that keeps moving under every attempt answers 503 temporarily_unavailable and writes nothing', async () => {
    const payout = await pendingPayout();
    const correctionsBefore = (await footprint(payout.payoutId)).corrections;
    const answer = await withCall(racingCall(payout, 1_000), () => propose(ALICE, payout.payoutId, MARK_PAID));
    expect(answer).toMatchObject({
      status: 503,
      body: { error: { code: 'temporarily_unavailable', category: 'retryable' } },
    });
    expect((await footprint(payout.payoutId)).corrections).toEqual(correctionsBefore);
    const records = await expectValidChain(payout.payoutId);
    expect(records.filter((r) => r.action.startsWith('correction.'))).toEqual([]);
  });
});

describe('Idempotency-Key on every corrections POST: the semantics of create', () => {
  const keyOf = () => `key-${ulid()}`;
  const post = (who: Who, path: string, body: unknown, key: string | null) => api(who, 'POST', path, body, { key });
  const proposePath = (payoutId: string) => `/ops/payouts/${payoutId}/corrections`;

  it('same key and same body replays the stored answer, byte for byte, with Idempotent-Replayed: true', async () => {
    const payout = await pendingPayout();
    const key = keyOf();
    const first = await post(ALICE, proposePath(payout.payoutId), MARK_PAID, key);
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await post(ALICE, proposePath(payout.payoutId), MARK_PAID, key);
    expect(again).toMatchObject({ status: 201, headers: { 'idempotent-replayed': 'true' } });
    expect(again.text).toBe(first.text);
    // One proposal, one audit record.
    const listed = await api(CAROL, 'GET', '/ops/corrections', undefined, { query: { payout_id: payout.payoutId } });
    expect(listed.body['data']).toHaveLength(1);
    expect((await auditOf(payout.payoutId)).filter((r) => r.action === 'correction.proposed')).toHaveLength(1);

    const id = String(first.body['correction_id']);
    for (const [path, body, status] of [[`/ops/corrections/${id}/approve`, { note: 'checked' }, 200]] as const) {
      const approveKey = keyOf();
      const applied = await post(CAROL, path, body, approveKey);
      expect(applied.status, applied.text).toBe(status);
      const replay = await post(CAROL, path, body, approveKey);
      expect(replay).toMatchObject({ status, headers: { 'idempotent-replayed': 'true' } });
      expect(replay.text).toBe(applied.text);
    }
    // Applied once: one journal entry of the correction, one applied record; the books balance.
    expect((await auditOf(payout.payoutId)).filter((r) => r.action === 'correction.applied')).toHaveLength(1);
    expect(sum(await balancesOf(payout))).toBe(0);
  });

  it('a reject replays too; a retry after the stored answer is gone is answered from the key lock, applied once', async () => {
    const payout = await pendingPayout();
    const id = String((await propose(ALICE, payout.payoutId, MARK_PAID)).body['correction_id']);
    const key = keyOf();
    const body = { reason: 'wrong statement line' };
    const first = await post(CAROL, `/ops/corrections/${id}/reject`, body, key);
    expect(first.status, first.text).toBe(200);
    expect((await post(CAROL, `/ops/corrections/${id}/reject`, body, key)).headers['idempotent-replayed']).toBe('true');
    // The Powertools records gone (expired): the action key lock still says this key rejected it.
    const idempotencyTable = emulators.names.tables['IdempotencyTable']!;
    const records = await scanAll(emulators.clients.documentClient, idempotencyTable);
    for (const record of records) {
      await emulators.clients.documentClient.send(
        new DeleteCommand({ TableName: idempotencyTable, Key: { id: record['id'] } }),
      );
    }
    const late = await post(CAROL, `/ops/corrections/${id}/reject`, body, key);
    expect(late).toMatchObject({
      status: 200,
      headers: { 'idempotent-replayed': 'true' },
      body: { state: 'rejected' },
    });
    expect((await auditOf(payout.payoutId)).filter((r) => r.action === 'correction.rejected')).toHaveLength(1);
  });

  it('same key with another body → 422 idempotency_key_reused naming the differing fields, nothing written', async () => {
    const payout = await pendingPayout();
    const key = keyOf();
    expect((await post(ALICE, proposePath(payout.payoutId), MARK_PAID, key)).status).toBe(201);
    const before = await footprint(payout.payoutId);
    const other = {
      ...MARK_PAID,
      reason: 'another reason',
      evidence: { ...MARK_PAID.evidence, reference: 'stmt_other' },
    };
    const reused = await post(ALICE, proposePath(payout.payoutId), other, key);
    expect(reused).toMatchObject({
      status: 422,
      body: { error: { code: 'idempotency_key_reused', category: 'terminal', param: 'Idempotency-Key' } },
    });
    expect(reused.body['error']['message']).toContain('evidence.reference, reason');
    expect(await footprint(payout.payoutId)).toEqual(before);
  });

  it('a concurrent duplicate gets 409 idempotency_request_in_progress with Retry-After; one proposal is made', async () => {
    const payout = await pendingPayout();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: CorrectionsDeps = {
      corrections: h.corrections,
      // The first run holds here, inside the idempotent section, until the duplicate has been answered.
      payouts: { getPayoutById: async (id) => (await gate, h.payouts.getPayoutById(id)) },
      nowMs: () => Date.now(),
      newCorrectionId: () => `${CORRECTION_ID_PREFIX}${ulid()}`,
    };
    const key = keyOf();
    const [first, duplicate] = await withCall(handlerWith(slow), async () => {
      const running = post(ALICE, proposePath(payout.payoutId), MARK_PAID, key);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const second = await post(ALICE, proposePath(payout.payoutId), MARK_PAID, key);
      release();
      return [await running, second];
    });
    expect(first.status, first.text).toBe(201);
    expect(duplicate).toMatchObject({
      status: 409,
      headers: { 'retry-after': expect.any(String) },
      body: { error: { code: 'idempotency_request_in_progress', category: 'retryable' } },
    });
    const listed = await api(CAROL, 'GET', '/ops/corrections', undefined, { query: { payout_id: payout.payoutId } });
    expect(listed.body['data']).toHaveLength(1);
  });

  it.each([
    ['propose', (p: Payout) => proposePath(p.payoutId), MARK_PAID],
    ['approve', () => `/ops/corrections/cor_${ulid()}/approve`, {}],
    ['reject', () => `/ops/corrections/cor_${ulid()}/reject`, { reason: 'r' }],
  ] as const)('%s without a key → 400 idempotency_key_missing, as create answers', async (_name, pathOf, body) => {
    const payout = await pendingPayout();
    const before = await footprint(payout.payoutId);
    const answer = await post(ALICE, pathOf(payout), body, null);
    expect(answer).toMatchObject({
      status: 400,
      body: { error: { code: 'idempotency_key_missing', param: 'Idempotency-Key', type: 'invalid_request_error' } },
    });
    expect(await footprint(payout.payoutId)).toEqual(before);
  });
});
