import {
  ExceptionConflictError,
  ExceptionNotFoundError,
  type ExceptionActor,
  type ExceptionError,
  type ExceptionRecord,
  type ExceptionsStore,
  type OpenOrUpdateInput,
  type OpenOrUpdateResult,
  type Timestamp,
} from '../../../functions/adapters/exceptions-records';
import { exceptionAuditEntry, type ExceptionChange } from '../../../functions/adapters/exceptions-repository';
import {
  decideException,
  exceptionIdOf,
  ExceptionStateError,
  payoutExceptionOwner,
  slaDueAt,
  type ExceptionOwner,
} from '../../../functions/domain/exceptions';
import type { Gate } from '../gate';
import { AuditState } from './audit';
import { frozenCopy } from './copy';

/**
 * The exceptions store's contract (adapters/exceptions-repository.ts) in memory: the id is a hash
 * of the dedup key, every change is conditional on the version read (a racing writer re-reads,
 * three attempts), an audit record exists exactly when its change does, and the payout's owner copy
 * follows the active exceptions linked to it.
 */
export class ExceptionsState {
  readonly exceptions = new Map<string, ExceptionRecord>();
  /** The trail the exceptions' chains live in, shared with the payouts (memory/audit.ts). */
  constructor(readonly audit: AuditState = new AuditState()) {}
}

const WRITE_ATTEMPTS_MAX = 3;
const SYSTEM_ACTOR: ExceptionActor = { kind: 'system', id: 'system' };
const iso = (t: Timestamp): string => (typeof t === 'string' ? new Date(t).toISOString() : t.toISOString());
const errorOf = (e: OpenOrUpdateInput['error'], at: string): ExceptionError | undefined =>
  e === undefined ? undefined : typeof e === 'string' ? { message: e, at } : { ...e, at };

const requestIdOf = (input: OpenOrUpdateInput) => (input.requestId === undefined ? {} : { requestId: input.requestId });

class VersionConflict extends Error {
  override name = 'ConditionalCheckFailedException';
}

export class InMemoryExceptions implements ExceptionsStore {
  constructor(
    readonly state: ExceptionsState,
    private readonly gate: Gate,
    private readonly onPayoutOwnerChange?: (payoutId: string, owner: ExceptionOwner | undefined) => Promise<void>,
  ) {}

  async get(exceptionId: string): Promise<ExceptionRecord | undefined> {
    await this.gate.point('exceptions.get');
    const record = this.state.exceptions.get(exceptionId);
    return record;
  }

  async openOrUpdate(input: OpenOrUpdateInput): Promise<OpenOrUpdateResult> {
    const exceptionId = exceptionIdOf(input.dedupKey);
    const now = iso(input.seenAt);
    const actor = input.actor ?? SYSTEM_ACTOR;
    for (let attempt = 1; ; attempt++) {
      const current = await this.get(exceptionId);
      try {
        const result =
          current === undefined
            ? await this.insert(exceptionId, input, now, actor)
            : await this.refresh(current, input, now, actor);
        if ((result.kind === 'opened' || result.kind === 'reopened') && result.exception.payoutId !== undefined)
          await this.notifyOwner(result.exception.payoutId);
        return result;
      } catch (error) {
        if (!(error instanceof VersionConflict) || attempt >= WRITE_ATTEMPTS_MAX) throw error;
      }
    }
  }

  async resolve(input: {
    exceptionId: string;
    note: string;
    actor: ExceptionActor;
    requestId?: string;
    now: Timestamp;
  }): Promise<ExceptionRecord> {
    const at = iso(input.now);
    const current = await this.get(input.exceptionId);
    if (current === undefined) throw new ExceptionNotFoundError(input.exceptionId);
    const decision = decideException(current.state, 'resolve');
    if (decision.kind === 'refused') throw new ExceptionStateError(decision.code, input.exceptionId);
    const next: ExceptionRecord = {
      ...current,
      resolution: { note: input.note, by: input.actor.id, at },
      state: decision.to,
      updatedAt: at,
      version: current.version + 1,
    };
    try {
      await this.write(next, current.version, {
        action: 'resolve',
        actor: input.actor,
        at,
        note: input.note,
        ...(input.requestId === undefined ? {} : { requestId: input.requestId }),
      });
    } catch (error) {
      if (error instanceof VersionConflict) throw new ExceptionConflictError(input.exceptionId, error);
      throw error;
    }
    if (next.payoutId !== undefined) await this.notifyOwner(next.payoutId);
    return next;
  }

  private async insert(
    exceptionId: string,
    input: OpenOrUpdateInput,
    now: string,
    actor: ExceptionActor,
  ): Promise<OpenOrUpdateResult> {
    const error = errorOf(input.error, now);
    const exception: ExceptionRecord = {
      exceptionId,
      dedupKey: input.dedupKey,
      category: input.category,
      owner: input.owner,
      state: 'open',
      slaSeconds: input.slaSeconds,
      openedAt: now,
      slaDueAt: slaDueAt(now, input.slaSeconds),
      updatedAt: now,
      lastSeenAt: now,
      occurrences: 1,
      evidence: input.evidence,
      ...(input.payoutId === undefined ? {} : { payoutId: input.payoutId }),
      ...(input.batchId === undefined ? {} : { batchId: input.batchId, itemCount: 0 }),
      ...(error === undefined ? {} : { firstError: error, lastError: error }),
      version: 1,
    };
    await this.write(exception, undefined, { action: 'opened', actor, at: now, ...requestIdOf(input) });
    return { kind: 'opened', exception };
  }

  private async refresh(
    current: ExceptionRecord,
    input: OpenOrUpdateInput,
    now: string,
    actor: ExceptionActor,
  ): Promise<OpenOrUpdateResult> {
    const error = errorOf(input.error, now);
    const reopen = current.state === 'resolved' && input.reopenIfResolved === true;
    const reopened = reopen ? decideException(current.state, 'reopen') : undefined;
    const next: ExceptionRecord = {
      ...current,
      ...(reopened?.kind === 'transition'
        ? {
            state: reopened.to,
            owner: input.owner,
            slaSeconds: input.slaSeconds,
            slaDueAt: slaDueAt(now, input.slaSeconds),
          }
        : {}),
      evidence: input.evidence,
      lastSeenAt: now,
      updatedAt: now,
      occurrences: current.occurrences + 1,
      ...(error === undefined ? {} : { lastError: error, firstError: current.firstError ?? error }),
      version: current.version + 1,
    };
    if (reopen) delete next.resolution;
    await this.write(next, current.version, {
      action: reopen ? 'reopened' : 'seen_again',
      actor,
      at: now,
      ...requestIdOf(input),
    });
    if (reopen) return { kind: 'reopened', exception: next };
    return { kind: current.state === 'resolved' ? 'resolved_unchanged' : 'updated', exception: next };
  }

  /** The exception, its audit record and its payout link, conditional on the version read. */
  private async write(
    exception: ExceptionRecord,
    expectedVersion: number | undefined,
    change: ExceptionChange,
  ): Promise<void> {
    await this.gate.point('exceptions.transact');
    if (this.gate.fault('txConflict', 'exceptions.write')) throw new VersionConflict('simulated transaction conflict');
    const stored = this.state.exceptions.get(exception.exceptionId);
    if (expectedVersion === undefined ? stored !== undefined : stored?.version !== expectedVersion)
      throw new VersionConflict('version changed');
    // A batch group's count moved since this write's read: the adapter's member write bumps the
    // version (memory/batch-groups.ts does not), so in DynamoDB this write's condition fails too.
    if (stored !== undefined && stored.itemCount !== exception.itemCount)
      throw new VersionConflict('item count changed');
    const audit = this.state.audit.appendWrite(exceptionAuditEntry(exception, change));
    this.state.exceptions.set(exception.exceptionId, frozenCopy(exception));
    audit();
  }

  /** The owner the payout shows, derived from its links (here: its exceptions), as the repository derives it. */
  private async notifyOwner(payoutId: string): Promise<void> {
    if (this.onPayoutOwnerChange === undefined) return;
    await this.gate.point('exceptions.queryPayoutLinks');
    const linked = [...this.state.exceptions.values()].filter((e) => e.payoutId === payoutId);
    await this.onPayoutOwnerChange(payoutId, payoutExceptionOwner(linked));
  }
}
