import type { ItemRejection, StoredBatchItem } from '../../adapters/batch-items';
import { isRefusedRequest } from '../../adapters/dynamo-errors';
import type { PayoutCreationStore } from '../../adapters/payouts-repository';
import type { SubmissionMessage } from '../../adapters/submission-queue';
import type { Batch } from '../../domain/batches/batch';
import { failureSourceOfRejection, openBatchGroup } from '../../domain/batches/batch-exceptions';
import { batchItemIdempotencyKey } from '../../domain/batches/batch-identity';
import { enabledCorridor, validateDestination, type CorridorMatrix } from '../../domain/corridors';
import { DomainError } from '../../domain/domain-error';
import type { Payout } from '../../domain/payout';
import { maskDestination, type Destination } from '../../domain/recipient';
import type { RecipientField } from '../../domain/recipient-fields';
import type { BatchExceptionGroups } from '../../adapters/batch-exception-groups';
import type { FanOutMessage } from './accept-batch';

/**
 * The fan-out of one chunk (up to BATCH_CHUNK_ITEMS items) into payouts, through the create path's
 * own transaction (PayoutsRepository.createPayout: key lock, payout, destination, timeline, audit,
 * ledger). Crash-safe by construction: an item's payout id and idempotency key are functions of its
 * identity, so a redelivered chunk meets the key lock and finds the payout it already created
 * (`exists`), re-queues its submission if it is still `submitted`, and never creates a second one.
 *
 * Per-item business failures (corridor not enabled or policy-gated, account fields the corridor
 * refuses) reject that item alone, with its code, category and message on the item; the rest of
 * the batch proceeds. Anything else (throttling, a timeout) throws: the chunk is redelivered.
 *
 * A rejected item is counted into its batch's group exception for its failure source
 * (domain/batches/batch-exceptions.ts), never into an exception of its own. A redelivered chunk
 * counts its rejected items again, which counts nothing twice (the group's member is conditional)
 * and repairs a crash between the item's rejection and its count.
 */
export interface FanOutStore {
  getBatch(batchId: string): Promise<Batch | undefined>;
  chunkItems(batchId: string, chunk: number): Promise<StoredBatchItem[]>;
  rejectItem(item: StoredBatchItem, rejection: ItemRejection): Promise<boolean>;
}

export interface FanOutDeps {
  readonly batches: FanOutStore;
  readonly payouts: PayoutCreationStore;
  readonly enqueueSubmission: (message: SubmissionMessage) => Promise<void>;
  readonly corridors: CorridorMatrix;
  /** The batch's group exceptions (OPERATIONS_TABLE). */
  readonly groups: Pick<BatchExceptionGroups, 'addItem'>;
  readonly nowIso: () => string;
}

export type ItemFanOutOutcome = 'created' | 'existed' | 'rejected' | 'skipped';

export interface ChunkOutcome {
  readonly batchId: string;
  readonly chunk: number;
  readonly outcomes: Readonly<Record<ItemFanOutOutcome, number>>;
}

export async function fanOutChunk(deps: FanOutDeps, message: FanOutMessage): Promise<ChunkOutcome> {
  const outcomes: Record<ItemFanOutOutcome, number> = { created: 0, existed: 0, rejected: 0, skipped: 0 };
  const batch = await deps.batches.getBatch(message.batchId);
  // A message is only sent after its batch committed: a missing batch is a bug, left to the DLQ.
  if (batch === undefined) throw new Error(`batch ${message.batchId} of a fan-out message is not stored`);
  // Defence in depth: a batch awaiting approval never queues its fan-out (accept-batch.ts).
  if (batch.approval !== undefined && batch.approval.decision === undefined)
    return { ...message, outcomes: { ...outcomes, skipped: batch.itemCount } };
  // One item after another: every creation posts to the tenant's balance items of the currency,
  // and parallel transactions on those hot items only cancel each other (TransactionConflict).
  const only = message.senderItemIds === undefined ? undefined : new Set(message.senderItemIds);
  for (const item of await deps.batches.chunkItems(message.batchId, message.chunk)) {
    const outcome =
      only !== undefined && !only.has(item.senderItemId) ? 'skipped' : await fanOutItem(deps, batch, item);
    outcomes[outcome] += 1;
  }
  return { batchId: message.batchId, chunk: message.chunk, outcomes };
}

/** Rejects the item (if it is still `received`) and counts it into its group: both idempotent. */
async function reject(deps: FanOutDeps, batch: Batch, item: StoredBatchItem, rejection: ItemRejection) {
  await deps.batches.rejectItem(item, rejection);
  await countRejection(deps, batch, item, rejection);
}

async function countRejection(deps: FanOutDeps, batch: Batch, item: StoredBatchItem, rejection: ItemRejection) {
  const source = failureSourceOfRejection(rejection);
  const facts = { batchId: batch.batchId, senderBatchId: batch.senderBatchId, tenantId: batch.tenantId, source };
  await deps.groups.addItem(openBatchGroup(facts, rejection.at), {
    senderItemId: item.senderItemId,
    payoutId: item.payoutId,
    code: rejection.code,
    category: rejection.category,
    message: rejection.message,
    at: rejection.at,
  });
}

async function fanOutItem(deps: FanOutDeps, batch: Batch, item: StoredBatchItem): Promise<ItemFanOutOutcome> {
  // Rejected by an earlier delivery: counted again (a no-op unless that delivery crashed before its count).
  if (item.state === 'rejected' && item.rejection !== undefined)
    await countRejection(deps, batch, item, item.rejection);
  if (item.state !== 'received') return 'skipped';
  let destination: Destination;
  let provider: string;
  try {
    const { country, method, ...fields } = item.destination;
    const corridor = enabledCorridor(deps.corridors, country!, item.currency, method!);
    destination = validateDestination(corridor, country!, method!, fields as Partial<Record<RecipientField, string>>);
    provider = corridor.provider;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    await reject(deps, batch, item, rejectionOf(error, deps.nowIso()));
    return 'rejected';
  }
  const payout = itemPayout(batch, item, provider, destination, deps.nowIso());
  try {
    const result = await deps.payouts.createPayout({
      payout,
      destination,
      actor: { kind: 'client', id: batch.createdBy.clientId, role: batch.createdByRole, scopes: ['batches:write'] },
      requestId: batch.requestId,
      fieldHashes: {},
    });
    if (result.kind === 'created') {
      await deps.enqueueSubmission({ payoutId: payout.payoutId });
      return 'created';
    }
    const existing = result.payout;
    if (
      existing.payoutId !== item.payoutId ||
      existing.amountMinor !== item.amountMinor ||
      existing.currency !== item.currency
    ) {
      await reject(deps, batch, item, identityReused(existing, deps.nowIso()));
      return 'rejected';
    }
    // Created by an earlier delivery (or by this identity's batch before the window ended).
    if (existing.status === 'submitted') await deps.enqueueSubmission({ payoutId: existing.payoutId });
    return 'existed';
  } catch (error) {
    // DynamoDB refused this item's write as invalid: it would refuse every redelivery too.
    if (!isRefusedRequest(error)) throw error;
    await reject(deps, batch, item, {
      code: 'item_write_refused',
      category: 'human_action_required',
      message: 'the payout of this item could not be written; support has the request id',
      at: deps.nowIso(),
    });
    return 'rejected';
  }
}

function itemPayout(
  batch: Batch,
  item: StoredBatchItem,
  provider: string,
  destination: Destination,
  now: string,
): Payout {
  return {
    payoutId: item.payoutId,
    tenantId: batch.tenantId,
    idempotencyKey: batchItemIdempotencyKey({ senderBatchId: batch.senderBatchId, senderItemId: item.senderItemId }),
    // The batch was approved as a whole (or its totals needed none): its items go to the provider.
    status: 'submitted',
    createdBy: batch.createdBy,
    version: 1,
    amountMinor: item.amountMinor,
    currency: item.currency,
    provider,
    destination: maskDestination(destination),
    recipient: item.recipient,
    ...(item.description === undefined ? {} : { description: item.description }),
    ...(item.metadata === undefined ? {} : { metadata: item.metadata }),
    batch: { batchId: batch.batchId, senderBatchId: batch.senderBatchId, senderItemId: item.senderItemId },
    createdAt: now,
    lastEventAt: now,
    requestIds: [batch.requestId],
  };
}

function rejectionOf(error: DomainError, at: string): ItemRejection {
  return {
    code: error.code,
    category: error.category,
    message: error.message,
    ...(error.param === undefined ? {} : { param: error.param }),
    at,
  };
}

function identityReused(existing: Payout, at: string): ItemRejection {
  return {
    code: 'batch_item_identity_reused',
    category: 'terminal',
    message:
      `this item's identity (sender_batch_id, sender_item_id) already names payout ${existing.payoutId} ` +
      `of ${existing.amountMinor} ${existing.currency}; an item is never paid twice`,
    at,
  };
}
