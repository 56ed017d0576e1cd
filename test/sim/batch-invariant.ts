import { batchGroupExceptionIds, failureSourceOfRejection } from '../../functions/domain/batches/batch-exceptions';
import { isActive } from '../../functions/domain/exceptions';
import { failureSourceOfPayout, type FailureSource } from '../../functions/domain/failure-source';
import type { World } from './world';

/**
 * Issue 13's promise: no batch item is ever paid twice. An item's identity is (tenant,
 * sender_batch_id, sender_item_id), judged from the batch record its payout names — not from the
 * key or id the payout recorded, which a broken fan-out would have derived wrongly — so a
 * redelivered chunk, a retry, concurrent resubmissions and a resubmission after the 30-day window
 * (a new batch of the same id) must all meet the one payout of each identity, and the provider
 * must hold at most one payout of it.
 */
export function batchItemPaidTwice(world: World): string[] {
  {
    const found: string[] = [];
    const ours = new Map<string, string[]>();
    for (const payout of world.payouts.payouts.values()) {
      const identity = identityOf(world, payout.payoutId);
      if (identity !== undefined) push(ours, identity, payout.payoutId);
    }
    for (const [identity, payoutIds] of ours)
      if (payoutIds.length > 1)
        found.push(`batch item ${identity} has ${payoutIds.length} payouts: ${payoutIds.join(', ')}`);
    const atProvider = new Map<string, string[]>();
    for (const held of world.provider.payouts.values()) {
      const identity = identityOf(world, held.payoutId);
      if (identity !== undefined) push(atProvider, identity, held.reference);
    }
    for (const [identity, references] of atProvider)
      if (references.length > 1)
        found.push(
          `batch item ${identity} is held by the provider ${references.length} times: ${references.join(', ')}`,
        );
    return found;
  }
}

/** `<tenant>/<sender_batch_id>/<sender_item_id>` of a batch item's payout; undefined for a single payout. */
function identityOf(world: World, payoutId: string): string | undefined {
  const payout = world.payouts.payouts.get(payoutId);
  if (payout?.batch === undefined) return undefined;
  const batch = world.batches.batches.get(payout.batch.batchId);
  // A payout naming a batch we do not hold is its own finding: counted under an identity of its own.
  if (batch === undefined) return `${payout.tenantId}/?${payout.batch.batchId}/${payout.batch.senderItemId}`;
  return `${batch.tenantId}/${batch.senderBatchId}/${payout.batch.senderItemId}`;
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/**
 * Issue 13's exceptions: a failed batch item — rejected by the fan-out, or its payout failed (the
 * provider's `failed`, a submission refusal) — is listed in exactly one of its batch's group
 * exceptions, the open one of its failure source, and each group's count is its member list's
 * length. A quiet check: between a rejection (or a transition) and its count a crash may fall,
 * which the chunk's (or the event's) redelivery repairs.
 */
export function failedBatchItemsUngrouped(world: World): string[] {
  const found: string[] = [];
  for (const item of failedBatchItems(world)) {
    const groups = batchGroupExceptionIds(item.batchId);
    const listedIn = groups.filter(({ exceptionId }) =>
      world.batchGroups.members.get(exceptionId)?.has(item.senderItemId),
    );
    const expected = groups.find(({ source }) => source === item.source)!;
    const label = `failed batch item ${item.batchId}/${item.senderItemId} (${item.how}, ${item.source})`;
    if (listedIn.length !== 1 || listedIn[0]!.source !== item.source) {
      found.push(`${label} is listed in ${listedIn.map((g) => g.source).join(', ') || 'no'} group(s)`);
      continue;
    }
    const group = world.exceptions.exceptions.get(expected.exceptionId);
    if (group === undefined || !isActive(group.state))
      found.push(`${label} is listed in group ${expected.exceptionId}, which is ${group?.state ?? 'missing'}`);
  }
  for (const [exceptionId, members] of world.batchGroups.members) {
    const group = world.exceptions.exceptions.get(exceptionId);
    if (group !== undefined && (group.itemCount ?? 0) !== members.size)
      found.push(`batch group ${exceptionId} counts ${group.itemCount ?? 0} items and lists ${members.size}`);
  }
  return found;
}

interface FailedItem {
  readonly batchId: string;
  readonly senderItemId: string;
  readonly source: FailureSource;
  readonly how: 'rejected' | 'payout failed';
}

function* failedBatchItems(world: World): Generator<FailedItem> {
  for (const item of world.batches.items.values())
    if (item.state === 'rejected' && item.rejection !== undefined)
      yield { ...item, source: failureSourceOfRejection(item.rejection), how: 'rejected' };
  for (const payout of world.payouts.payouts.values())
    if (payout.batch !== undefined && payout.status === 'failed')
      yield {
        batchId: payout.batch.batchId,
        senderItemId: payout.batch.senderItemId,
        source: failureSourceOfPayout(payout) ?? 'provider',
        how: 'payout failed',
      };
}
