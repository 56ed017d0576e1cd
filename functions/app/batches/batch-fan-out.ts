import type { ItemRejection, StoredBatchItem } from '../../adapters/batch-items';
import { cancellationCodes, hasTransactionConflict, isRefusedRequest, jitterSleep } from '../../adapters/dynamo-errors';
import type { PayoutCreationStore } from '../../adapters/payouts-repository';
import type { SubmissionMessage } from '../../adapters/submission-queue';
import { chunkSizeOf, type Batch } from '../../domain/batches/batch';
import { failureSourceOfRejection, openBatchGroup } from '../../domain/batches/batch-exceptions';
import { batchItemIdempotencyKey } from '../../domain/batches/batch-identity';
import { gateHolds, gateRefusalError, type GateRefusal } from '../../domain/compliance/gates';
import { isReadyForProvider } from '../../domain/compliance/holds';
import { assertNever } from '../../domain/assert-never';
import type { Hold } from '../../domain/compliance/contract';
import {
  batchableCorridor,
  payableCorridor,
  validateDestination,
  type Corridor,
  type CorridorMatrix,
} from '../../domain/corridors';
import { DomainError } from '../../domain/domain-error';
import type { Payout } from '../../domain/payout';
import { maskDestination, type Destination } from '../../domain/recipient';
import type { RecipientField } from '../../domain/recipient-fields';
import type { BatchExceptionGroups } from '../../adapters/batch-exception-groups';
import type { ComplianceGates } from '../payouts/payout-gates';
import type { FanOutMessage } from './accept-batch';
import { chunkItemsFromObject, type BatchItemObjectsPort } from './batch-items-object';

/**
 * The fan-out of one chunk (up to BATCH_CHUNK_ITEMS items) into payouts, through the create path's
 * own transaction (PayoutsRepository.createPayout: key lock, payout, destination, timeline, audit,
 * ledger). Crash-safe by construction: an item's payout id and idempotency key are functions of its
 * identity, so a redelivered chunk meets the key lock and finds the payout it already created
 * (`exists`), re-queues its submission if it is still `submitted`, and never creates a second one.
 *
 * Per-item business failures (corridor not enabled, account fields the corridor refuses, a recipient
 * blocked by a confirmed screening match or whose onboarding was rejected) reject that item alone, with
 * its code, category and message on the item; the rest of the batch proceeds. Anything else
 * (throttling, a timeout) throws: the chunk is redelivered.
 *
 * Gates (issue 15): with `gates`, an item passes the single payout's gates. Its recipient gets the record
 * behind an inline recipient (found, or made and screened before its first write: payout-recipient.ts),
 * and its payout is created with the holds that recipient and corridor call for (onboarding, tax form,
 * screening, a policy-gated corridor the tenant is not enabled for). A held item's payout waits before
 * submission, exactly as a single one does, until the last release submits it (release-hold.ts): it is
 * never queued here. Without `gates` (a fan-out built without RecipientsTable: tools, older tests) no
 * item has a record, so the fan-out fails closed: a policy-gated corridor, or one whose policy asks the
 * recipient for a tax form or onboarding, rejects the item (batchableCorridor).
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
  /** Conditional Puts (attribute_not_exists): an existing item record is never overwritten. */
  putItemsIfAbsent(items: readonly StoredBatchItem[]): Promise<number>;
}

/**
 * Item creations of one chunk in flight at once. Each creation posts to the tenant's balance items
 * of the currency, so parallel transactions on them conflict (TransactionConflict): the create
 * path retries those (CREATE_ATTEMPTS_MAX) and so does this one (ITEM_CONFLICT_ROUNDS_MAX). Four
 * keep a 100-item chunk well inside process-batch's 120 s on a loaded DynamoDB Local, where one
 * after another did not (docs/batches.md), without turning the hot items into a conflict storm.
 */
export const FAN_OUT_ITEMS_IN_FLIGHT_MAX = 4;
/**
 * Invocation time a creation is not started within (process-batch runs 120 s): a loaded
 * DynamoDB Local took ~6 s a create, so a 100-item chunk could outlive its invocation and then wait
 * out the whole visibility timeout. The items not started go back to the queue as their own message
 * (`senderItemIds`), visible at once; those started finish before the reserve is spent.
 */
export const FAN_OUT_TIME_RESERVE_MS = 25_000;
/** Further rounds of a creation that lost every attempt to a TransactionConflict, before the chunk is redelivered. */
export const ITEM_CONFLICT_ROUNDS_MAX = 4;
const ITEM_CONFLICT_DELAY_MS_MAX = 250;

export interface FanOutDeps {
  readonly batches: FanOutStore;
  /** The accepted items object: the chunk's byte range is read when its records do not exist yet. */
  readonly itemObjects: Pick<BatchItemObjectsPort, 'readRange'>;
  readonly payouts: PayoutCreationStore;
  readonly enqueueSubmission: (message: SubmissionMessage) => Promise<void>;
  readonly corridors: CorridorMatrix;
  /** The batch's group exceptions (OPERATIONS_TABLE). */
  readonly groups: Pick<BatchExceptionGroups, 'addItem'>;
  /** The create path's gates (issue 15); absent: fail closed on every corridor a gate would hold. */
  readonly gates?: ComplianceGates;
  readonly nowIso: () => string;
  /** The invocation's remaining time; with `continueLater`, the chunk hands its unstarted items on in time. */
  readonly remainingMs?: () => number;
  /** Queues a message for the rest of a chunk (BatchQueue): the same shape as a retry's message. */
  readonly continueLater?: (message: FanOutMessage) => Promise<void>;
}

export type ItemFanOutOutcome = 'created' | 'existed' | 'rejected' | 'skipped' | 'deferred';

export interface ChunkOutcome {
  readonly batchId: string;
  readonly chunk: number;
  readonly outcomes: Readonly<Record<ItemFanOutOutcome, number>>;
}

export async function fanOutChunk(deps: FanOutDeps, message: FanOutMessage): Promise<ChunkOutcome> {
  const outcomes: Record<ItemFanOutOutcome, number> = { created: 0, existed: 0, rejected: 0, skipped: 0, deferred: 0 };
  const batch = await deps.batches.getBatch(message.batchId);
  // A message is only sent after its batch committed: a missing batch is a bug, left to the DLQ.
  if (batch === undefined) throw new Error(`batch ${message.batchId} of a fan-out message is not stored`);
  // Defence in depth: a batch awaiting approval never queues its fan-out (accept-batch.ts).
  if (batch.approval !== undefined && batch.approval.decision === undefined)
    return { ...message, outcomes: { ...outcomes, skipped: batch.itemCount } };
  const only = message.senderItemIds === undefined ? undefined : new Set(message.senderItemIds);
  const creations: Array<{ item: StoredBatchItem; checked: CheckedItem }> = [];
  // Checks and rejections one after another (cheap, and the first rejection of a group opens it once,
  // with no racing opener recording it as seen again); the gates and creations, the slow part (a
  // recipient read, a first write, screening), in parallel.
  for (const item of await materialisedChunk(deps, batch, message.chunk)) {
    const checked = only !== undefined && !only.has(item.senderItemId) ? 'skipped' : await checkItem(deps, batch, item);
    if (typeof checked === 'string') outcomes[checked] += 1;
    else creations.push({ item, checked });
  }
  const deferred: string[] = [];
  // The gates in parallel (a recipient read, maybe its first write and screening); their refusals one after
  // another, like the checks' rejections; then the creations in parallel.
  const gatedItems: Array<{ item: StoredBatchItem; checked: CheckedItem; gated: GatedItem }> = [];
  const refused: Array<{ item: StoredBatchItem; rejection: ItemRejection }> = [];
  await forEachInFlight(creations, FAN_OUT_ITEMS_IN_FLIGHT_MAX, async ({ item, checked }) => {
    if (outOfTime(deps)) return void deferred.push(item.senderItemId);
    const gated = await gateItem(deps, batch, item, checked);
    if (isRejection(gated)) refused.push({ item, rejection: gated });
    else gatedItems.push({ item, checked, gated });
  });
  for (const { item, rejection } of refused.sort((a, b) => a.item.index - b.item.index)) {
    await reject(deps, batch, item, rejection);
    outcomes.rejected += 1;
  }
  await forEachInFlight(gatedItems, FAN_OUT_ITEMS_IN_FLIGHT_MAX, async ({ item, checked, gated }) => {
    if (outOfTime(deps)) deferred.push(item.senderItemId);
    else outcomes[await createItem(deps, batch, item, checked, gated)] += 1;
  });
  if (deferred.length > 0) {
    await deps.continueLater!({ batchId: message.batchId, chunk: message.chunk, senderItemIds: deferred.sort() });
    outcomes.deferred = deferred.length;
  }
  return { batchId: message.batchId, chunk: message.chunk, outcomes };
}

/**
 * The chunk's item records, written first if they do not all exist yet (the accept stored the
 * items as one object: accept-batch.ts). Only the chunk's byte range is read, and only the missing
 * items are put, each conditional on its absence: a redelivered chunk writes nothing twice, a crash
 * mid-chunk resumes with the rest, and an item a racing delivery already rejected stays rejected.
 * Read back after the writes: the stored records, not the object's lines, are the items' truth.
 */
async function materialisedChunk(deps: FanOutDeps, batch: Batch, chunk: number): Promise<StoredBatchItem[]> {
  const existing = await deps.batches.chunkItems(batch.batchId, chunk);
  if (batch.itemsObjectKey === undefined || existing.length >= chunkSizeOf(batch.itemCount, chunk)) return existing;
  const have = new Set(existing.map((item) => item.senderItemId));
  const missing: StoredBatchItem[] = [];
  for await (const item of chunkItemsFromObject(deps.itemObjects, batch, chunk))
    if (!have.has(item.senderItemId)) missing.push(item);
  await deps.batches.putItemsIfAbsent(missing);
  return deps.batches.chunkItems(batch.batchId, chunk);
}

function outOfTime(deps: FanOutDeps): boolean {
  if (deps.remainingMs === undefined || deps.continueLater === undefined) return false;
  return deps.remainingMs() < FAN_OUT_TIME_RESERVE_MS;
}

/** Runs `run` over the items with at most `inFlight` at once; the first failure fails the whole (the chunk is redelivered). */
async function forEachInFlight<T>(items: readonly T[], inFlight: number, run: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, items.length) }, worker));
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

/** An item that passed its business checks: what its payout is created with. */
interface CheckedItem {
  readonly destination: Destination;
  readonly corridor: Corridor;
}

/** What the gates made of a checked item: the record behind its recipient and the holds its payout waits on. */
interface GatedItem {
  readonly recipientId?: string;
  readonly holds: Record<string, Hold>;
  readonly openHoldCount: number;
}

const UNGATED: GatedItem = { holds: {}, openHoldCount: 0 };

/** The item's business checks against the corridor matrix: rejected (and counted), skipped, or ready to create. */
async function checkItem(
  deps: FanOutDeps,
  batch: Batch,
  item: StoredBatchItem,
): Promise<CheckedItem | ItemFanOutOutcome> {
  // Rejected by an earlier delivery: counted again (a no-op unless that delivery crashed before its count).
  if (item.state === 'rejected' && item.rejection !== undefined)
    await countRejection(deps, batch, item, item.rejection);
  if (item.state !== 'received') return 'skipped';
  try {
    const { country, method, ...fields } = item.destination;
    // With gates, the corridors a single payout may use (a policy-gated one is held, not refused).
    const corridor = (deps.gates === undefined ? batchableCorridor : payableCorridor)(
      deps.corridors,
      country!,
      item.currency,
      method!,
    );
    const destination = validateDestination(
      corridor,
      country!,
      method!,
      fields as Partial<Record<RecipientField, string>>,
    );
    return { destination, corridor };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    await reject(deps, batch, item, rejectionOf(error, deps.nowIso()));
    return 'rejected';
  }
}

/**
 * The item's recipient record and holds, or its rejection when no release could ever let it move (a
 * confirmed screening match, a rejected onboarding). A refused item whose payout already exists (a
 * redelivered chunk, the recipient blocked since its payout was created) is answered by that payout:
 * its holds are the payout's business now, and an item is never rejected beside the payout it made.
 */
async function gateItem(
  deps: FanOutDeps,
  batch: Batch,
  item: StoredBatchItem,
  { destination, corridor }: CheckedItem,
): Promise<GatedItem | ItemRejection> {
  if (deps.gates === undefined) return UNGATED;
  const now = deps.nowIso();
  const payee = { name: item.recipient.name, destination, currency: item.currency };
  const recipient = await deps.gates.recipients.inline(
    batch.tenantId,
    item.recipient.email === undefined ? payee : { ...payee, email: item.recipient.email },
    now,
  );
  const result = gateHolds({
    recipient: recipient.compliance,
    corridor,
    tenantEnablements: await deps.gates.tenantEnablements(batch.tenantId),
    // The batch was approved as a whole (or its totals needed none): no item waits for an approver.
    approvalRequired: false,
    now,
  });
  if (result.kind === 'refused') {
    const key = batchItemIdempotencyKey({ senderBatchId: batch.senderBatchId, senderItemId: item.senderItemId });
    if ((await deps.payouts.findByIdempotencyKey(batch.tenantId, key)) !== undefined) return UNGATED;
    const error = gateRefusalError(result.refusal);
    return {
      code: result.refusal,
      category: refusalCategory(result.refusal),
      message: error.message,
      param: 'recipient',
      at: now,
    };
  }
  const holds = result.holds.filter((hold) => hold.kind !== 'approval');
  return {
    recipientId: recipient.recipientId,
    holds: Object.fromEntries(holds.map((hold) => [hold.holdId, hold])),
    openHoldCount: holds.length,
  };
}

/**
 * A confirmed screening match blocks for good (terminal). A rejected onboarding waits on compliance, which
 * can reopen it (POST /ops/recipients/{id}/onboarding): human_action_required, so the batch operator's retry
 * (domain/batches/batch-retry.ts) moves the item again once compliance has acted, and rejects it again if not.
 */
function refusalCategory(refusal: GateRefusal): ItemRejection['category'] {
  switch (refusal) {
    case 'recipient_blocked':
      return 'terminal';
    case 'recipient_rejected':
      return 'human_action_required';
    default:
      return assertNever(refusal, 'gate refusal');
  }
}

const isRejection = (gated: GatedItem | ItemRejection): gated is ItemRejection => 'code' in gated;

async function createItem(
  deps: FanOutDeps,
  batch: Batch,
  item: StoredBatchItem,
  checked: CheckedItem,
  gated: GatedItem,
): Promise<ItemFanOutOutcome> {
  const payout = itemPayout(batch, item, checked, gated, deps.nowIso());
  try {
    const result = await createThroughConflicts(deps, {
      payout,
      destination: checked.destination,
      actor: { kind: 'client', id: batch.createdBy.clientId, role: batch.createdByRole, scopes: ['batches:write'] },
      requestId: batch.requestId,
      fieldHashes: {},
    });
    if (result.kind === 'created') {
      // Held: nothing goes to the provider until the last release submits it.
      if (isReadyForProvider(payout)) await deps.enqueueSubmission({ payoutId: payout.payoutId });
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
    if (isReadyForProvider(existing)) await deps.enqueueSubmission({ payoutId: existing.payoutId });
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

/** The create, again after a full-jitter pause while it keeps losing to parallel creates (same identity: safe). */
async function createThroughConflicts(deps: FanOutDeps, input: Parameters<PayoutCreationStore['createPayout']>[0]) {
  for (let round = 1; ; round++) {
    try {
      return await deps.payouts.createPayout(input);
    } catch (error) {
      const reasons = cancellationCodes(error);
      if (reasons === undefined || !hasTransactionConflict(reasons) || round > ITEM_CONFLICT_ROUNDS_MAX) throw error;
      await jitterSleep(ITEM_CONFLICT_DELAY_MS_MAX * round);
    }
  }
}

function itemPayout(
  batch: Batch,
  item: StoredBatchItem,
  { destination, corridor }: CheckedItem,
  gated: GatedItem,
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
    provider: corridor.provider,
    destination: maskDestination(destination),
    recipient: item.recipient,
    ...(item.description === undefined ? {} : { description: item.description }),
    ...(item.metadata === undefined ? {} : { metadata: item.metadata }),
    batch: { batchId: batch.batchId, senderBatchId: batch.senderBatchId, senderItemId: item.senderItemId },
    createdAt: now,
    lastEventAt: now,
    requestIds: [batch.requestId],
    ...(gated.recipientId === undefined ? {} : { recipientId: gated.recipientId }),
    // Only a held payout carries the map, as a single payout (create-payout.ts#newPayout).
    ...(gated.openHoldCount === 0 ? {} : { holds: gated.holds, openHoldCount: gated.openHoldCount }),
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
