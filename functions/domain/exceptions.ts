import { createHash } from 'node:crypto';
import { assertNever } from './assert-never';
import { DomainError } from './domain-error';

/**
 * Exceptions (DESIGN §3): what a machine could not settle on its own, owned by a team, with an SLA
 * and the evidence that opened it. One pure module: categories, default owners and SLAs, and the
 * state machine `open → assigned → resolved`. Storage lives in adapters/exceptions-repository.ts.
 */

export const EXCEPTION_CATEGORIES = [
  // Webhooks and the sweeper (issue 4).
  'forbidden_transition',
  // A validly signed event (or status answer) that is not about the payout it names (event-ownership.ts).
  'event_ownership_mismatch',
  // A provider's event that disagrees with an operator's applied status correction (corrections.ts).
  'correction_contradicted',
  'webhook_dead_lettered',
  'submission_dead_lettered',
  'long_pending',
  // A queued reconciliation run (POST /reconciliations) that failed every retry.
  'reconciliation_dead_lettered',
  // Reconciliation (issue 5).
  'missing_provider_reference',
  'missing_at_provider',
  'missing_internally',
  'amount_mismatch',
  'currency_mismatch',
  'fee_mismatch',
  'status_mismatch',
  'duplicate_at_provider',
  'reversed_after_paid',
  'report_malformed',
] as const;
export type ExceptionCategory = (typeof EXCEPTION_CATEGORIES)[number];

export const EXCEPTION_OWNERS = ['ops', 'finance', 'compliance', 'provider'] as const;
export type ExceptionOwner = (typeof EXCEPTION_OWNERS)[number];

export const EXCEPTION_STATES = ['open', 'assigned', 'resolved'] as const;
export type ExceptionState = (typeof EXCEPTION_STATES)[number];

const HOUR_SECONDS = 3_600;

/** Time to resolution per category. Money-at-risk categories get the shortest clocks. */
export const SLA_SECONDS_BY_CATEGORY: Readonly<Record<ExceptionCategory, number>> = {
  forbidden_transition: 4 * HOUR_SECONDS,
  // As short as a dead-lettered submission: either a provider is confused about whose money it
  // moved, or someone holds a provider's webhook secret and is using it; both are incidents.
  event_ownership_mismatch: 2 * HOUR_SECONDS,
  // As forbidden_transition: the provider and an operator disagree about where the money is.
  correction_contradicted: 4 * HOUR_SECONDS,
  webhook_dead_lettered: 4 * HOUR_SECONDS,
  submission_dead_lettered: 2 * HOUR_SECONDS,
  long_pending: 24 * HOUR_SECONDS,
  // As report_malformed: the day stays unreconciled (no export for finance) until the run succeeds.
  reconciliation_dead_lettered: 4 * HOUR_SECONDS,
  missing_provider_reference: 24 * HOUR_SECONDS,
  missing_at_provider: 8 * HOUR_SECONDS,
  missing_internally: 8 * HOUR_SECONDS,
  amount_mismatch: 8 * HOUR_SECONDS,
  currency_mismatch: 8 * HOUR_SECONDS,
  fee_mismatch: 48 * HOUR_SECONDS,
  status_mismatch: 24 * HOUR_SECONDS,
  duplicate_at_provider: 8 * HOUR_SECONDS,
  reversed_after_paid: 24 * HOUR_SECONDS,
  report_malformed: 4 * HOUR_SECONDS,
};

/** Who works each category by default: finance for amounts and fees, ops for states and records, provider support for their duplicates. */
export function defaultOwnerOf(category: ExceptionCategory): ExceptionOwner {
  switch (category) {
    case 'amount_mismatch':
    case 'currency_mismatch':
    case 'fee_mismatch':
    case 'reversed_after_paid':
      return 'finance';
    case 'duplicate_at_provider':
      return 'provider';
    case 'forbidden_transition':
    // Ops, not finance: no money moved on our side (the event was refused); what is open is who sent
    // it and why, a question for the provider integration and, if a secret leaked, for security.
    case 'event_ownership_mismatch':
    // Ops, who work corrections: which account is right is read from the provider, not the books.
    case 'correction_contradicted':
    case 'webhook_dead_lettered':
    case 'submission_dead_lettered':
    case 'long_pending':
    case 'missing_provider_reference':
    case 'missing_at_provider':
    case 'missing_internally':
    case 'status_mismatch':
    case 'report_malformed':
    // Ops, like report_malformed (the table's other failed-run category): the money was not found
    // wrong, the run did not finish, and restarting it (redrive) is an ops action; finance only
    // waits for the export.
    case 'reconciliation_dead_lettered':
      return 'ops';
    default:
      return assertNever(category, 'exception category');
  }
}

export const isExceptionCategory = (v: unknown): v is ExceptionCategory => typeof v === 'string' && (EXCEPTION_CATEGORIES as readonly string[]).includes(v);
export const isExceptionOwner = (v: unknown): v is ExceptionOwner => typeof v === 'string' && (EXCEPTION_OWNERS as readonly string[]).includes(v);
export const isExceptionState = (v: unknown): v is ExceptionState => typeof v === 'string' && (EXCEPTION_STATES as readonly string[]).includes(v);

/** Hex characters of SHA-256 kept in an exception id: 128 bits, collisions are not a practical concern. */
const EXCEPTION_ID_HASH_CHARS = 32;

/**
 * The id is a function of the dedup key, so opening "the same" exception twice (a reconciliation
 * re-run, a DLQ message seen by two sweeps) lands on the same row instead of a second one.
 */
export function exceptionIdOf(dedupKey: string): string {
  if (dedupKey.length === 0) throw new Error('exceptionIdOf: empty dedupKey');
  return `exc_${createHash('sha256').update(dedupKey, 'utf8').digest('hex').slice(0, EXCEPTION_ID_HASH_CHARS)}`;
}

export type ExceptionAction = 'assign' | 'resolve' | 'reopen';

export type ExceptionDecision = { kind: 'transition'; to: ExceptionState } | { kind: 'refused'; code: 'exception_already_resolved' | 'exception_not_resolved' };

/** Every state × action written out, like the payout lifecycle table. */
export function decideException(state: ExceptionState, action: ExceptionAction): ExceptionDecision {
  switch (action) {
    case 'assign':
      // Reassigning an assigned exception is allowed: on-call hands over.
      return state === 'resolved' ? { kind: 'refused', code: 'exception_already_resolved' } : { kind: 'transition', to: 'assigned' };
    case 'resolve':
      return state === 'resolved' ? { kind: 'refused', code: 'exception_already_resolved' } : { kind: 'transition', to: 'resolved' };
    case 'reopen':
      return state === 'resolved' ? { kind: 'transition', to: 'open' } : { kind: 'refused', code: 'exception_not_resolved' };
    default:
      return assertNever(action, 'exception action');
  }
}

export function isActive(state: ExceptionState): boolean {
  switch (state) {
    case 'open':
    case 'assigned':
      return true;
    case 'resolved':
      return false;
    default:
      return assertNever(state, 'exception state');
  }
}

/** The owner a payout shows while exceptions are active on it: the one whose SLA falls due first. */
export function payoutExceptionOwner(active: ReadonlyArray<{ owner: ExceptionOwner; slaDueAt: string; state: ExceptionState }>): ExceptionOwner | undefined {
  const candidates = active.filter((e) => isActive(e.state)).sort((a, b) => a.slaDueAt.localeCompare(b.slaDueAt));
  return candidates[0]?.owner;
}

export function slaDueAt(openedAt: string, slaSeconds: number): string {
  return new Date(Date.parse(openedAt) + slaSeconds * 1_000).toISOString();
}

export class ExceptionStateError extends DomainError {
  constructor(code: 'exception_already_resolved' | 'exception_not_resolved', exceptionId: string) {
    super(code, 'terminal', code === 'exception_already_resolved' ? `exception ${exceptionId} is already resolved` : `exception ${exceptionId} is not resolved`);
    this.name = 'ExceptionStateError';
  }
}
