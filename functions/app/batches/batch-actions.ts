import type { AuditTrail } from '../../adapters/audit-trail';
import { samePrincipal } from '../../domain/approval';
import type { Batch } from '../../domain/batches/batch';
import { isRetryableRejection } from '../../domain/batches/batch-retry';
import { ApiError } from '../../http/api-error';
import type { Caller } from '../../http/claims';
import { enqueueFanOut, type AcceptBatchDeps, type FanOutMessage } from './accept-batch';
import type { BatchReadStore } from './batch-reads';
import { tenantBatch } from './batch-reads';
import type { StoredBatchItem } from '../../adapters/batch-items';
import { isConditionalCheckFailed } from '../../adapters/dynamo-errors';
import type { BatchExceptionGroups } from '../../adapters/batch-exception-groups';
import { batchGroupSubject, failureSourceOfRejection } from '../../domain/batches/batch-exceptions';
import { exceptionIdFor } from '../../domain/exceptions';

/**
 * The whole-batch actions: the one approval (payouts:approve, never the submitter), and the batch
 * operator's retry (batches:retry) of the items whose rejection is retryable. Both are audited in
 * the batch's own chain.
 */
export interface BatchActionStore extends BatchReadStore {
  updateBatch(
    batchId: string,
    set: Partial<Pick<Batch, 'fanOutEnqueuedAt' | 'approval'>>,
    condition?: string,
  ): Promise<void>;
  reopenItem(item: StoredBatchItem): Promise<boolean>;
}

export interface BatchActionDeps {
  readonly store: BatchActionStore;
  readonly audit: Pick<AuditTrail, 'append'>;
  readonly enqueueFanOut: AcceptBatchDeps['enqueueFanOut'];
  /** The batch's group exceptions: a moved item leaves its group; an emptied group is resolved. */
  readonly groups: Pick<BatchExceptionGroups, 'removeItem' | 'resolveIfEmpty'>;
  readonly nowIso: () => string;
}

const actorOf = (caller: Caller) => ({
  type: 'tenant' as const,
  id: caller.clientId,
  role: caller.role,
  tenant: caller.tenantId,
});

function conflict(code: string, message: string): ApiError {
  return new ApiError({ status: 409, type: 'conflict_error', code, category: 'terminal', message });
}

/** Approves the batch and queues its fan-out; approving an approved batch again answers it unchanged. */
export async function approveBatch(deps: BatchActionDeps, caller: Caller, batchId: string, requestId: string) {
  const batch = await tenantBatch(deps.store, caller.tenantId, batchId);
  if (batch.approval === undefined) throw conflict('approval_not_required', 'this batch needs no approval');
  // Approved before: answered unchanged (its fan-out queued again only if that step had not finished).
  if (batch.approval.decision !== undefined)
    return batch.fanOutEnqueuedAt === undefined ? enqueueFanOut(deps, batch) : batch;
  if (samePrincipal(batch.createdBy, caller)) {
    throw new ApiError({
      status: 403,
      type: 'permission_error',
      code: 'self_approval_forbidden',
      category: 'terminal',
      message: 'a batch is approved by a principal other than the one that submitted it',
    });
  }
  const at = deps.nowIso();
  const approval = {
    ...batch.approval,
    decision: { kind: 'approved' as const, by: { clientId: caller.clientId, subject: caller.subject }, at },
  };
  // Conditional: of two approvers racing, one decides; the other's write fails and it reads the decision.
  try {
    await deps.store.updateBatch(batchId, { approval }, 'attribute_not_exists(approval.decision)');
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    return enqueueFanOut(deps, await tenantBatch(deps.store, caller.tenantId, batchId));
  }
  await deps.audit.append({
    at,
    actor: actorOf(caller),
    action: 'batch.approved',
    subject: { type: 'batch', id: batchId },
    tenant_id: caller.tenantId,
    request_id: requestId,
    outcome: 'applied',
    details: { sender_batch_id: batch.senderBatchId, item_count: batch.itemCount, thresholds: approval.thresholds },
  });
  return enqueueFanOut(deps, { ...batch, approval });
}

/**
 * Moves every rejected item whose rejection is retryable back to `received` (conditionally: an item
 * a concurrent retry moved is not counted twice) and queues its chunk again. Items with a payout
 * are never touched: the fan-out skips them, and their identity's key lock refuses a second payout.
 * Each moved item leaves its group exception, and a group left empty is resolved; an item that
 * fails again is counted back in by the fan-out (reopening its group).
 */
export async function retryBatch(deps: BatchActionDeps, caller: Caller, batchId: string, requestId: string) {
  const batch = await tenantBatch(deps.store, caller.tenantId, batchId);
  if (batch.approval !== undefined && batch.approval.decision === undefined)
    throw conflict('batch_awaiting_approval', 'this batch awaits its approval; nothing of it was submitted yet');
  let moved = 0;
  const chunks: FanOutMessage[] = [];
  const groups = new Set<string>();
  for (let chunk = 0; chunk < batch.chunkCount; chunk++) {
    const reopened = await retryChunk(deps, batchId, chunk, groups);
    // Only the reopened items: the fan-out does not even try the chunk's items that have a payout.
    if (reopened.length > 0) chunks.push({ batchId, chunk, senderItemIds: reopened });
    moved += reopened.length;
  }
  for (const exceptionId of groups) await deps.groups.resolveIfEmpty(exceptionId, deps.nowIso(), requestId);
  if (chunks.length > 0) await deps.enqueueFanOut(chunks);
  await deps.audit.append({
    at: deps.nowIso(),
    actor: actorOf(caller),
    action: 'batch.retried',
    subject: { type: 'batch', id: batchId },
    tenant_id: caller.tenantId,
    request_id: requestId,
    outcome: moved > 0 ? 'applied' : 'stale',
    details: { sender_batch_id: batch.senderBatchId, moved, chunks: chunks.length },
  });
  return { batch_id: batchId, moved };
}

/** One chunk of a retry: the ids it moved back to `received`; `groups` collects the groups they left. */
async function retryChunk(deps: BatchActionDeps, batchId: string, chunk: number, groups: Set<string>) {
  const reopened: string[] = [];
  for (const item of await deps.store.chunkItems(batchId, chunk)) {
    // Moved by an earlier retry that crashed before its group update: leave the group now (a no-op otherwise).
    if (item.state === 'received' && item.lastRejection !== undefined) {
      await leaveGroup(deps, batchId, item.senderItemId, item.lastRejection, groups);
      continue;
    }
    if (item.state !== 'rejected' || item.rejection === undefined || !isRetryableRejection(item.rejection.category))
      continue;
    if (!(await deps.store.reopenItem(item))) continue;
    reopened.push(item.senderItemId);
    await leaveGroup(deps, batchId, item.senderItemId, item.rejection, groups);
  }
  return reopened;
}

async function leaveGroup(
  deps: BatchActionDeps,
  batchId: string,
  senderItemId: string,
  rejection: NonNullable<StoredBatchItem['rejection']>,
  groups: Set<string>,
) {
  const exceptionId = exceptionIdFor(batchGroupSubject(batchId, failureSourceOfRejection(rejection)));
  if (await deps.groups.removeItem(exceptionId, senderItemId, deps.nowIso())) groups.add(exceptionId);
}
