// Cancel and reversal on DynamoDB Local against the real sandbox provider server (issue 10):
// cancel before any provider accepted (in_transit released in the same transaction), after
// acceptance (the provider is asked; "cancel until it pays"), too late (409 cancel_too_late);
// a reversal requested by the backend, approved by another principal, sent to the provider and
// confirmed by the poll (event ownership) → paid → reversed with settled → available.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { toSubmission } from '../../../functions/app/submission/submit-one';
import { REVERSAL_QUIET_SECONDS } from '../../../functions/app/sweeper/reversals';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { ibanFor } from '../../support/sandbox-client';
import { actionsHarness, SANDBOX_STEP_SECONDS } from './actions-harness';
import { ledgerSums, scanAll } from './helpers';

let emulators: StartedEmulators;
let h: Awaited<ReturnType<typeof actionsHarness>>;
const AMOUNT = 12_500;

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

async function submitted(trigger = 'paid'): Promise<string> {
  const created = await h.createPayout(AMOUNT, { iban: ibanFor(trigger) });
  expect(created.body.status).toBe('submitted');
  return created.body.payout_id;
}

async function accepted(trigger = 'paid'): Promise<{ payoutId: string; reference: string }> {
  const payoutId = await submitted(trigger);
  const outcome = await h.submit(payoutId);
  if (outcome.kind !== 'accepted') throw new Error(`submission ${outcome.kind}`);
  return { payoutId, reference: outcome.providerReference };
}

async function paid(): Promise<{ payoutId: string; reference: string }> {
  const payout = await accepted();
  h.sandbox.advance(SANDBOX_STEP_SECONDS * 2);
  expect(h.sandbox.getPayout(payout.reference)?.status).toBe('paid');
  await h.providerSays(payout.payoutId, 'provider_paid');
  return payout;
}

const RELEASED = [
  ['available', 'in_transit', AMOUNT],
  ['in_transit', 'available', AMOUNT],
];

describe('POST /payouts/{payoutId}/cancel', () => {
  it('awaiting approval: canceled, nothing posted or released, the tenant’s action in the timeline and audit', async () => {
    const created = await h.createPayout(1_000_000);
    const payoutId = created.body.payout_id;
    const answer = await h.act('cancel', payoutId, { principal: 'backend', body: { reason: 'duplicate invoice' } });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'canceled', status_reason: 'canceled_by_tenant: duplicate invoice' });
    expect(await h.journalOf(payoutId)).toEqual([]);
    expect((await h.itemsOf(payoutId, 'timeline_entry')).at(-1)).toMatchObject({
      event: 'cancel_requested',
      from: 'requires_approval',
      to: 'canceled',
      actor: { id: 'client-acme-backend' },
    });
    expect((await h.auditOf(payoutId)).at(-1)).toMatchObject({
      action: 'payout.cancel_requested',
      outcome: 'applied',
      actor: { type: 'tenant', id: 'client-acme-backend', role: 'backend', tenant: 'acme' },
      request_id: answer.headers['request-id'],
      details: { reason: 'duplicate invoice', from: 'requires_approval', to: 'canceled' },
    });
    await h.expectDaysVerify(payoutId);
  });

  it('submitted, no provider answer yet: canceled with in_transit released in the same transaction', async () => {
    const payoutId = await submitted();
    const answer = await h.act('cancel', payoutId, { principal: 'backend' });
    expect(answer.body).toMatchObject({ status: 'canceled', status_reason: 'canceled_by_tenant' });
    expect(await h.journalOf(payoutId)).toEqual(RELEASED.map((p) => [p]));
    // The submission still queued for it finds it canceled, asks the provider by payout id (nothing
    // there) and never submits it.
    expect(await h.submit(payoutId)).toMatchObject({ kind: 'skipped', reason: 'not_at_provider' });
    expect(h.sandbox.listPayouts({ payoutId })).toEqual([]);
  });

  // cancel-over-unanswered-submission (docs/simulation.md): the first attempt reached the provider
  // and its answer was lost; the tenant's cancel is local; the message's retry must cancel it there.
  async function submittedWithLostAnswer(trigger = 'paid'): Promise<string> {
    const payoutId = await submitted(trigger);
    const found = (await h.payouts.getPayoutForSubmission(payoutId))!;
    await h.deps.providers['sandbox']!.submit(toSubmission(found.payout, found.destination));
    expect(h.sandbox.listPayouts({ payoutId })).toHaveLength(1);
    return payoutId;
  }

  it('submitted, the provider holds it but its answer was lost: the retry cancels it at the provider', async () => {
    const payoutId = await submittedWithLostAnswer();
    expect((await h.act('cancel', payoutId, { principal: 'backend' })).body.status).toBe('canceled');
    const [atProvider] = h.sandbox.listPayouts({ payoutId });
    expect(await h.submit(payoutId)).toEqual({
      kind: 'canceled_at_provider',
      payoutId,
      providerReference: atProvider!.id,
    });
    expect(h.sandbox.getPayout(atProvider!.id)?.status).toBe('canceled');
    expect(h.sandbox.listPayouts({ payoutId })).toHaveLength(1); // asked, never submitted again
    expect(await h.journalOf(payoutId)).toEqual(RELEASED.map((p) => [p]));
    // A repeat of the message finds it canceled there too: nothing more to do.
    expect(await h.submit(payoutId)).toMatchObject({ kind: 'skipped', reason: 'not_at_provider' });
  });

  it('submitted, lost answer, and the provider paid it before the retry: never acknowledged (→ DLQ exception)', async () => {
    const payoutId = await submittedWithLostAnswer();
    expect((await h.act('cancel', payoutId, { principal: 'backend' })).body.status).toBe('canceled');
    h.sandbox.advance(SANDBOX_STEP_SECONDS * 2);
    const [atProvider] = h.sandbox.listPayouts({ payoutId });
    expect(atProvider!.status).toBe('paid');
    await expect(h.submit(payoutId)).rejects.toMatchObject({
      name: 'SubmissionError',
      code: 'canceled_but_live_at_provider',
      category: 'human_action_required',
    });
    expect(await h.journalOf(payoutId)).toEqual(RELEASED.map((p) => [p]));
  });

  it('accepted: the provider is asked, cancels, and its confirmation releases in_transit', async () => {
    const { payoutId, reference } = await accepted();
    const answer = await h.act('cancel', payoutId, { principal: 'backend' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'canceled', provider_reference: reference });
    expect(h.sandbox.getPayout(reference)?.status).toBe('canceled');
    expect(await h.journalOf(payoutId)).toEqual(RELEASED.map((p) => [p]));
    expect((await h.itemsOf(payoutId, 'timeline_entry')).at(-1)).toMatchObject({
      event: 'provider_canceled',
      from: 'accepted',
      to: 'canceled',
      source: 'api',
      actor: { kind: 'client', id: 'client-acme-backend' },
    });
    // The provider's confirmation is applied as the tenant's own action, audited as such.
    expect((await h.auditOf(payoutId)).at(-1)).toMatchObject({
      action: 'payout.provider_canceled',
      outcome: 'applied',
      actor: { type: 'tenant', id: 'client-acme-backend', role: 'backend', tenant: 'acme' },
      request_id: answer.headers['request-id'],
      details: { from: 'accepted', to: 'canceled', provider_reference: reference },
    });
    await h.expectDaysVerify(payoutId);
  });

  it('accepted, and the provider’s webhook lands before our confirmation: canceled once, the tenant’s call audited stale', async () => {
    const { payoutId, reference } = await accepted();
    const real = h.deps.providers['sandbox']!;
    // The provider cancels, and its own webhook is applied before the tenant's confirmation is written.
    const racing = Object.create(real, {
      cancel: {
        value: async (request: Parameters<typeof real.cancel>[0]) => {
          const answer = await real.cancel(request);
          const at = h.nowIso();
          const payout = (await h.payouts.getPayoutById(payoutId))!;
          await h.payouts.applyTransition({
            payoutId,
            event: 'provider_canceled',
            source: 'provider_webhook',
            sourceRef: `evt_${payoutId}`,
            occurredAt: at,
            recordedAt: at,
            actor: { kind: 'provider', id: 'sandbox' },
            providerReference: reference,
            claim: { provider: 'sandbox', amountMinor: payout.amountMinor, currency: payout.currency },
          });
          return answer;
        },
      },
    });
    (h.deps as { providers: unknown }).providers = { sandbox: racing };
    let answer;
    try {
      answer = await h.act('cancel', payoutId, { principal: 'backend', body: { reason: 'changed our mind' } });
    } finally {
      (h.deps as { providers: unknown }).providers = { sandbox: real };
    }
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('canceled');
    expect(await h.journalOf(payoutId)).toEqual(RELEASED.map((p) => [p]));
    const [webhook, tenant] = (await h.auditOf(payoutId)).slice(-2);
    expect(webhook).toMatchObject({
      action: 'payout.provider_canceled',
      outcome: 'applied',
      actor: { type: 'provider', id: 'sandbox', role: 'provider', tenant: null },
    });
    // The tenant did act (it asked the provider), so its call is on the trail, as stale: it moved nothing.
    expect(tenant).toMatchObject({
      action: 'payout.provider_canceled',
      outcome: 'stale',
      actor: { type: 'tenant', id: 'client-acme-backend', role: 'backend', tenant: 'acme' },
      request_id: answer.headers['request-id'],
      details: { from: 'canceled', to: null, reason: 'changed our mind' },
    });
    await h.expectDaysVerify(payoutId);
  });

  it('pending at the provider (in transit): still cancelable until it pays', async () => {
    const { payoutId, reference } = await accepted();
    h.sandbox.advance(SANDBOX_STEP_SECONDS);
    await h.providerSays(payoutId, 'provider_pending');
    const answer = await h.act('cancel', payoutId, { principal: 'backend' });
    expect(answer.body.status).toBe('canceled');
    expect(h.sandbox.getPayout(reference)?.status).toBe('canceled');
  });

  it('accepted here but already paid at the provider → 409 cancel_too_late (human_action_required), nothing written', async () => {
    const { payoutId, reference } = await accepted();
    h.sandbox.advance(SANDBOX_STEP_SECONDS * 2);
    expect(h.sandbox.getPayout(reference)?.status).toBe('paid');
    const before = await h.stateOf(payoutId);
    const answer = await h.act('cancel', payoutId, { principal: 'backend' });
    expect(answer.status).toBe(409);
    expect(answer.body.error).toMatchObject({
      type: 'conflict_error',
      code: 'cancel_too_late',
      category: 'human_action_required',
    });
    expect(await h.stateOf(payoutId)).toEqual(before);
  });

  it('paid → 409 cancel_too_late; already canceled → 409 invalid_transition; nothing written', async () => {
    const { payoutId } = await paid();
    const before = await h.stateOf(payoutId);
    expect((await h.act('cancel', payoutId, { principal: 'backend' })).body.error).toMatchObject({
      code: 'cancel_too_late',
      category: 'human_action_required',
    });
    expect(await h.stateOf(payoutId)).toEqual(before);
    const canceled = await submitted();
    await h.act('cancel', canceled, { principal: 'backend' });
    const afterCancel = await h.stateOf(canceled);
    expect((await h.act('cancel', canceled, { principal: 'backend' })).body.error).toMatchObject({
      code: 'invalid_transition',
      category: 'terminal',
    });
    expect(await h.stateOf(canceled)).toEqual(afterCancel);
  });

  it('another tenant’s payout → 404, and a key replays the first cancel byte for byte', async () => {
    const payoutId = await submitted();
    const before = await h.stateOf(payoutId);
    expect((await h.act('cancel', payoutId, { principal: 'backend', tenant: 'globex' })).status).toBe(404);
    expect(await h.stateOf(payoutId)).toEqual(before);
    const key = `cancel-${payoutId}`;
    const first = await h.act('cancel', payoutId, { principal: 'backend', key });
    const again = await h.act('cancel', payoutId, { principal: 'backend2', key });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.text).toBe(first.text);
  });
});

describe('reversal: request → approval → provider → reversed', () => {
  it('the backend requests, a second principal approves, the provider returns it, the poll confirms it', async () => {
    const { payoutId, reference } = await paid();
    const requested = await h.act('request_reversal', payoutId, {
      principal: 'backend',
      body: { reason: 'paid to the wrong recipient' },
    });
    expect(requested.status).toBe(201);
    const reversalId = requested.body.reversal.reversal_id;
    expect(requested.body).toMatchObject({
      status: 'paid',
      reversal: { status: 'requested', reason: 'paid to the wrong recipient', requested_by: 'client-acme-backend' },
    });
    expect(h.sandbox.getPayout(reference)?.return_id ?? null).toBeNull();

    const approved = await h.act('approve_reversal', payoutId, {
      principal: 'approver',
      reversalId,
      body: { note: 'confirmed' },
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'paid',
      reversal: { reversal_id: reversalId, status: 'sent', decided_by: 'client-acme-approver', note: 'confirmed' },
    });
    expect(h.sandbox.getPayout(reference)?.return_id).toBe(reversalId);
    const item = (await scanAll(emulators.clients.documentClient, h.tables.payouts)).find(
      (i) => i['pk'] === `PAYOUT#${payoutId}` && i['sk'] === 'PAYOUT',
    )!;
    expect(item['gsi3pk']).toBe('REVERSAL');

    // The sandbox returns it a step later; its webhook is not delivered here, so the sweeper's poll confirms it.
    h.sandbox.advance(SANDBOX_STEP_SECONDS);
    h.advance(REVERSAL_QUIET_SECONDS + 1);
    const report = await h.sweep();
    expect(report.reversalsConfirmed).toBe(1);
    const reversed = (await h.payouts.getPayoutById(payoutId))!;
    expect(reversed.status).toBe('reversed');
    expect(await h.journalOf(payoutId)).toEqual([
      [['available', 'in_transit', AMOUNT]],
      [
        ['in_transit', 'settled', AMOUNT],
        ['available', 'fees', 31],
      ],
      [['settled', 'available', AMOUNT]],
    ]);
    const read = await h.act('reject_reversal', payoutId, {
      principal: 'approver',
      reversalId,
      body: { reason: 'too late' },
    });
    expect(read.body.error.code).toBe('invalid_transition');

    const timeline = await h.itemsOf(payoutId, 'timeline_entry');
    expect(timeline.map((e) => [e['event'], e['outcome'], e['actor']?.id, e['reversalId'] ?? null])).toEqual([
      ['created', 'applied', 'client-acme-backend', null],
      ['provider_accepted', 'applied', 'submit-payout', null],
      ['provider_paid', 'applied', 'sweep', null],
      ['reversal_requested', 'recorded', 'client-acme-backend', reversalId],
      ['reversal_approved', 'recorded', 'client-acme-approver', reversalId],
      ['reversal_sent', 'recorded', 'client-acme-approver', reversalId],
      ['provider_reversed', 'applied', 'sweep', null],
    ]);
    const audit = await h.auditOf(payoutId);
    expect(
      audit
        .filter((a) => a.action.startsWith('payout.reversal_'))
        .map((a) => [a.action, a.actor.id, a.details['reversal_id'], a.details['reason'] ?? a.details['note'] ?? null]),
    ).toEqual([
      ['payout.reversal_requested', 'client-acme-backend', reversalId, 'paid to the wrong recipient'],
      ['payout.reversal_approved', 'client-acme-approver', reversalId, 'confirmed'],
      ['payout.reversal_sent', 'client-acme-approver', reversalId, null],
    ]);
    // Two authorities, each named with its matrix role; the confirmation is the sweeper's (a job).
    const byAction = new Map(audit.map((record) => [record.action, record]));
    expect(byAction.get('payout.reversal_requested')).toMatchObject({
      actor: { type: 'tenant', id: 'client-acme-backend', role: 'backend', tenant: 'acme' },
      request_id: requested.headers['request-id'],
      details: { status: 'paid', reversal_from: null, reversal_to: 'requested' },
    });
    expect(byAction.get('payout.reversal_approved')).toMatchObject({
      actor: { type: 'tenant', id: 'client-acme-approver', role: 'approver', tenant: 'acme' },
      request_id: approved.headers['request-id'],
      details: { reversal_from: 'requested', reversal_to: 'approved' },
    });
    expect(byAction.get('payout.reversal_sent')?.details).toMatchObject({
      reversal_from: 'approved',
      reversal_to: 'sent',
    });
    expect(audit.at(-1)).toMatchObject({
      action: 'payout.provider_reversed',
      outcome: 'applied',
      actor: { type: 'job', id: 'sweep', role: 'jobs', tenant: null },
      details: { source: 'poller', from: 'paid', to: 'reversed' },
    });
    await h.expectDaysVerify(payoutId);
    const item2 = (await scanAll(emulators.clients.documentClient, h.tables.payouts)).find(
      (i) => i['pk'] === `PAYOUT#${payoutId}` && i['sk'] === 'PAYOUT',
    )!;
    expect(item2).not.toHaveProperty('gsi3pk');
  });

  it('a rejected request: the payout stays paid, and a new one may be opened', async () => {
    const { payoutId } = await paid();
    const first = await h.act('request_reversal', payoutId, { principal: 'backend', body: { reason: 'first try' } });
    const rejected = await h.act('reject_reversal', payoutId, {
      principal: 'approver',
      reversalId: first.body.reversal.reversal_id,
      body: { reason: 'paid correctly' },
    });
    expect(rejected.body).toMatchObject({
      status: 'paid',
      reversal: { status: 'rejected', rejection_reason: 'paid correctly' },
    });
    expect((await h.auditOf(payoutId)).at(-1)).toMatchObject({
      action: 'payout.reversal_rejected',
      actor: { type: 'tenant', id: 'client-acme-approver', role: 'approver', tenant: 'acme' },
      request_id: rejected.headers['request-id'],
      details: { reason: 'paid correctly', reversal_from: 'requested', reversal_to: 'rejected' },
    });
    const second = await h.act('request_reversal', payoutId, { principal: 'backend2', body: { reason: 'second try' } });
    expect(second.status).toBe(201);
    expect(second.body.reversal.reversal_id).not.toBe(first.body.reversal.reversal_id);
    expect(await h.journalOf(payoutId)).toHaveLength(2);
  });

  describe('bad input: a clear error and no state change', () => {
    it('reversing a payout that is not paid → 409 payout_not_paid', async () => {
      const { payoutId } = await accepted();
      const before = await h.stateOf(payoutId);
      const answer = await h.act('request_reversal', payoutId, { principal: 'backend', body: { reason: 'early' } });
      expect(answer.status).toBe(409);
      expect(answer.body.error).toMatchObject({ code: 'payout_not_paid', category: 'terminal' });
      expect(await h.stateOf(payoutId)).toEqual(before);
    });

    it('a second open request → 409 reversal_already_open; self-approval → 403; another tenant → 404; unknown reversal → 404; same key other body → 422', async () => {
      const { payoutId } = await paid();
      const key = `reverse-${payoutId}`;
      const requested = await h.act('request_reversal', payoutId, {
        principal: 'backend',
        key,
        body: { reason: 'wrong recipient' },
      });
      const reversalId = requested.body.reversal.reversal_id;
      const before = await h.stateOf(payoutId);
      const answers = [
        await h.act('request_reversal', payoutId, { principal: 'backend2', body: { reason: 'again' } }),
        // The requester's own client, holding payouts:approve: four eyes still refuse it.
        await h.act('approve_reversal', payoutId, {
          principal: { role: 'approver', clientId: 'client-acme-backend', scopes: ['payouts:approve'] } as never,
          reversalId,
        }),
        await h.act('approve_reversal', payoutId, { principal: 'approver', reversalId, tenant: 'globex' }),
        await h.act('approve_reversal', payoutId, {
          principal: 'approver',
          reversalId: 'rev_01KAAAAAAAAAAAAAAAAAAAAAAA',
        }),
        await h.act('approve_reversal', payoutId, { principal: 'approver', reversalId: 'not-a-reversal' }),
        await h.act('request_reversal', payoutId, { principal: 'backend', key, body: { reason: 'another reason' } }),
        await h.act('request_reversal', payoutId, { principal: 'backend', body: {} }),
        await h.act('request_reversal', payoutId, { principal: 'approver', body: { reason: 'not my scope' } }),
      ];
      expect(answers.map((a) => [a.status, a.body.error?.code, a.body.error?.fields ?? null])).toEqual([
        [409, 'reversal_already_open', null],
        [403, 'self_approval_forbidden', null],
        [404, 'resource_not_found', null],
        [404, 'resource_not_found', null],
        [404, 'resource_not_found', null],
        [422, 'idempotency_key_reused', ['reason']],
        [400, 'field_missing', null],
        [403, 'insufficient_scope', null],
      ]);
      expect(await h.stateOf(payoutId)).toEqual(before);
      // The same key and body is the first answer again.
      const replay = await h.act('request_reversal', payoutId, {
        principal: 'backend',
        key,
        body: { reason: 'wrong recipient' },
      });
      expect(replay.text).toBe(requested.text);
      expect(await h.stateOf(payoutId)).toEqual(before);
    });
  });
});
