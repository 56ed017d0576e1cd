import type { AcceptBatchDeps } from '../../../functions/app/batches/accept-batch';
import type { BatchItemObjectsPort } from '../../../functions/app/batches/batch-items-object';
import type { BatchActionStore } from '../../../functions/app/batches/batch-actions';
import type { FanOutStore } from '../../../functions/app/batches/batch-fan-out';
import type { ItemRejection, StoredBatchItem } from '../../../functions/adapters/batch-items';
import type { BatchIdClaim, ClaimResult, ItemPayoutState } from '../../../functions/adapters/batches-repository';
import type { Batch } from '../../../functions/domain/batches/batch';
import type { Gate } from '../gate';
import { frozenCopy } from './copy';
import { conditionFailed, transactionCanceled } from './errors';
import type { PayoutsState } from './payouts';

/**
 * The batch records (adapters/batches-repository.ts) in memory, with the same conditions: the
 * claim's conditional Put (free, or its window over), the take-over of a crashed writer's lease,
 * items written in groups (BatchWriteItem: not atomic, a crash leaves some) or one conditional Put
 * each (the fan-out's materialisation), the accepted items object (S3), the batch record and
 * the claim's `accepted` in one transaction, an item's state moved only from the state it was read
 * in. Every call is a yield point. test/integration/sim/batches-differential.test.ts holds it to
 * the DynamoDB repository.
 */

/** BatchWriteItem's 25 puts a request: one yield point per group, as a crash may fall between them. */
const ITEM_WRITE_GROUP_MAX = 25;
/** The one condition the batch actions pass to updateBatch (batch-actions.ts: of two approvers, one decides). */
const NO_DECISION_YET = 'attribute_not_exists(approval.decision)';

const claimKey = (tenantId: string, senderBatchId: string) => `${tenantId}#${senderBatchId}`;
const itemKey = (batchId: string, chunk: number, senderItemId: string) => `${batchId}#${chunk}#${senderItemId}`;

export class BatchesState {
  readonly claims = new Map<string, BatchIdClaim>();
  readonly batches = new Map<string, Batch>();
  /** `<batchId>#<chunk>#<sender_item_id>` → item; a chunk's items read in sender_item_id order. */
  readonly items = new Map<string, StoredBatchItem>();
  /** The accepted batches' item objects (S3 `batches/…`): key → the JSON lines the accept wrote. */
  readonly objects = new Map<string, Buffer>();
}

/** adapters/batch-item-objects.ts in memory: a Put replaces the whole object; a range read returns its bytes. */
export class InMemoryBatchItemObjects implements BatchItemObjectsPort {
  constructor(
    private readonly state: BatchesState,
    private readonly gate: Gate,
  ) {}

  async put(key: string, body: Uint8Array): Promise<void> {
    await this.gate.point('batches.putItemsObject');
    this.state.objects.set(key, Buffer.from(body));
  }

  async readRange(key: string, startByte: number, endByteExclusive: number): Promise<AsyncIterable<Uint8Array>> {
    await this.gate.point('batches.readItemsObject');
    const body = this.state.objects.get(key);
    if (body === undefined) throw new Error(`NoSuchKey: ${key}`);
    const slice = body.subarray(startByte, endByteExclusive);
    return (async function* () {
      yield slice;
    })();
  }
}

type Store = Pick<AcceptBatchDeps['store'], keyof AcceptBatchDeps['store']> & FanOutStore & BatchActionStore;

export class InMemoryBatches implements Store {
  constructor(
    readonly state: BatchesState,
    private readonly payouts: PayoutsState,
    private readonly gate: Gate,
  ) {}

  async claimSenderBatchId(tenantId: string, senderBatchId: string, claim: BatchIdClaim): Promise<ClaimResult> {
    await this.gate.point('batches.claim');
    const held = this.state.claims.get(claimKey(tenantId, senderBatchId));
    // attribute_not_exists(pk) OR windowEndsAt <= :now
    if (held !== undefined && !(held.windowEndsAt <= claim.acceptedAt)) return { kind: 'held', claim: held };
    this.state.claims.set(claimKey(tenantId, senderBatchId), frozenCopy(claim));
    return { kind: 'claimed' };
  }

  async getClaim(tenantId: string, senderBatchId: string): Promise<BatchIdClaim | undefined> {
    await this.gate.point('batches.getClaim');
    return this.state.claims.get(claimKey(tenantId, senderBatchId));
  }

  async takeOverClaim(tenantId: string, senderBatchId: string, held: BatchIdClaim, leaseEndsAt: string) {
    await this.gate.point('batches.takeOverClaim');
    const key = claimKey(tenantId, senderBatchId);
    const now = this.state.claims.get(key);
    if (now?.state !== 'writing' || now.batchId !== held.batchId || now.leaseEndsAt !== held.leaseEndsAt) return false;
    this.state.claims.set(key, frozenCopy({ ...now, leaseEndsAt }));
    return true;
  }

  async writeItems(items: readonly StoredBatchItem[]): Promise<void> {
    for (let i = 0; i < items.length; i += ITEM_WRITE_GROUP_MAX) {
      await this.gate.point('batches.writeItems');
      for (const item of items.slice(i, i + ITEM_WRITE_GROUP_MAX))
        this.state.items.set(itemKey(item.batchId, item.chunk, item.senderItemId), frozenCopy(item));
    }
  }

  /** Conditional Puts (attribute_not_exists), one yield point each, as each is its own request. */
  async putItemsIfAbsent(items: readonly StoredBatchItem[]): Promise<number> {
    let written = 0;
    for (const item of items) {
      await this.gate.point('batches.putItemIfAbsent');
      const key = itemKey(item.batchId, item.chunk, item.senderItemId);
      if (this.state.items.has(key)) continue;
      this.state.items.set(key, frozenCopy(item));
      written += 1;
    }
    return written;
  }

  async commitBatch(batch: Batch): Promise<void> {
    await this.gate.point('batches.commitBatch');
    const key = claimKey(batch.tenantId, batch.senderBatchId);
    const claim = this.state.claims.get(key);
    const claimFails = claim?.batchId !== batch.batchId || claim.state !== 'writing';
    if (this.state.batches.has(batch.batchId) || claimFails)
      throw transactionCanceled([
        this.state.batches.has(batch.batchId) ? 'ConditionalCheckFailed' : 'None',
        claimFails ? 'ConditionalCheckFailed' : 'None',
      ]);
    this.state.batches.set(batch.batchId, frozenCopy(batch));
    this.state.claims.set(key, frozenCopy({ ...claim, state: 'accepted' as const }));
  }

  async getBatch(batchId: string): Promise<Batch | undefined> {
    await this.gate.point('batches.getBatch');
    return this.state.batches.get(batchId);
  }

  async updateBatch(batchId: string, set: Partial<Pick<Batch, 'fanOutEnqueuedAt' | 'approval'>>, condition?: string) {
    await this.gate.point('batches.updateBatch');
    if (condition !== undefined && condition !== NO_DECISION_YET)
      throw new Error(`the in-memory batches store does not model the condition ${condition}`);
    const batch = this.state.batches.get(batchId);
    if (batch === undefined) throw conditionFailed('updateBatch: attribute_exists(pk)');
    if (condition === NO_DECISION_YET && batch.approval?.decision !== undefined)
      throw conditionFailed(`updateBatch: ${condition}`);
    this.state.batches.set(batchId, frozenCopy({ ...batch, ...set }));
  }

  async chunkItems(batchId: string, chunk: number): Promise<StoredBatchItem[]> {
    await this.gate.point('batches.chunkItems');
    const prefix = `${batchId}#${chunk}#`;
    return [...this.state.items]
      .filter(([key]) => key.startsWith(prefix))
      .map(([, item]) => item)
      .sort((a, b) => (a.senderItemId < b.senderItemId ? -1 : a.senderItemId > b.senderItemId ? 1 : 0));
  }

  async rejectItem(item: StoredBatchItem, rejection: ItemRejection): Promise<boolean> {
    return this.setItemState(item, 'received', { state: 'rejected', rejection });
  }

  async reopenItem(item: StoredBatchItem): Promise<boolean> {
    return this.setItemState(item, 'rejected', {
      state: 'received',
      ...(item.rejection === undefined ? {} : { lastRejection: item.rejection }),
      retries: (item.retries ?? 0) + 1,
    });
  }

  private async setItemState(item: StoredBatchItem, from: string, set: Record<string, unknown>): Promise<boolean> {
    await this.gate.point('batches.setItemState');
    const key = itemKey(item.batchId, item.chunk, item.senderItemId);
    const stored = this.state.items.get(key);
    if (stored?.state !== from) return false;
    const { rejection: _removed, ...kept } = stored;
    // `REMOVE rejection` when reopening: the repository keeps the old one only as lastRejection.
    this.state.items.set(key, frozenCopy({ ...(from === 'rejected' ? kept : stored), ...set }));
    return true;
  }

  async payoutStates(payoutIds: readonly string[]): Promise<Map<string, ItemPayoutState>> {
    await this.gate.point('batches.payoutStates');
    const states = new Map<string, ItemPayoutState>();
    for (const payoutId of payoutIds) {
      const payout = this.payouts.payouts.get(payoutId);
      if (payout === undefined) continue;
      const { status, amountMinor, currency, statusReason } = payout;
      states.set(payoutId, { payoutId, status, amountMinor, currency, ...(statusReason ? { statusReason } : {}) });
    }
    return states;
  }
}
