import type { BatchIdClaim, ClaimResult } from '../../adapters/batches-repository';
import type { StoredBatchItem } from '../../adapters/batch-items';
import { policyFor, type ApprovalPolicies } from '../../domain/approval';
import { batchApprovalThresholds, chunkCountOf, chunkOf, currencyTotals, type Batch } from '../../domain/batches/batch';
import { batchContentHash, batchIdWindowEndsAt, batchItemPayoutId } from '../../domain/batches/batch-identity';
import type { Caller } from '../../http/claims';
import { inlineItems, parseBatchItems, type BatchItemInput, type CreateBatchRequest } from '../../http/batch-request';
import { batchItemsObjectKey } from '../../shared/batch-uploads';
import { encodeItemsObject, type BatchItemObjectsPort } from './batch-items-object';
import type { BatchItemsSource } from './batch-items-source';
import { batchIdReused, batchInProgress } from './batch-errors';

/**
 * POST /batches: validate every item (any problem rejects the whole batch, nothing written), claim
 * the sender_batch_id, store the validated items as ONE object (batch-items-object.ts), commit the
 * batch, queue its fan-out, answer 202. The item records are written later, a chunk at a time, by
 * process-batch (batch-fan-out.ts): the call writes O(1) records whatever the item count, so a
 * 15,000-item batch is accepted in well under the API's 29 s.
 *
 * Crash safety, step by step: the claim is `writing` with a lease until the batch record and the
 * claim's `accepted` commit together, so a claim is never `accepted` without its batch; a crash
 * while writing leaves a lease that the next request with the same content takes over, rewriting
 * the same object (its key is a function of tenant and batch id, its bytes of the content); a
 * crash after the commit but before the fan-out was queued is repaired by the replay, which queues
 * it again (the fan-out is idempotent per item: batch-fan-out.ts).
 */

/** A writer's lease on a `writing` claim: longer than the API's 30 s, so a live writer is never taken over. */
export const BATCH_WRITE_LEASE_MS = 60_000;

export interface BatchAcceptStore {
  claimSenderBatchId(tenantId: string, senderBatchId: string, claim: BatchIdClaim): Promise<ClaimResult>;
  takeOverClaim(tenantId: string, senderBatchId: string, held: BatchIdClaim, leaseEndsAt: string): Promise<boolean>;
  commitBatch(batch: Batch): Promise<void>;
  getBatch(batchId: string): Promise<Batch | undefined>;
  updateBatch(batchId: string, set: Partial<Pick<Batch, 'fanOutEnqueuedAt'>>): Promise<void>;
}

export interface FanOutMessage {
  readonly batchId: string;
  readonly chunk: number;
  /** A retry's message: only these items of the chunk (the ones it reopened), not those with a payout. */
  readonly senderItemIds?: readonly string[];
}

export interface AcceptBatchDeps {
  readonly store: BatchAcceptStore;
  readonly itemsSource: BatchItemsSource;
  /** Where the validated items wait for process-batch (the uploads bucket, `batches/…`). */
  readonly itemObjects: Pick<BatchItemObjectsPort, 'put'>;
  readonly enqueueFanOut: (messages: readonly FanOutMessage[]) => Promise<void>;
  readonly approvalPolicies: ApprovalPolicies;
  readonly amountMaxMinor: number;
  readonly nowIso: () => string;
  readonly newBatchId: () => string;
}

export interface AcceptBatchInput {
  readonly request: CreateBatchRequest;
  readonly caller: Caller;
  readonly requestId: string;
}

export interface AcceptedBatch {
  readonly batch: Batch;
  readonly replayed: boolean;
}

export async function acceptBatch(deps: AcceptBatchDeps, input: AcceptBatchInput): Promise<AcceptedBatch> {
  const { request, caller } = input;
  const raw =
    request.source === 'items'
      ? inlineItems(request.items)
      : deps.itemsSource.readUpload({ tenantId: caller.tenantId, uploadId: request.uploadId });
  const items = sortedById(await parseBatchItems(raw, deps.amountMaxMinor));
  const contentHash = batchContentHash(items.map(contentOf));
  const now = deps.nowIso();
  const claim: BatchIdClaim = {
    batchId: deps.newBatchId(),
    contentHash,
    acceptedAt: now,
    windowEndsAt: batchIdWindowEndsAt(now),
    state: 'writing',
    leaseEndsAt: leaseFrom(now),
  };
  const claimed = await deps.store.claimSenderBatchId(caller.tenantId, request.senderBatchId, claim);
  if (claimed.kind === 'claimed') return { batch: await writeBatch(deps, input, items, claim), replayed: false };

  const held = claimed.claim;
  if (held.contentHash !== contentHash) throw batchIdReused(request.senderBatchId, held.batchId);
  if (held.state === 'accepted') return { batch: await replay(deps, held.batchId), replayed: true };
  // Still `writing`: a live writer keeps its lease; a crashed one's is taken over by one request.
  if (now < held.leaseEndsAt) throw batchInProgress(held.batchId);
  if (!(await deps.store.takeOverClaim(caller.tenantId, request.senderBatchId, held, leaseFrom(now))))
    throw batchInProgress(held.batchId);
  return { batch: await writeBatch(deps, input, items, held), replayed: false };
}

async function writeBatch(
  deps: AcceptBatchDeps,
  input: AcceptBatchInput,
  items: readonly BatchItemInput[],
  claim: BatchIdClaim,
): Promise<Batch> {
  const { caller, request } = input;
  const tenantId = caller.tenantId;
  // One line per item, built as it is encoded: the stored form never exists as a second array.
  const stored = (function* () {
    for (const [position, item] of items.entries())
      yield storedItem(tenantId, request.senderBatchId, claim, item, position);
  })();
  const encoded = encodeItemsObject(stored);
  const totals = currencyTotals(items.map(({ body }) => ({ currency: body.currency, amountMinor: body.amount })));
  const thresholds = batchApprovalThresholds(policyFor(deps.approvalPolicies, tenantId), totals);
  const itemsObjectKey = batchItemsObjectKey(tenantId, claim.batchId);
  const batch: Batch = {
    batchId: claim.batchId,
    tenantId,
    senderBatchId: request.senderBatchId,
    contentHash: claim.contentHash,
    itemCount: items.length,
    chunkCount: chunkCountOf(items.length),
    totals,
    createdBy: { clientId: caller.clientId, subject: caller.subject },
    createdByRole: caller.role,
    createdAt: claim.acceptedAt,
    requestId: input.requestId,
    ...(thresholds.length > 0 ? { approval: { thresholds } } : {}),
    itemsObjectKey,
    chunkByteOffsets: encoded.chunkByteOffsets,
  };
  await deps.itemObjects.put(itemsObjectKey, encoded.body);
  await deps.store.commitBatch(batch);
  return enqueueFanOut(deps, batch);
}

/** The original batch; its fan-out queued again if the first request crashed before queuing it. */
async function replay(deps: AcceptBatchDeps, batchId: string): Promise<Batch> {
  const batch = await deps.store.getBatch(batchId);
  if (batch === undefined) throw new Error(`batch ${batchId} is accepted but not stored`);
  return batch.fanOutEnqueuedAt === undefined ? enqueueFanOut(deps, batch) : batch;
}

/** Queues one message per chunk, unless the batch awaits its approval (approval queues it then). */
export async function enqueueFanOut(
  deps: { store: Pick<BatchAcceptStore, 'updateBatch'> } & Pick<AcceptBatchDeps, 'enqueueFanOut' | 'nowIso'>,
  batch: Batch,
): Promise<Batch> {
  if (batch.approval !== undefined && batch.approval.decision === undefined) return batch;
  await deps.enqueueFanOut(Array.from({ length: batch.chunkCount }, (_, chunk) => ({ batchId: batch.batchId, chunk })));
  const fanOutEnqueuedAt = deps.nowIso();
  await deps.store.updateBatch(batch.batchId, { fanOutEnqueuedAt });
  return { ...batch, fanOutEnqueuedAt };
}

function storedItem(
  tenantId: string,
  senderBatchId: string,
  claim: BatchIdClaim,
  item: BatchItemInput,
  position: number,
): StoredBatchItem {
  const { body } = item;
  const { country, method, ...fields } = body.destination;
  return {
    batchId: claim.batchId,
    chunk: chunkOf(position),
    index: item.index,
    senderItemId: item.senderItemId,
    payoutId: batchItemPayoutId({ tenantId, senderBatchId, senderItemId: item.senderItemId }),
    amountMinor: body.amount,
    currency: body.currency,
    destination: { country, method, ...(fields as Record<string, string>) },
    recipient: body.recipient.email === undefined ? { name: body.recipient.name } : body.recipient,
    ...(body.description === undefined ? {} : { description: body.description }),
    ...(body.metadata === undefined ? {} : { metadata: body.metadata }),
    state: 'received',
  };
}

const contentOf = (item: BatchItemInput) => ({ sender_item_id: item.senderItemId, ...item.body });

/** Sender-id order: the content hash and the chunking are functions of the items, not of their order. */
function sortedById(items: BatchItemInput[]): BatchItemInput[] {
  return items.sort((a, b) => (a.senderItemId < b.senderItemId ? -1 : a.senderItemId > b.senderItemId ? 1 : 0));
}

function leaseFrom(nowIso: string): string {
  return new Date(Date.parse(nowIso) + BATCH_WRITE_LEASE_MS).toISOString();
}
