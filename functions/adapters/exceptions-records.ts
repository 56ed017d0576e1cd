import type { ExceptionCategory, ExceptionOpening, ExceptionOwner, ExceptionState } from '../domain/exceptions';
import type { Actor } from '../domain/payout';

/** The shapes the exceptions repository reads and writes, and its errors (exceptions-repository.ts). */

export type Timestamp = Date | string;

export interface ExceptionError {
  message: string;
  code?: string;
  at: string;
}

export interface ExceptionRecord {
  exceptionId: string;
  dedupKey: string;
  category: ExceptionCategory;
  owner: ExceptionOwner;
  state: ExceptionState;
  slaSeconds: number;
  openedAt: string;
  slaDueAt: string;
  updatedAt: string;
  lastSeenAt: string;
  /** How many times the condition behind it was reported (re-runs, repeated sweeps). */
  occurrences: number;
  evidence: Record<string, unknown>;
  payoutId?: string;
  /** A batch group's batch, and how many of its items the group holds (batch-exception-groups.ts). */
  batchId?: string;
  itemCount?: number;
  firstError?: ExceptionError;
  lastError?: ExceptionError;
  assignee?: string;
  /** `correctionId`: the applied correction that fixed it, when the operator named one. */
  resolution?: { note: string; by: string; at: string; correctionId?: string };
  version: number;
}

/** Who changes an exception: an operator (by hand) or a job (opening, seeing again, resolving on news). */
export type ExceptionActor = Extract<Actor, { kind: 'operator' | 'system' }>;

/**
 * What openOrUpdate stores: an opening made by the domain's openException (key, owner and SLA
 * derived from the category there, never here), and how this sighting is written.
 */
export type OpenOrUpdateInput = ExceptionOpening & {
  /** Default: the job `system`. Jobs should name themselves (`sweep`, `reconcile`, …). */
  actor?: ExceptionActor;
  /** The Request-Id behind the change, when an API call made it. */
  requestId?: string;
  /**
   * A resolved exception stays resolved by default (a reconciliation re-run must not reopen what a
   * person closed). Set for conditions that are new occurrences, e.g. a message dead-lettered again
   * after a redrive.
   */
  reopenIfResolved?: boolean;
};

export type OpenOrUpdateResult =
  | { kind: 'opened'; exception: ExceptionRecord }
  | { kind: 'updated'; exception: ExceptionRecord }
  | { kind: 'reopened'; exception: ExceptionRecord }
  /** Already resolved: evidence and occurrences are refreshed, the resolution stands (a re-run must not reopen what a person closed). */
  | { kind: 'resolved_unchanged'; exception: ExceptionRecord };

/**
 * What the pipeline's use cases (webhook processor, sweeper, reconciliation) need of the exceptions
 * store: a port, so they can run on another implementation of the same contract (the seeded
 * simulation's in-memory store, test/sim/). ExceptionsRepository implements it.
 */
export interface ExceptionsStore {
  get(exceptionId: string): Promise<ExceptionRecord | undefined>;
  openOrUpdate(input: OpenOrUpdateInput): Promise<OpenOrUpdateResult>;
  resolve(input: {
    exceptionId: string;
    note: string;
    actor: ExceptionActor;
    requestId?: string;
    now: Timestamp;
  }): Promise<ExceptionRecord>;
}

export interface ListExceptionsInput {
  state?: ExceptionState;
  category?: ExceptionCategory;
  owner?: ExceptionOwner;
  cursor?: string;
  limit?: number;
}

export const LIST_LIMIT_DEFAULT = 50;
export const LIST_LIMIT_MAX = 200;

export class ExceptionNotFoundError extends Error {
  constructor(readonly exceptionId: string) {
    super(`exception ${exceptionId} not found`);
    this.name = 'ExceptionNotFoundError';
  }
}

export class ExceptionConflictError extends Error {
  constructor(
    readonly exceptionId: string,
    cause?: unknown,
  ) {
    super(`exception ${exceptionId} changed concurrently; retry`, { cause });
    this.name = 'ExceptionConflictError';
  }
}
