import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PayoutsRepository } from '../../../functions/adapters/payouts-repository';
import type { TransitionCommand } from '../../../functions/domain/payout';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { ledgerSums, samplePayout, scanAll } from './helpers';

let emulators: StartedEmulators;
let repo: PayoutsRepository;

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
afterEach(async () => {
  for (const sum of Object.values(await ledgerSums(emulators.clients.documentClient, repo.ledgerTable)))
    expect(sum).toBe(0);
});

const command = (
  payoutId: string,
  event: TransitionCommand['event'],
  extra: Partial<TransitionCommand> = {},
): TransitionCommand => ({
  payoutId,
  event,
  source: 'provider_webhook',
  sourceRef: `evt-${event}`,
  occurredAt: new Date().toISOString(),
  recordedAt: new Date().toISOString(),
  actor: { kind: 'provider', id: 'sandbox' },
  claim: { provider: 'sandbox' },
  ...extra,
});

describe('payouts repository on DynamoDB Local', () => {
  it('creates once per (tenant, key) and books available → in_transit', async () => {
    const first = samplePayout();
    expect((await repo.createPayout(first)).kind).toBe('created');
    const again = samplePayout({ idempotencyKey: first.payout.idempotencyKey });
    const second = await repo.createPayout(again);
    expect(second.kind).toBe('exists');
    expect(second.payout.payoutId).toBe(first.payout.payoutId);
    const otherTenant = await repo.createPayout(
      samplePayout({ idempotencyKey: first.payout.idempotencyKey, tenantId: 'globex' }),
    );
    expect(otherTenant.kind).toBe('created');
    expect(await repo.getPayout('globex', first.payout.payoutId)).toBeUndefined();
    const forSubmission = await repo.getPayoutForSubmission(first.payout.payoutId);
    expect(forSubmission?.destination.fields['iban']).toBe('DE89370400440532013000');
    const journal = (await scanAll(emulators.clients.documentClient, repo.ledgerTable)).filter(
      (i) => i['payoutId'] === first.payout.payoutId,
    );
    expect(journal).toHaveLength(1);
  });

  it('applies transitions, dedups provider events, marks stale and forbidden without moving', async () => {
    const created = samplePayout();
    await repo.createPayout(created);
    const id = created.payout.payoutId;
    const accepted = await repo.applyTransition(
      command(id, 'provider_accepted', {
        providerReference: 'sb_1',
        dedup: { provider: 'sandbox', providerEventId: `e1-${id}` },
      }),
    );
    expect(accepted.kind).toBe('applied');
    expect((await repo.findByProviderReference('sandbox', 'sb_1'))?.payoutId).toBe(id);
    const duplicate = await repo.applyTransition(
      command(id, 'provider_accepted', { dedup: { provider: 'sandbox', providerEventId: `e1-${id}` } }),
    );
    expect(duplicate.kind).toBe('duplicate');
    const paid = await repo.applyTransition(
      command(id, 'provider_paid', { feeMinor: 25, dedup: { provider: 'sandbox', providerEventId: `e2-${id}` } }),
    );
    expect(paid).toMatchObject({ kind: 'applied', to: 'paid' });
    const stale = await repo.applyTransition(
      command(id, 'provider_pending', { dedup: { provider: 'sandbox', providerEventId: `e3-${id}` } }),
    );
    expect(stale.kind).toBe('stale');
    const staleAgain = await repo.applyTransition(
      command(id, 'provider_pending', { dedup: { provider: 'sandbox', providerEventId: `e3-${id}` } }),
    );
    expect(staleAgain.kind).toBe('duplicate');
    const forbidden = await repo.applyTransition(command(id, 'provider_canceled'));
    expect(forbidden.kind).toBe('forbidden');
    const reversed = await repo.applyTransition(command(id, 'provider_failed'));
    expect(reversed).toMatchObject({ kind: 'applied', to: 'reversed' });
    const timeline = await repo.listTimeline('acme', id);
    expect(timeline?.map((e) => `${e.event}:${e.outcome}`)).toEqual([
      'created:applied',
      'provider_accepted:applied',
      'provider_paid:applied',
      'provider_pending:stale',
      'provider_canceled:forbidden',
      'provider_failed:applied',
    ]);
    expect(await repo.getPayout('acme', id)).toMatchObject({
      status: 'reversed',
      version: 4,
      feeMinor: 25,
      providerReference: 'sb_1',
    });
    expect((await repo.applyTransition(command('po_missing', 'provider_paid'))).kind).toBe('not_found');
  });

  it('serializes concurrent transitions by version: exactly one wins each move', async () => {
    const created = samplePayout();
    await repo.createPayout(created);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        repo.applyTransition(command(created.payout.payoutId, 'provider_paid', { sourceRef: `evt-${i}` })),
      ),
    );
    expect(results.filter((r) => r.kind === 'applied')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'stale')).toHaveLength(7);
  });

  it('a transition keeps attributes other modules own on the payout item (exceptionOwner, reconciledAt)', async () => {
    const created = samplePayout();
    await repo.createPayout(created);
    const key = { pk: `PAYOUT#${created.payout.payoutId}`, sk: 'PAYOUT' };
    await emulators.clients.documentClient.send(
      new UpdateCommand({
        TableName: repo.payoutsTable,
        Key: key,
        UpdateExpression: 'SET exceptionOwner = :o, reconciledAt = :r',
        ExpressionAttributeValues: { ':o': 'ops', ':r': '2026-01-01T00:00:00.000Z' },
      }),
    );
    expect(await repo.applyTransition(command(created.payout.payoutId, 'provider_accepted'))).toMatchObject({
      kind: 'applied',
    });
    expect(await repo.getPayout('acme', created.payout.payoutId)).toMatchObject({
      status: 'accepted',
      exceptionOwner: 'ops',
      reconciledAt: '2026-01-01T00:00:00.000Z',
    });
    const byStatus = await repo.listPayouts({ tenantId: 'acme', status: 'accepted', limit: 100 });
    expect(byStatus.payouts.map((p) => p.payoutId)).toContain(created.payout.payoutId);
  });

  it('lists by tenant with status and time filters and an opaque cursor', async () => {
    const tenantId = 'lister';
    for (let i = 0; i < 5; i++) await repo.createPayout(samplePayout({ tenantId }));
    const first = await repo.listPayouts({ tenantId, limit: 2 });
    expect(first.payouts).toHaveLength(2);
    expect(first.nextCursor).toBeDefined();
    const second = await repo.listPayouts({ tenantId, limit: 10, cursor: first.nextCursor! });
    expect(second.payouts).toHaveLength(3);
    await expect(repo.listPayouts({ tenantId: 'acme', limit: 2, cursor: first.nextCursor! })).rejects.toThrow(/cursor/);
    expect((await repo.listPayouts({ tenantId, status: 'submitted', limit: 10 })).payouts).toHaveLength(5);
    expect((await repo.listPayouts({ tenantId, status: 'paid', limit: 10 })).payouts).toHaveLength(0);
    expect(
      (await repo.listPayouts({ tenantId, createdTo: '2000-01-01T00:00:00.000Z', limit: 10 })).payouts,
    ).toHaveLength(0);
  });
});
