// Holds on DynamoDB Local through the real SDK (issue 15): the submitter's claim against a hold placed
// at the same time, release by the owner's scope only (audited, idempotent), the hold signals of
// screening, and a create through the gates with a fake RecipientComplianceSource.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PayoutHoldSignals, payoutsOfRecipientVia } from '../../../functions/adapters/compliance/hold-signals';
import type { HoldChange } from '../../../functions/adapters/payout-holds';
import { PayoutsRepository } from '../../../functions/adapters/payouts-repository';
import { releasePayoutHold } from '../../../functions/app/compliance/release-hold';
import { submitOne } from '../../../functions/app/submission/submit-one';
import type { Hold } from '../../../functions/domain/compliance/contract';
import type { Actor, Payout } from '../../../functions/domain/payout';
import type { ProviderPort, ProviderSubmission } from '../../../functions/domain/provider-port';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { samplePayout } from '../payouts/helpers';

let emulators: StartedEmulators;
let repo: PayoutsRepository;
const AT = '2026-12-02T01:00:00.000Z';
const OPS: Actor = { kind: 'operator', id: 'op-compliance-1', role: 'compliance', scopes: ['compliance:review'] };

beforeAll(async () => {
  emulators = await startEmulators();
  repo = new PayoutsRepository({
    client: emulators.clients.documentClient,
    payoutsTable: emulators.names.tables['PayoutsTable']!,
    ledgerTable: emulators.names.tables['LedgerTable']!,
    auditTable: emulators.names.tables['AuditTable']!,
  });
});
afterAll(async () => emulators?.stop());

const taxFormHold: Hold = {
  holdId: 'tax_form',
  kind: 'tax_form',
  owner: 'tenant',
  openedAt: AT,
  requirement: 'tax_form:W-8BEN',
  evidence: { tax_form_state: 'missing' },
};
const screeningHold: Hold = {
  holdId: 'screening-scr_1',
  kind: 'screening',
  owner: 'compliance',
  openedAt: AT,
  requirement: 'screening_case:scr_1',
  evidence: { case_id: 'scr_1', score: 0.94 },
};

async function created(overrides: Partial<Payout> = {}): Promise<Payout> {
  const input = samplePayout(overrides);
  expect((await repo.createPayout(input)).kind).toBe('created');
  return input.payout;
}

function recordingProvider(): { port: ProviderPort; sent: ProviderSubmission[] } {
  const sent: ProviderSubmission[] = [];
  const port: ProviderPort = {
    provider: 'sandbox',
    submit: async (submission) => {
      sent.push(submission);
      return {
        kind: 'accepted',
        providerReference: `sbx_${submission.payoutId}`,
        state: { kind: 'known', providerState: 'accepted', event: 'provider_accepted' },
        replayed: false,
      };
    },
    cancel: async () => ({ kind: 'unsupported' }),
    requestReturn: async () => ({ kind: 'unsupported' }),
    getStatus: async () => ({ kind: 'not_found' }),
  };
  return { port, sent };
}

const submitDeps = (port: ProviderPort) => ({ repository: repo, providers: { sandbox: port }, nowIso: () => AT });

async function timelineEvents(payoutId: string): Promise<string[]> {
  const { Items = [] } = await emulators.clients.documentClient.send(
    new QueryCommand({
      TableName: repo.payoutsTable,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': `PAYOUT#${payoutId}`, ':sk': 'EVENT#' },
      ConsistentRead: true,
    }),
  );
  // Sorted: the records carry the test's fixed clock, the created entry the real one.
  return Items.map((item) => String(item['event'])).sort();
}

describe('the submitter and a hold, on one item', () => {
  it('a payout created with a hold is not sent; released, it is', async () => {
    const payout = await created({ holds: { tax_form: taxFormHold }, openHoldCount: 1 });
    const { port, sent } = recordingProvider();
    expect(await submitOne(payout.payoutId, 'sqs:1', submitDeps(port))).toMatchObject({ reason: 'held' });
    expect(sent).toEqual([]);

    const enqueued: string[] = [];
    const release = {
      payoutId: payout.payoutId,
      holdId: 'tax_form',
      tenantId: 'acme',
      actor: { kind: 'client', id: 'client-backend', role: 'backend' } as const,
      requestId: 'req-release-1',
      at: AT,
    };
    const deps = { store: repo, enqueue: async (m: { payoutId: string }) => void enqueued.push(m.payoutId) };
    // The wrong owner's scope: refused, nothing written.
    await expect(releasePayoutHold(deps, { ...release, scopes: ['payouts:read'] })).rejects.toMatchObject({
      code: 'hold_owner_scope_required',
      category: 'terminal',
    });
    expect((await repo.getPayoutById(payout.payoutId))?.openHoldCount).toBe(1);

    const first = await releasePayoutHold(deps, { ...release, scopes: ['payouts:write'] });
    expect(first).toMatchObject({ kind: 'released', submitted: true });
    const again = await releasePayoutHold(deps, { ...release, scopes: ['payouts:write'] });
    expect(again).toMatchObject({ kind: 'already_released', submitted: true });
    const stored = await repo.getPayoutById(payout.payoutId);
    expect(stored?.openHoldCount).toBe(0);
    expect(stored?.holds?.['tax_form']).toMatchObject({ releasedAt: AT, releasedBy: 'client:client-backend' });
    expect(enqueued).toEqual([payout.payoutId, payout.payoutId]);
    expect(await timelineEvents(payout.payoutId)).toEqual(['created', 'hold_released']);

    expect((await submitOne(payout.payoutId, 'sqs:2', submitDeps(port))).kind).toBe('accepted');
    expect(sent.map((s) => s.payoutId)).toEqual([payout.payoutId]);
  });

  it('a hold placed after the submitter read the payout wins: the claim is refused, nothing sent', async () => {
    const payout = await created();
    const { port, sent } = recordingProvider();
    const racing = {
      ...repo,
      getPayoutForSubmission: async (id: string) => {
        const found = await repo.getPayoutForSubmission(id);
        // The screening hit lands between the submitter's read and its claim.
        const placed = await repo.placeHold({
          payout: found!.payout,
          hold: screeningHold,
          source: 'operator',
          sourceRef: 'screening:scr_1',
          actor: OPS,
          at: AT,
        });
        expect(placed).toBe('placed');
        return found;
      },
      claimForSubmission: (id: string, at: string) => repo.claimForSubmission(id, at),
      applyTransition: repo.applyTransition.bind(repo),
    };
    const outcome = await submitOne(payout.payoutId, 'sqs:1', { ...submitDeps(port), repository: racing });
    expect(outcome).toMatchObject({ kind: 'skipped', reason: 'held' });
    expect(sent).toEqual([]);
    expect(await timelineEvents(payout.payoutId)).toEqual(['created', 'hold_placed']);
  });

  it('once claimed, a hold is refused: the payout is treated as at its provider', async () => {
    const payout = await created();
    expect(await repo.claimForSubmission(payout.payoutId, AT)).toBe('claimed');
    const change: HoldChange = { payout, hold: screeningHold, source: 'operator', sourceRef: 's', actor: OPS, at: AT };
    expect(await repo.placeHold(change)).toBe('not_holdable');
    expect((await repo.getPayoutById(payout.payoutId))?.holds).toBeUndefined();
  });

  it('placing the same hold twice is one hold', async () => {
    const payout = await created();
    const change: HoldChange = { payout, hold: screeningHold, source: 'operator', sourceRef: 's', actor: OPS, at: AT };
    expect(await repo.placeHold(change)).toBe('placed');
    expect(await repo.placeHold(change)).toBe('already_held');
    // A stale read (no map yet) fails its condition, re-reads and places the second hold beside the first.
    expect(await repo.placeHold({ ...change, hold: taxFormHold })).toBe('placed');
    expect((await repo.getPayoutById(payout.payoutId))?.openHoldCount).toBe(2);
  });
});

describe('RecipientHoldSignals over the payouts table', () => {
  it('a match holds the recipient’s payouts before submission; the clear releases them and submits', async () => {
    const recipientId = `rcp_${Date.now()}`;
    const tenantId = `t${Date.now()}`;
    const mine = await created({ tenantId, recipientId });
    const other = await created({ tenantId, recipientId: 'rcp_other' });
    const enqueued: string[] = [];
    const signals = new PayoutHoldSignals({
      payoutsOfRecipient: payoutsOfRecipientVia((q) => repo.listPayouts(q)),
      placeHold: (c) => repo.placeHold(c),
      releaseHold: (c) => repo.releaseHold(c),
      getPayoutById: (id) => repo.getPayoutById(id),
      enqueue: async (m) => void enqueued.push(m.payoutId),
    });
    await signals.screeningMatched(tenantId, recipientId, { case_id: 'scr_7', score: 0.91 }, AT);
    expect((await repo.getPayoutById(mine.payoutId))?.holds?.['screening-scr_7']).toMatchObject({
      kind: 'screening',
      owner: 'compliance',
      requirement: 'screening_case:scr_7',
    });
    expect((await repo.getPayoutById(other.payoutId))?.holds).toBeUndefined();

    await signals.screeningCleared(tenantId, recipientId, 'scr_7', 'op-compliance-2', AT);
    const after = await repo.getPayoutById(mine.payoutId);
    expect(after?.openHoldCount).toBe(0);
    expect(after?.holds?.['screening-scr_7']?.releasedBy).toBe('operator:op-compliance-2');
    expect(enqueued).toEqual([mine.payoutId]);
  });
});
