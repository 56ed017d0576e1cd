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
