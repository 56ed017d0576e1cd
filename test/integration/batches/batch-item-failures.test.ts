import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail } from '../../../functions/adapters/audit-trail';
import { BatchExceptionGroups } from '../../../functions/adapters/batch-exception-groups';
import { ExceptionsRepository } from '../../../functions/adapters/exceptions-repository';
import { PayoutsRepository } from '../../../functions/adapters/payouts-repository';
import { countFailedBatchItem, type FailedItemDeps } from '../../../functions/app/batches/batch-item-failures';
import { batchGroupExceptionIds } from '../../../functions/domain/batches/batch-exceptions';
import { item, postBatch, startBatchesHarness, type BatchesHarness } from './harness';

// A batch item that fails AFTER the fan-out — the provider's `failed`, a submission refusal — joins its
// batch's exception group of its failure source (app/batches/batch-item-failures.ts), once, on DynamoDB Local.

let h: BatchesHarness;
let payouts: PayoutsRepository;
let groups: BatchExceptionGroups;
let deps: FailedItemDeps;

beforeAll(async () => {
  h = await startBatchesHarness();
  const client = h.emulators.clients.documentClient;
  const auditTable = process.env['AUDIT_TABLE']!;
  const operationsTable = process.env['OPERATIONS_TABLE']!;
  const exceptions = new ExceptionsRepository(client, operationsTable, { audit: new AuditTrail(client, auditTable) });
  groups = new BatchExceptionGroups(client, operationsTable, exceptions);
  payouts = new PayoutsRepository({
    client,
    payoutsTable: process.env['PAYOUTS_TABLE']!,
    ledgerTable: process.env['LEDGER_TABLE']!,
    auditTable,
  });
  deps = { groups, getPayoutById: (payoutId) => payouts.getPayoutById(payoutId) };
});
afterAll(async () => h?.emulators.stop());

const at = '2026-12-02T03:00:00.000Z';

async function acceptedBatchPayouts(senderBatchId: string, count: number) {
  const accepted = await postBatch(h, {
    sender_batch_id: senderBatchId,
    items: Array.from({ length: count }, () => item()),
  });
  expect(accepted.statusCode).toBe(202);
  const batchId = accepted.body.batch_id as string;
  expect(await h.deliver(await h.drain('batch'))).toEqual([]);
  await h.drain('submission');
  const all = await h.entities('payout');
  return {
    batchId,
    payoutIds: all
      .filter((p) => (p['batch'] as { batchId?: string } | undefined)?.batchId === batchId)
      .map((p) => p['payoutId'] as string),
  };
}

async function failAtProvider(payoutId: string, code: string) {
  const reference = `sb_${payoutId.slice(-12)}`;
  const base = { payoutId, occurredAt: at, recordedAt: at };
  const accepted = await payouts.applyTransition({
    ...base,
    event: 'provider_accepted',
    source: 'submitter',
    sourceRef: `submit-${payoutId}`,
    actor: { kind: 'system', id: 'submit-payout' },
    providerReference: reference,
  });
  expect(accepted.kind).toBe('applied');
  const failed = await payouts.applyTransition({
    ...base,
    event: 'provider_failed',
    source: 'provider_webhook',
    sourceRef: `evt-${payoutId}`,
    actor: { kind: 'provider', id: 'sandbox' },
    statusReason: code,
    providerReference: reference,
    claim: { provider: 'sandbox' },
    dedup: { provider: 'sandbox', providerEventId: `evt-${payoutId}` },
  });
  expect(failed.kind).toBe('applied');
  return failed.kind === 'applied' ? failed.payout : undefined;
}

describe('batch items failed after the fan-out', () => {
  it('join the group of their failure source once, whether counted from the payout or, after a crash, from its id', async () => {
    const { batchId, payoutIds } = await acceptedBatchPayouts('late-failures-1', 3);
    expect(payoutIds).toHaveLength(3);
    const failed = await failAtProvider(payoutIds[0]!, 'account_closed');
    expect(await countFailedBatchItem(deps, failed!, at)).toBe('counted');
    // The redelivered webhook (duplicate): the count stands.
    expect(await countFailedBatchItem(deps, { payoutId: payoutIds[0]! }, at)).toBe('already_counted');
    // A payout that did not fail, and a payout of no batch, count nothing.
    expect(await countFailedBatchItem(deps, { payoutId: payoutIds[1]! }, at)).toBe('not_a_failed_item');
    expect(await countFailedBatchItem(undefined, failed!, at)).toBe('not_a_failed_item');

    const recipientGroup = batchGroupExceptionIds(batchId).find((g) => g.source === 'recipient')!;
    const [group] = await groups.groups([recipientGroup.exceptionId]);
    expect(group).toMatchObject({ category: 'batch_items_failed_recipient', state: 'open' });
    const members = await groups.items(recipientGroup.exceptionId, {});
    expect(members.items).toEqual([
      expect.objectContaining({ payoutId: payoutIds[0], code: 'account_closed', category: 'terminal' }),
    ]);
  });

  it('a provider failure with an unlisted code is the provider group', async () => {
    const { batchId, payoutIds } = await acceptedBatchPayouts('late-failures-2', 1);
    const failed = await failAtProvider(payoutIds[0]!, 'provider_internal_error');
    expect(await countFailedBatchItem(deps, failed!, at)).toBe('counted');
    const providerGroup = batchGroupExceptionIds(batchId).find((g) => g.source === 'provider')!;
    expect((await groups.items(providerGroup.exceptionId, {})).items).toHaveLength(1);
  });
});
