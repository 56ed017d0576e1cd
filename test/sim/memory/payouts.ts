import type { AuditEntry } from '../../../functions/domain/audit';
import { payoutCreatedEntry, payoutTransitionEntry } from '../../../functions/domain/audit-entries';
import { checkEventOwnership } from '../../../functions/domain/event-ownership';
import { balanceDeltas, postingsFor, type LedgerAccount, type Posting } from '../../../functions/domain/ledger';
import { decide, isAwaitingProvider } from '../../../functions/domain/lifecycle';
import type { CurrencyCode } from '../../../functions/domain/money';
import type {
  Actor,
  Payout,
  TimelineEntry,
  TransitionCommand,
  TransitionResult,
} from '../../../functions/domain/payout';
import type { Destination } from '../../../functions/domain/recipient';
import type { ExceptionOwner } from '../../../functions/domain/exceptions';
import type { LedgerFact, ReconPayout } from '../../../functions/domain/reconciliation/matching-types';
import { ledgerFactOf } from '../../../functions/domain/reconciliation/matching-types';
import { claimOf } from '../../../functions/adapters/payout-ownership';
import {
  nextPayout,
  TRANSITION_ATTEMPTS_MAX,
  type TransitionOptions,
} from '../../../functions/adapters/payout-transitions';
import type { ReversalWrite, ReversalWriteResult } from '../../../functions/adapters/payout-reversals';
import type { PayoutActionsStore } from '../../../functions/app/actions/payout-action-deps';
import {
  CREATE_ATTEMPTS_MAX,
  type CreateResult,
  type KeyLock,
  type NewPayout,
  type PayoutCreationStore,
} from '../../../functions/adapters/payouts-repository';
import {
  PayoutsRepositoryError,
  ProviderReferenceConflictError,
  TransitionConflictError,
} from '../../../functions/adapters/payouts-errors';
import {
  reconPayoutOf,
  type DayWindow,
  type ReconciliationPayouts,
} from '../../../functions/adapters/reconciliation/payouts-source';
import type { AwaitingCandidate } from '../../../functions/adapters/payout-awaiting-index';
import type { HoldChange, PlaceResult, ReleaseResult } from '../../../functions/adapters/payout-holds';
import { holdsView } from '../../../functions/domain/compliance/holds';
import type { HeldPayoutEntry } from '../../../functions/domain/reconciliation/held-payouts';
import type { Gate } from '../gate';
import { ActionKeysState, checkLock, commitLock } from './action-keys';
import { AuditState } from './audit';
import { conditionFailed, transactionCanceled } from './errors';
import { deepFreeze, frozenCopy } from './copy';

/**
 * The payouts repository's contract, in memory: the same reads and the same atomic writes as
 * adapters/payouts-repository.ts + payout-transitions.ts (key lock, version condition, dedup record,
 * provider-reference index, journal entry once per version, balances), over Maps. Each public call
 * passes yield points where the DynamoDB version makes a request, so concurrent tasks interleave
 * where real Lambdas would. The differential test (test/integration/sim/) holds it to the DynamoDB
 * repository's results and final state.
 *
 * Planted bugs (test/sim/planted-bugs.test.ts) switch one protection off through `flaws`; the
 * production adapters have no such switch.
 */
export interface PayoutStoreFlaws {
  /** createPayout ignores an existing (tenant, key) lock. */
  noKeyLock?: boolean;
  /** applyTransition's write is not conditional on the status and version read. */
  noVersionCondition?: boolean;
  /** The dedup record is checked before and written after the transition, in a write of its own. */
  dedupOutsideTransaction?: boolean;
  /** A transition's audit record is written after the transition, in a write of its own. */
  auditOutsideTransaction?: boolean;
  /** A tenant's cancel (`cancel_requested`) is written without the condition on the status it read. */
  cancelWithoutCondition?: boolean;
  /** The submitter's claim ignores the payout's open holds (the world's wiring hides them from its read too). */
  submitDespiteHold?: boolean;
}

export interface JournalEntry {
  tenantId: string;
  payoutId: string;
  currency: CurrencyCode;
  event: string;
  version: number;
  postings: Posting[];
  recordedAt: string;
  sourceRef: string;
}

export interface DedupRecord {
  payoutId: string;
  event: string;
  outcome: string;
  recordedAt: string;
}

/** The tables' contents. Values are stored as copies: nothing outside a write can change them. */
export class PayoutsState {
  /** The trail the payouts' chains live in, shared with the exceptions and the ops API (memory/audit.ts). */
  constructor(readonly audit: AuditState = new AuditState()) {}

  readonly payouts = new Map<string, Payout>();
  readonly destinations = new Map<string, Destination>();
  readonly keyLocks = new Map<string, KeyLock & { tenantId: string; createdAt: string }>();
  readonly providerRefs = new Map<string, { payoutId: string; tenantId: string }>();
  readonly dedup = new Map<string, DedupRecord>();
  readonly timeline = new Map<string, TimelineEntry[]>();
  readonly journal = new Map<string, JournalEntry>();
  /** `<currency>#<tenant>#<account>` → balance in minor units. */
  readonly balances = new Map<string, number>();
  /** The actions' key locks live beside the payouts they lock (one transaction writes both). */
  readonly actionKeys = new ActionKeysState();
}

const lockKey = (tenantId: string, key: string) => `${tenantId}#${key}`;
const refKey = (provider: string, reference: string) => `${provider}#${reference}`;
const dedupKey = (provider: string, eventId: string) => `${provider}#${eventId}`;
const journalKey = (payoutId: string, version: number, event: string) =>
  `${payoutId}#${String(version).padStart(6, '0')}#${event}`;
export const balanceKey = (currency: string, tenantId: string, account: LedgerAccount) =>
  `${currency}#${tenantId}#${account}`;
/** What a write stores of a caller's value: a frozen copy; reads hand it out as it is (copy.ts). */
const store = frozenCopy;
/** What a write stores of a value the store built itself: the value, frozen. */
const keep = deepFreeze;

/** The writes of one transaction, applied together or not at all. */
type Write = () => void;

export class InMemoryPayouts implements PayoutCreationStore, ReconciliationPayouts, PayoutActionsStore {
  constructor(
    readonly state: PayoutsState,
    private readonly gate: Gate,
    private readonly flaws: PayoutStoreFlaws = {},
  ) {}

  /**
   * The holds queue's view for held-payouts.csv (adapters/hold-queue.ts listOpenHolds keeps what this
   * keeps): open holds of payouts before their provider call. No gate point, so the seeds' schedules
   * are those they were before the file existed.
   */
  async *openHolds(): AsyncIterable<HeldPayoutEntry> {
    for (const payout of this.state.payouts.values()) {
      if (payout.status !== 'requires_approval' && payout.status !== 'submitted') continue;
      if (payout.submissionClaimedAt !== undefined) continue;
      for (const hold of holdsView(payout)) if (hold.releasedAt === undefined) yield { hold, payout };
    }
  }

  async createPayout(input: NewPayout): Promise<CreateResult> {
    const { payout } = input;
    for (let attempt = 1; ; attempt++) {
      await this.gate.point('payouts.createPayout');
      if (this.gate.fault('txConflict', 'createPayout')) {
        if (attempt < CREATE_ATTEMPTS_MAX) continue;
        throw transactionCanceled(['None', 'None', 'TransactionConflict']);
      }
      const lock = lockKey(payout.tenantId, payout.idempotencyKey);
      if (this.state.keyLocks.has(lock) && this.flaws.noKeyLock !== true) {
        const existing = await this.findByIdempotencyKey(payout.tenantId, payout.idempotencyKey);
        if (existing === undefined) throw new PayoutsRepositoryError('key lock exists but its payout does not');
        return { kind: 'exists', payout: existing.payout, fieldHashes: existing.lock.fieldHashes };
      }
      // The payout item's own condition (attribute_not_exists): an id is never written twice.
      if (this.state.payouts.has(payout.payoutId)) throw transactionCanceled(['None', 'ConditionalCheckFailed']);
      const writes: Write[] = [
        () =>
          this.state.keyLocks.set(lock, {
            payoutId: payout.payoutId,
            tenantId: payout.tenantId,
            fieldHashes: store(input.fieldHashes),
            createdAt: payout.createdAt,
          }),
        () => this.state.payouts.set(payout.payoutId, store(payout)),
        () => this.state.destinations.set(payout.payoutId, store(input.destination)),
        this.timelineWrite({
          payoutId: payout.payoutId,
          at: payout.createdAt,
          occurredAt: payout.createdAt,
          event: 'created',
          outcome: 'applied',
          to: payout.status,
          source: 'api',
          sourceRef: input.requestId,
          actor: { kind: input.actor.kind, id: input.actor.id },
        }),
        this.auditWrite(payoutCreatedEntry(payout, input.actor, input.requestId)),
      ];
      const journal = this.journalWrite(
        payout,
        payout.version,
        'created',
        postingsFor({ from: 'new', to: payout.status, amountMinor: payout.amountMinor }),
        payout.createdAt,
        input.requestId,
      );
      if (journal === 'exists')
        throw transactionCanceled(['None', 'None', 'None', 'None', 'None', 'ConditionalCheckFailed']);
      for (const write of [...writes, ...journal]) write();
      return { kind: 'created', payout: this.state.payouts.get(payout.payoutId)! };
    }
  }

  /**
   * payout-transitions.ts' applyTransition, options included (a tenant action's key lock, its
   * refusal that writes nothing, what the actor said). Operator status corrections, and so the
   * `contradicted` outcome, are not modelled: the simulation drives no corrections.
   */
  async applyTransition(cmd: TransitionCommand, options: TransitionOptions = {}): Promise<TransitionResult> {
    const claim = claimOf(cmd);
    for (let attempt = 1; attempt <= TRANSITION_ATTEMPTS_MAX; attempt++) {
      const payout = await this.getPayoutById(cmd.payoutId);
      if (payout === undefined) return { kind: 'not_found' };
      const verdict = claim === undefined ? undefined : checkEventOwnership(payout, claim);
      if (verdict !== undefined && !verdict.ok)
        return { kind: 'rejected_ownership', payout, mismatches: verdict.mismatches };
      const dedup = cmd.dedup === undefined ? undefined : dedupKey(cmd.dedup.provider, cmd.dedup.providerEventId);
      if (dedup !== undefined && this.flaws.dedupOutsideTransaction === true) {
        // Planted: the dedup check is a read of its own, before the transition is written.
        await this.gate.point('payouts.dedupRead');
        if (this.state.dedup.has(dedup)) return { kind: 'duplicate' };
      }
      const decision = decide(payout.status, cmd.event);
      // A tenant's action refused in this status writes nothing at all (not even its lock).
      if (decision.kind !== 'transition' && options.recordUnapplied === false)
        return decision.kind === 'stale' ? { kind: 'stale', payout } : { kind: 'forbidden', payout };
      const writes: Write[] = [];
      /** The audit record of an applied or forbidden transition: in the same write as the change. */
      let audit: Write | undefined;
      let result: TransitionResult;
      /** The reference the write records or checks against the index, when there is one. */
      let reference: string | undefined;
      if (decision.kind === 'transition') {
        const next = nextPayout(payout, cmd, decision.to);
        writes.push(() => {
          const { exceptionOwner: _owner, reconciledAt: _reconciled, ...owned } = next;
          this.state.payouts.set(
            payout.payoutId,
            keep({ ...owned, ...preserved(this.state.payouts.get(payout.payoutId)) }),
          );
        });
        writes.push(
          this.timelineWrite({
            payoutId: payout.payoutId,
            at: cmd.recordedAt,
            occurredAt: cmd.occurredAt,
            event: cmd.event,
            outcome: 'applied',
            from: payout.status,
            to: decision.to,
            source: cmd.source,
            sourceRef: cmd.sourceRef,
            actor: { kind: cmd.actor.kind, id: cmd.actor.id },
            ...(cmd.statusReason === undefined ? {} : { statusReason: cmd.statusReason }),
          }),
        );
        audit = this.auditWrite(
          payoutTransitionEntry(
            payout,
            cmd,
            'applied',
            { status: next.status, version: next.version },
            options.auditDetails,
          ),
        );
        if (next.providerReference !== undefined && payout.providerReference === undefined) {
          reference = next.providerReference;
          const held = reference;
          writes.push(() =>
            this.state.providerRefs.set(refKey(payout.provider, held), {
              payoutId: payout.payoutId,
              tenantId: payout.tenantId,
            }),
          );
        }
        const postings = postingsFor({
          from: payout.status,
          to: decision.to,
          amountMinor: payout.amountMinor,
          ...(next.feeMinor === undefined ? {} : { feeMinor: next.feeMinor }),
        });
        const journal = this.journalWrite(payout, next.version, cmd.event, postings, cmd.recordedAt, cmd.sourceRef);
        if (journal === 'exists') throw transactionCanceled(['None', 'ConditionalCheckFailed']);
        writes.push(...journal);
        result = { kind: 'applied', payout: next, from: payout.status, to: decision.to };
      } else {
        writes.push(
          this.timelineWrite({
            payoutId: payout.payoutId,
            at: cmd.recordedAt,
            occurredAt: cmd.occurredAt,
            event: cmd.event,
            outcome: decision.kind,
            from: payout.status,
            source: cmd.source,
            sourceRef: cmd.sourceRef,
            actor: { kind: cmd.actor.kind, id: cmd.actor.id },
            ...(cmd.statusReason === undefined ? {} : { statusReason: cmd.statusReason }),
          }),
        );
        // A caller's own action (it carries an action key) is audited even when it changed nothing.
        if (decision.kind === 'forbidden' || options.actionKey !== undefined)
          audit = this.auditWrite(payoutTransitionEntry(payout, cmd, decision.kind, undefined, options.auditDetails));
        if (verdict?.ok === true && verdict.newReference !== undefined) reference = verdict.newReference;
        result = decision.kind === 'stale' ? { kind: 'stale', payout } : { kind: 'forbidden', payout };
      }
      const writesDedup = dedup !== undefined && decision.kind !== 'forbidden';
      const dedupWrite: Write = () =>
        this.state.dedup.set(dedup!, {
          payoutId: payout.payoutId,
          event: cmd.event,
          outcome: result.kind,
          recordedAt: cmd.recordedAt,
        });

      await this.gate.point('payouts.transact');
      if (this.gate.fault('txConflict', 'applyTransition')) {
        if (attempt < TRANSITION_ATTEMPTS_MAX) await this.gate.point('payouts.retryPause');
        continue;
      }
      // Every condition of the transaction, evaluated on the state as it is now.
      const current = this.state.payouts.get(payout.payoutId);
      const versionHolds =
        this.flaws.noVersionCondition === true ||
        (this.flaws.cancelWithoutCondition === true && cmd.event === 'cancel_requested') ||
        (current !== undefined && current.status === payout.status && current.version === payout.version);
      const dedupHolds = !writesDedup || this.flaws.dedupOutsideTransaction === true || !this.state.dedup.has(dedup!);
      const holder =
        reference === undefined ? undefined : this.state.providerRefs.get(refKey(payout.provider, reference));
      const referenceHolds = holder === undefined || holder.payoutId === payout.payoutId;
      // The order DynamoDB's cancellation reasons are read in (payout-transitions.ts): dedup, then the lock.
      if (!dedupHolds) return { kind: 'duplicate' };
      checkLock(this.state.actionKeys, options.actionKey, cmd.sourceRef);
      if (versionHolds && referenceHolds) {
        for (const write of writes) write();
        commitLock(this.state.actionKeys, options.actionKey);
        if (audit !== undefined && this.flaws.auditOutsideTransaction !== true) audit();
        if (audit !== undefined && this.flaws.auditOutsideTransaction === true) {
          // Planted: the audit record is a second write; a crash here leaves the change unaudited.
          await this.gate.point('payouts.auditWrite');
          audit();
        }
        if (writesDedup && this.flaws.dedupOutsideTransaction !== true) dedupWrite();
        if (writesDedup && this.flaws.dedupOutsideTransaction === true) {
          // Planted: the dedup record is a second write; a crash here leaves the transition without it.
          await this.gate.point('payouts.dedupWrite');
          dedupWrite();
        }
        return result;
      }
      if (versionHolds && !referenceHolds) {
        if (claim === undefined) throw new ProviderReferenceConflictError(payout.provider, cmd.providerReference ?? '');
        const claimed = claim.providerReference ?? '';
        const heldBy = await this.referenceHolderOf(payout.provider, claimed);
        const rejected = checkEventOwnership(payout, claim, heldBy === undefined ? {} : { referenceHolder: heldBy });
        if (!rejected.ok) return { kind: 'rejected_ownership', payout, mismatches: rejected.mismatches };
      }
      if (attempt < TRANSITION_ATTEMPTS_MAX) await this.gate.point('payouts.retryPause');
    }
    throw new TransitionConflictError(cmd.payoutId, TRANSITION_ATTEMPTS_MAX);
  }

  /** The tenant's payout; another tenant's answers exactly like one that does not exist. */
  async getPayout(tenantId: string, payoutId: string): Promise<Payout | undefined> {
    const payout = await this.getPayoutById(payoutId);
    return payout?.tenantId === tenantId ? payout : undefined;
  }

  /** Reversals are not driven by the simulation (docs/simulation.md): nothing may call this. */
  async writeReversal(_write: ReversalWrite): Promise<ReversalWriteResult> {
    throw new Error('reversals are not modelled by the in-memory store');
  }

  async getPayoutById(payoutId: string): Promise<Payout | undefined> {
    await this.gate.point('payouts.get');
    const payout = this.state.payouts.get(payoutId);
    return payout;
  }

  async getPayoutForSubmission(payoutId: string): Promise<{ payout: Payout; destination: Destination } | undefined> {
    await this.gate.point('payouts.getForSubmission');
    const payout = this.state.payouts.get(payoutId);
    const destination = this.state.destinations.get(payoutId);
    return payout === undefined || destination === undefined ? undefined : { payout, destination };
  }

  /**
   * adapters/payout-holds.ts' claim: one conditional write on the payout (submitted, no open hold).
   * The flaw `submitDespiteHold` plants a claim that ignores the holds.
   */
  async claimForSubmission(payoutId: string, at: string): Promise<'claimed' | 'held' | 'moved'> {
    await this.gate.point('payouts.claimForSubmission');
    const payout = this.state.payouts.get(payoutId);
    if (payout === undefined || payout.status !== 'submitted') return 'moved';
    if ((payout.openHoldCount ?? 0) > 0 && this.flaws.submitDespiteHold !== true) return 'held';
    this.state.payouts.set(payoutId, keep({ ...payout, submissionClaimedAt: payout.submissionClaimedAt ?? at }));
    return 'claimed';
  }

  /** adapters/payout-holds.ts' placement: refused once the submitter claimed the payout or it left before-submission. */
  async placeHold(change: HoldChange): Promise<PlaceResult> {
    await this.gate.point('payouts.placeHold');
    const { hold } = change;
    const payout = this.state.payouts.get(change.payout.payoutId);
    if (payout?.holds?.[hold.holdId] !== undefined) return 'already_held';
    if (payout === undefined || payout.submissionClaimedAt !== undefined) return 'not_holdable';
    if (payout.status !== 'submitted' && payout.status !== 'requires_approval') return 'not_holdable';
    const holds = { ...payout.holds, [hold.holdId]: hold };
    this.state.payouts.set(payout.payoutId, keep({ ...payout, holds, openHoldCount: (payout.openHoldCount ?? 0) + 1 }));
    return 'placed';
  }

  /** adapters/payout-holds.ts' release: an open hold released once; a second release answers as already released. */
  async releaseHold(change: HoldChange): Promise<ReleaseResult> {
    await this.gate.point('payouts.releaseHold');
    const payout = this.state.payouts.get(change.payout.payoutId);
    const hold = payout?.holds?.[change.hold.holdId];
    if (payout === undefined || hold === undefined) return { kind: 'not_found' };
    if (hold.releasedAt !== undefined) return { kind: 'already_released' };
    const releasedBy = `${change.actor.kind}:${change.actor.id}`;
    const holds = { ...payout.holds, [hold.holdId]: { ...hold, releasedAt: change.at, releasedBy } };
    const openHoldCount = (payout.openHoldCount ?? 1) - 1;
    this.state.payouts.set(payout.payoutId, keep({ ...payout, holds, openHoldCount }));
    return { kind: 'released', openHoldCount };
  }

  async findByIdempotencyKey(
    tenantId: string,
    idempotencyKey: string,
  ): Promise<{ payout: Payout; lock: KeyLock } | undefined> {
    await this.gate.point('payouts.getKeyLock');
    const lock = this.state.keyLocks.get(lockKey(tenantId, idempotencyKey));
    if (lock === undefined) return undefined;
    const payout = await this.getPayoutById(lock.payoutId);
    if (payout === undefined || payout.tenantId !== tenantId) return undefined;
    return { payout, lock: { payoutId: lock.payoutId, fieldHashes: lock.fieldHashes } };
  }

  async findByProviderReference(provider: string, providerReference: string): Promise<Payout | undefined> {
    const holder = await this.referenceHolderOf(provider, providerReference);
    return holder === undefined ? undefined : this.getPayoutById(holder);
  }

  private async referenceHolderOf(provider: string, providerReference: string): Promise<string | undefined> {
    await this.gate.point('payouts.getProviderRef');
    return this.state.providerRefs.get(refKey(provider, providerReference))?.payoutId;
  }

  /** adapters/payout-exception-owner.ts: one attribute, never the version; no item for an unknown payout. */
  async setExceptionOwner(payoutId: string, owner: ExceptionOwner | undefined): Promise<void> {
    await this.gate.point('payouts.setExceptionOwner');
    const payout = this.state.payouts.get(payoutId);
    if (payout === undefined) return;
    const { exceptionOwner: _previous, ...rest } = payout;
    this.state.payouts.set(payoutId, keep(owner === undefined ? rest : { ...rest, exceptionOwner: owner }));
  }

  /** adapters/payout-awaiting-index.ts minus its paging cursor: every awaiting payout quiet since before the instant. */
  async quietSince(quietBeforeIso: string): Promise<AwaitingCandidate[]> {
    await this.gate.point('payouts.queryAwaiting');
    return [...this.state.payouts.values()]
      .filter((p) => isAwaitingProvider(p.status) && p.lastEventAt < quietBeforeIso)
      .sort((a, b) =>
        a.lastEventAt < b.lastEventAt ? -1 : a.lastEventAt > b.lastEventAt ? 1 : a.payoutId < b.payoutId ? -1 : 1,
      )
      .map((p) => ({
        payoutId: p.payoutId,
        status: p.status,
        country: p.destination.country,
        currency: p.currency,
        createdAt: p.createdAt,
        lastEventAt: p.lastEventAt,
      }));
  }

  /** adapters/payout-waiting-index.ts' APPROVAL partition: awaiting approval, expired before the instant, oldest first. */
  async approvalsExpiredBy(nowIso: string, limit: number): Promise<string[]> {
    await this.gate.point('payouts.queryApprovals');
    return (
      [...this.state.payouts.values()]
        .filter((p) => p.status === 'requires_approval' && p.approval !== undefined && p.approval.expiresAt < nowIso)
        // gsi3sk `<expiresAt>#<payoutId>`: by expiry, then id.
        .sort((a, b) => (`${a.approval!.expiresAt}#${a.payoutId}` < `${b.approval!.expiresAt}#${b.payoutId}` ? -1 : 1))
        .slice(0, limit)
        .map((p) => p.payoutId)
    );
  }

  /** The REVERSAL partition: empty, as the simulation opens no reversals. */
  async reversalsQuietSince(_quietBeforeIso: string, _limit: number): Promise<string[]> {
    await this.gate.point('payouts.queryReversals');
    return [];
  }

  // ReconciliationPayouts (adapters/reconciliation/payouts-source.ts).
  async *payoutsCreatedIn(window: DayWindow): AsyncIterable<ReconPayout> {
    await this.gate.point('payouts.scan');
    const inWindow = [...this.state.payouts.values()].filter(
      (p) => p.createdAt >= window.fromIso && p.createdAt < window.toIso,
    );
    for (const payout of inWindow) yield reconPayoutOf(payout);
  }

  async *ledgerFactsFrom(window: DayWindow): AsyncIterable<LedgerFact> {
    await this.gate.point('ledger.scan');
    const entries = [...this.state.journal.values()].filter((e) => e.recordedAt >= window.fromIso);
    for (const entry of entries) yield ledgerFactOf(entry.payoutId, entry.postings);
  }

  async lookup(payoutIds: readonly string[]): Promise<ReconPayout[]> {
    await this.gate.point('payouts.batchGet');
    return payoutIds.flatMap((id) => {
      const payout = this.state.payouts.get(id);
      return payout === undefined ? [] : [reconPayoutOf(payout)];
    });
  }

  async markReconciled(payoutIds: readonly string[], reconciledAt: string): Promise<void> {
    for (const payoutId of payoutIds) {
      await this.gate.point('payouts.markReconciled');
      const payout = this.state.payouts.get(payoutId);
      if (payout === undefined) throw conditionFailed('markReconciled');
      this.state.payouts.set(payoutId, keep({ ...payout, reconciledAt }));
    }
  }

  private timelineWrite(entry: TimelineEntry): Write {
    return () => {
      const list = this.state.timeline.get(entry.payoutId) ?? [];
      list.push(keep(entry));
      this.state.timeline.set(entry.payoutId, list);
    };
  }

  /** The payout's audit record and chain head, in the same transaction (audit-trail.ts). */
  private auditWrite(entry: AuditEntry): Write {
    const append = this.state.audit.appendWrite(entry);
    return () => void append();
  }

  /** adapters/ledger-writes.ts: one entry per (payout, version, event), balances by ADD; nothing without postings. */
  private journalWrite(
    payout: Payout,
    version: number,
    event: string,
    postings: Posting[],
    recordedAt: string,
    sourceRef: string,
  ): Write[] | 'exists' {
    if (postings.length === 0) return [];
    const key = journalKey(payout.payoutId, version, event);
    if (this.state.journal.has(key)) return 'exists';
    const deltas = balanceDeltas(postings);
    return [
      () =>
        this.state.journal.set(key, {
          tenantId: payout.tenantId,
          payoutId: payout.payoutId,
          currency: payout.currency,
          event,
          version,
          postings: postings.map((p) => ({ ...p })),
          recordedAt,
          sourceRef,
        }),
      () => {
        for (const [account, delta] of deltas) {
          const k = balanceKey(payout.currency, payout.tenantId, account);
          this.state.balances.set(k, (this.state.balances.get(k) ?? 0) + delta);
        }
      },
    ];
  }
}

/** Attributes other modules own on the payout item survive a transition (transitionUpdate's SET list). */
function preserved(current: Payout | undefined): Partial<Payout> {
  if (current === undefined) return {};
  return {
    ...(current.exceptionOwner === undefined ? {} : { exceptionOwner: current.exceptionOwner }),
    ...(current.reconciledAt === undefined ? {} : { reconciledAt: current.reconciledAt }),
  };
}
