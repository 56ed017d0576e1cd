// The sandbox's books: payouts by provider reference, idempotency records by key, attempt counts,
// and a clock that tests can advance. All mutations are synchronous (Node runs one at a time), so
// two requests with the same Idempotency-Key can never both create a payout.
import { createHash, randomBytes } from 'node:crypto';
import type { SandboxPayoutState } from '../../functions/domain/provider-status.js';
import {
  SANDBOX_REFERENCE_PREFIX,
  type SandboxCreatePayoutRequest,
  type SandboxErrorBody,
  type SandboxPayout,
} from '../../functions/adapters/providers/sandbox-api.js';
import {
  STATE_VERSION,
  canonicalJson,
  mask,
  unavailable,
  type SandboxDelta,
  type SandboxRecord,
  type SandboxState,
  type SandboxStateChange,
  type StateChangeListener,
  type SubmitOutcome,
  type Touched,
} from './books.js';
import { batchIdFor, failureFor, sandboxFeeMinor, scheduleFor, type ScheduledStep } from './progression.js';

export type { SandboxStateChange, StateChangeListener, SubmitOutcome } from './books.js';
import { assertNever } from '../../functions/domain/assert-never.js';

export type CancelOutcome =
  { kind: 'canceled'; payout: SandboxPayout } | { kind: 'refused'; payout: SandboxPayout } | { kind: 'not_found' };

export type ReturnOutcome =
  | { kind: 'accepted'; payout: SandboxPayout; replayed: boolean }
  | { kind: 'refused'; code: 'payout_not_returnable' | 'return_already_requested'; payout: SandboxPayout }
  | { kind: 'not_found' };
import { stateFiles, type StateFiles } from './state-file.js';
import { triggerByName, triggerFor, DEFAULT_TRIGGER, type SandboxTrigger } from './triggers.js';

export interface SandboxStoreOptions {
  stateDir?: string;
  /** Time between two states of a payout's progression. */
  stepMs: number;
  /** The real clock; injected so tests control it. */
  realNowMs?: () => number;
  /** Journal lines before a snapshot (default JOURNAL_LINES_MAX); small in tests of the fold. */
  journalLinesMax?: number;
}

export class SandboxStore {
  private readonly files: StateFiles<SandboxState, SandboxDelta>;
  private readonly state: SandboxState;
  private readonly listeners = new Set<StateChangeListener>();
  private readonly realNowMs: () => number;
  private readonly stepMs: number;
  /**
   * A staged provider incident (POST /v1/test/settlement): while stalled, no payout moves on; the
   * steps that fall due meanwhile are applied, in order, once the stall ends. In memory only: a
   * restart ends the incident.
   */
  private stalled = false;

  constructor(options: SandboxStoreOptions) {
    this.files = stateFiles<SandboxState, SandboxDelta>(options.stateDir, options.journalLinesMax);
    this.realNowMs = options.realNowMs ?? Date.now;
    this.stepMs = options.stepMs;
    const { snapshot, deltas } = this.files.load();
    if (snapshot && snapshot.version !== STATE_VERSION)
      throw new Error(
        `sandbox state version ${snapshot.version}, expected ${STATE_VERSION}: delete ${this.files.directory}`,
      );
    this.state = snapshot ?? {
      version: STATE_VERSION,
      clockOffsetMs: 0,
      eventSequence: 0,
      payouts: {},
      idempotency: {},
      attempts: {},
    };
    for (const delta of deltas) {
      this.state.clockOffsetMs = delta.clockOffsetMs;
      this.state.eventSequence = delta.eventSequence;
      Object.assign(this.state.payouts, delta.payouts);
      Object.assign(this.state.idempotency, delta.idempotency);
      Object.assign(this.state.attempts, delta.attempts);
    }
    // Fold the journal into a fresh snapshot so every start begins with a short journal.
    if (deltas.length > 0) this.files.writeSnapshot(this.state);
  }

  nowMs(): number {
    return this.realNowMs() + this.state.clockOffsetMs;
  }

  onStateChange(listener: StateChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** POST /v1/payouts after validation. The order of checks is the documented order of precedence. */
  submit(idempotencyKey: string, body: SandboxCreatePayoutRequest): SubmitOutcome {
    const bodyHash = createHash('sha256').update(canonicalJson(body)).digest('hex');
    const existing = this.state.idempotency[idempotencyKey];
    if (existing) {
      if (existing.bodyHash !== bodyHash) {
        return {
          kind: 'error',
          httpStatus: 422,
          replayed: false,
          body: {
            error: {
              type: 'idempotency_error',
              code: 'idempotency_key_reused',
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with; key ${idempotencyKey} was used with a different body.`,
            },
          },
        };
      }
      // Counted but not journaled: a replay changes nothing a restart must remember, and an fsync
      // per retry would make the common retry path the slow one.
      this.countAttempt(idempotencyKey);
      if (existing.outcome.kind === 'error')
        return { kind: 'error', httpStatus: existing.outcome.httpStatus, body: existing.outcome.body, replayed: true };
      const record = this.state.payouts[existing.outcome.providerReference]!;
      return { kind: 'payout', httpStatus: 200, payout: record.payout, replayed: true, holdFirstAnswer: false };
    }

    const trigger = triggerFor(body.destination.fields);
    const attempt = this.countAttempt(idempotencyKey);
    switch (trigger.submit) {
      case 'unavailable':
        this.persist({ attempts: [idempotencyKey] });
        return unavailable();
      case 'flaky':
        if (attempt === 1) {
          this.persist({ attempts: [idempotencyKey] });
          return unavailable();
        }
        break;
      case 'reject': {
        const rejection: SandboxErrorBody = {
          error: {
            type: 'payout_rejected',
            code: 'invalid_account_number',
            message: 'The bank account number is not valid for this bank.',
            param: 'destination.fields',
          },
        };
        this.state.idempotency[idempotencyKey] = {
          bodyHash,
          outcome: { kind: 'error', httpStatus: 402, body: rejection },
        };
        this.persist({ idempotency: [idempotencyKey], attempts: [idempotencyKey] });
        return { kind: 'error', httpStatus: 402, body: rejection, replayed: false };
      }
      case 'accept':
      case 'hang':
      case 'error_after_record':
        break;
    }
    const payout = this.createPayout(idempotencyKey, body, bodyHash, trigger);
    return {
      kind: 'payout',
      httpStatus: trigger.submit === 'error_after_record' ? 500 : 200,
      payout,
      replayed: false,
      holdFirstAnswer: trigger.submit === 'hang',
    };
  }

  /**
   * POST /v1/payouts/{ref}/cancel: a payout accepted or in transit is canceled now (its remaining
   * steps dropped, a `payout.canceled` webhook sent); a canceled one answers as it is, so a repeat is
   * harmless; a paid, failed or returned one cannot be stopped any more ("cancel until it pays").
   */
  cancel(providerReference: string): CancelOutcome {
    const record = this.state.payouts[providerReference];
    if (record === undefined) return { kind: 'not_found' };
    switch (record.payout.status) {
      case 'canceled':
        return { kind: 'canceled', payout: record.payout };
      case 'accepted':
      case 'in_transit': {
        record.schedule = [];
        const change = this.enter(record, 'canceled', this.nowMs(), {
          code: 'canceled_on_request',
          message: 'Canceled at the client’s request before it was paid.',
        });
        this.persist({ payouts: [providerReference] });
        this.notify([change]);
        return { kind: 'canceled', payout: record.payout };
      }
      case 'paid':
      case 'failed':
      case 'returned':
        return { kind: 'refused', payout: record.payout };
      default:
        return assertNever(record.payout.status, 'sandbox payout state');
    }
  }

  /**
   * POST /v1/payouts/{ref}/return with an Idempotency-Key: a paid payout is returned one step later
   * (`returned`, a `payout.returned` webhook). The same key answers the same return again; another
   * key, or a payout that is not paid, is refused (409).
   */
  requestReturn(providerReference: string, idempotencyKey: string): ReturnOutcome {
    const record = this.state.payouts[providerReference];
    if (record === undefined) return { kind: 'not_found' };
    const requested = record.payout.return_id ?? null;
    if (requested === idempotencyKey) return { kind: 'accepted', payout: record.payout, replayed: true };
    if (requested !== null) return { kind: 'refused', code: 'return_already_requested', payout: record.payout };
    if (record.payout.status !== 'paid')
      return { kind: 'refused', code: 'payout_not_returnable', payout: record.payout };
    record.payout = { ...record.payout, return_id: idempotencyKey };
    record.returnRequested = true;
    // Whatever the trigger had planned, the return is what happens next.
    record.schedule = [{ state: 'returned', atMs: this.nowMs() + this.stepMs }];
    this.persist({ payouts: [providerReference] });
    return { kind: 'accepted', payout: record.payout, replayed: false };
  }

  getPayout(providerReference: string): SandboxPayout | undefined {
    return this.state.payouts[providerReference]?.payout;
  }

  /** Every payout, oldest first. The settlement report and the drills read this. */
  listPayouts(filter: { payoutId?: string } = {}): SandboxPayout[] {
    const all = Object.values(this.state.payouts).map((record) => record.payout);
    const matching = filter.payoutId === undefined ? all : all.filter((payout) => payout.payout_id === filter.payoutId);
    return matching.sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : a.id < b.id ? -1 : 1));
  }

  /** The trigger that drives a payout (for the settlement report's perturbations). */
  triggerOf(providerReference: string): SandboxTrigger | undefined {
    const record = this.state.payouts[providerReference];
    return record ? (triggerByName(record.triggerName) ?? DEFAULT_TRIGGER) : undefined;
  }

  /** Submission attempts seen for a key, including those that recorded nothing (503s). */
  attemptsFor(idempotencyKey: string): number {
    return this.state.attempts[idempotencyKey] ?? 0;
  }

  /** Moves the sandbox clock forward and applies whatever became due. */
  advance(seconds: number): Array<{ id: string; from: SandboxPayoutState; to: SandboxPayoutState }> {
    this.state.clockOffsetMs += Math.round(seconds * 1000);
    const changed = this.tick();
    if (changed.length === 0) this.persist({});
    return changed;
  }

  /** Stops (or restarts) every payout's progression: the shape of a provider's settlement outage. */
  setStalled(stalled: boolean): void {
    this.stalled = stalled;
    if (!stalled) this.tick();
  }

  isStalled(): boolean {
    return this.stalled;
  }

  /** Applies every due step, earliest first (ties by reference), notifying listeners after persisting. */
  tick(): Array<{ id: string; from: SandboxPayoutState; to: SandboxPayoutState }> {
    if (this.stalled) return [];
    const now = this.nowMs();
    const due: Array<{ record: SandboxRecord; step: ScheduledStep }> = [];
    for (const record of Object.values(this.state.payouts)) {
      for (const step of record.schedule) if (step.atMs <= now) due.push({ record, step });
    }
    if (due.length === 0) return [];
    due.sort((a, b) => a.step.atMs - b.step.atMs || (a.record.payout.id < b.record.payout.id ? -1 : 1));
    const changes: SandboxStateChange[] = [];
    for (const { record, step } of due) {
      record.schedule = record.schedule.filter((candidate) => candidate !== step);
      changes.push(this.enter(record, step.state, step.atMs));
    }
    this.persist({ payouts: [...new Set(due.map(({ record }) => record.payout.id))] });
    this.notify(changes);
    return changes.map((change) => ({ id: change.payout.id, from: change.previousStatus!, to: change.payout.status }));
  }

  private createPayout(
    idempotencyKey: string,
    body: SandboxCreatePayoutRequest,
    bodyHash: string,
    trigger: SandboxTrigger,
  ): SandboxPayout {
    const nowMs = this.nowMs();
    const providerReference = `${SANDBOX_REFERENCE_PREFIX}${randomBytes(12).toString('hex')}`;
    const fields = Object.fromEntries(
      Object.entries(body.destination.fields).map(([name, value]) => [name, mask(value)]),
    );
    const created = new Date(nowMs).toISOString();
    const payout: SandboxPayout = {
      id: providerReference,
      object: 'payout',
      amount: body.amount,
      fee: sandboxFeeMinor(body.amount),
      currency: body.currency,
      status: 'accepted',
      failure_code: null,
      failure_message: null,
      payout_id: body.metadata.payout_id,
      idempotency_key: idempotencyKey,
      destination: { country: body.destination.country, method: body.destination.method, fields },
      metadata: { ...body.metadata },
      created,
      status_transitions: { accepted: created },
      batch_id: null,
    };
    const record: SandboxRecord = {
      payout,
      triggerName: trigger.name,
      bodyHash,
      schedule: scheduleFor(trigger.progression, nowMs, this.stepMs),
    };
    this.state.payouts[providerReference] = record;
    this.state.idempotency[idempotencyKey] = { bodyHash, outcome: { kind: 'payout', providerReference } };
    const change = this.change(record, null, created);
    this.persist({ payouts: [providerReference], idempotency: [idempotencyKey], attempts: [idempotencyKey] });
    this.notify([change]);
    return payout;
  }

  private enter(
    record: SandboxRecord,
    state: SandboxPayoutState,
    atMs: number,
    failureOverride?: { code: string; message: string },
  ): SandboxStateChange {
    const previousStatus = record.payout.status;
    const at = new Date(atMs).toISOString();
    const requestedReturn = state === 'returned' && record.returnRequested === true;
    const failure =
      failureOverride ??
      (requestedReturn
        ? { code: 'return_requested', message: 'Returned at the client’s request.' }
        : failureFor(state));
    record.payout = {
      ...record.payout,
      status: state,
      failure_code: failure?.code ?? record.payout.failure_code,
      failure_message: failure?.message ?? record.payout.failure_message,
      status_transitions: { ...record.payout.status_transitions, [state]: at },
      batch_id: state === 'paid' ? batchIdFor(atMs) : record.payout.batch_id,
    };
    return this.change(record, previousStatus, at);
  }

  private change(
    record: SandboxRecord,
    previousStatus: SandboxPayoutState | null,
    occurredAt: string,
  ): SandboxStateChange {
    this.state.eventSequence += 1;
    return {
      eventId: `evt_sbx_${String(this.state.eventSequence).padStart(8, '0')}`,
      type: `payout.${record.payout.status}`,
      previousStatus,
      payout: record.payout,
      occurredAt,
      trigger: triggerByName(record.triggerName) ?? DEFAULT_TRIGGER,
    };
  }

  private countAttempt(idempotencyKey: string): number {
    const attempts = (this.state.attempts[idempotencyKey] ?? 0) + 1;
    this.state.attempts[idempotencyKey] = attempts;
    return attempts;
  }

  private notify(changes: SandboxStateChange[]): void {
    for (const change of changes) {
      for (const listener of this.listeners) {
        // A listener's failure (a webhook that cannot be sent) must never undo or block the books.
        try {
          listener(change);
        } catch (error) {
          console.error('sandbox: state-change listener failed', error);
        }
      }
    }
  }

  /** Journals what a change touched (whole values); folds the journal into a snapshot when it is long. */
  private persist(touched: Touched): void {
    const pick = <T>(source: Record<string, T>, keys: string[] | undefined) =>
      keys === undefined ? undefined : Object.fromEntries(keys.map((key) => [key, source[key]!]));
    const delta: SandboxDelta = { clockOffsetMs: this.state.clockOffsetMs, eventSequence: this.state.eventSequence };
    const payouts = pick(this.state.payouts, touched.payouts);
    const idempotency = pick(this.state.idempotency, touched.idempotency);
    const attempts = pick(this.state.attempts, touched.attempts);
    if (payouts) delta.payouts = payouts;
    if (idempotency) delta.idempotency = idempotency;
    if (attempts) delta.attempts = attempts;
    this.files.append(delta);
    if (this.files.journalFull) this.files.writeSnapshot(this.state);
  }
}
