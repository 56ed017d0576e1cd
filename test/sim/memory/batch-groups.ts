import type { AddOutcome, BatchGroupMember } from '../../../functions/adapters/batch-exception-groups';
import type { ExceptionActor, ExceptionRecord } from '../../../functions/adapters/exceptions-records';
import type { ExceptionOpening } from '../../../functions/domain/exceptions';
import { exceptionIdOf } from '../../../functions/domain/exceptions';
import type { Gate } from '../gate';
import { frozenCopy } from './copy';
import { transactionCanceled } from './errors';
import type { InMemoryExceptions } from './exceptions';

/**
 * adapters/batch-exception-groups.ts in memory: a failed batch item is counted into its
 * (batch, failure source) group once, the member and the count move together (the adapter's one
 * transaction), and a group emptied by a retry is resolved through the exceptions store.
 */
export class BatchGroupsState {
  /** exceptionId → sender_item_id → member. */
  readonly members = new Map<string, Map<string, BatchGroupMember>>();
}

/** adapters/batch-exception-groups.ts' attempts of one member write. */
const GROUP_WRITE_ATTEMPTS_MAX = 12;
const FAN_OUT_ACTOR: ExceptionActor = { kind: 'system', id: 'process-batch' };
const BATCH_RETRY_ACTOR: ExceptionActor = { kind: 'system', id: 'batch-retry' };

export class InMemoryBatchGroups {
  constructor(
    private readonly state: BatchGroupsState,
    private readonly exceptions: InMemoryExceptions,
    private readonly gate: Gate,
  ) {}

  /**
   * As the adapter's attempts: the member's transaction first (an item already listed counts nothing,
   * whatever the group's state: an operator may have resolved a group that still lists it); only
   * when the group is absent or resolved is it opened (or reopened), and the transaction tried again.
   */
  async addItem(opening: ExceptionOpening, member: BatchGroupMember): Promise<AddOutcome> {
    const exceptionId = exceptionIdOf(opening.dedupKey);
    const members = this.membersOf(exceptionId);
    for (let attempt = 1; ; attempt++) {
      // The transaction, as it commits: the member's absence, and the group's row there and not resolved.
      await this.gate.point('batch-groups.transact');
      if (members.has(member.senderItemId)) return 'already_counted';
      const group = this.exceptions.state.exceptions.get(exceptionId);
      if (group !== undefined && group.state !== 'resolved') {
        members.set(member.senderItemId, member);
        this.bump(exceptionId, 1, member.at);
        return 'added';
      }
      if (attempt >= GROUP_WRITE_ATTEMPTS_MAX) throw transactionCanceled(['None', 'ConditionalCheckFailed']);
      await this.exceptions.openOrUpdate({ ...opening, actor: FAN_OUT_ACTOR, reopenIfResolved: true });
    }
  }

  async removeItem(exceptionId: string, senderItemId: string, at: string): Promise<boolean> {
    await this.gate.point('batch-groups.transact');
    const members = this.membersOf(exceptionId);
    if (!members.delete(senderItemId) || this.exceptions.state.exceptions.get(exceptionId) === undefined) return false;
    this.bump(exceptionId, -1, at);
    return true;
  }

  async resolveIfEmpty(exceptionId: string, at: string, requestId?: string): Promise<boolean> {
    const group = await this.exceptions.get(exceptionId);
    if (group === undefined || group.state === 'resolved' || (group.itemCount ?? 0) > 0) return false;
    await this.exceptions.resolve({
      exceptionId,
      note: 'every item of this group was moved back by a batch retry',
      actor: BATCH_RETRY_ACTOR,
      ...(requestId === undefined ? {} : { requestId }),
      now: at,
    });
    return true;
  }

  async groups(exceptionIds: readonly string[]): Promise<ExceptionRecord[]> {
    const found: ExceptionRecord[] = [];
    for (const exceptionId of exceptionIds) {
      const group = await this.exceptions.get(exceptionId);
      if (group !== undefined) found.push(group);
    }
    return found;
  }

  private membersOf(exceptionId: string): Map<string, BatchGroupMember> {
    let members = this.state.members.get(exceptionId);
    if (members === undefined) this.state.members.set(exceptionId, (members = new Map()));
    return members;
  }

  /**
   * ADD itemCount: the count moves with the member. The adapter also bumps `version` (so a stale
   * repository write loses its condition); the model does not, because the simulation's
   * every-change-audited invariant counts one audit record per version and members are not audited.
   */
  private bump(exceptionId: string, delta: number, at: string): void {
    const stored = this.exceptions.state.exceptions.get(exceptionId);
    if (stored === undefined) return;
    this.exceptions.state.exceptions.set(
      exceptionId,
      frozenCopy({
        ...stored,
        itemCount: (stored.itemCount ?? 0) + delta,
        updatedAt: at,
        ...(delta > 0 ? { lastSeenAt: at } : {}),
      }),
    );
  }
}
