import { createHash } from 'node:crypto';
import { assertNever } from './assert-never';
import { DomainError } from './domain-error';

/**
 * Exceptions (DESIGN §3): what a machine could not settle on its own, owned by a team, with an SLA
 * and the evidence that opened it. One pure module: categories, default owners and SLAs, and the
 * state machine `open → assigned → resolved`. Storage lives in adapters/exceptions-repository.ts.
 */

/** One per failure source (failure-source.ts): the provider, the recipient's details, a control, our platform. */
export const BATCH_GROUP_CATEGORIES = [
  'batch_items_failed_provider',
  'batch_items_failed_recipient',
  'batch_items_failed_compliance',
  'batch_items_failed_platform',
] as const;

/** A hold past its owner's SLA (domain/compliance/holds.ts): one category per owner, so owner and SLA follow it. */
export const HOLD_SLA_CATEGORIES = ['hold_past_sla_compliance', 'hold_past_sla_ops', 'hold_past_sla_tenant'] as const;

export const EXCEPTION_CATEGORIES = [
  // Raised by the webhook processor and the sweeper.
  'forbidden_transition',
  // A validly signed event (or status answer) that is not about the payout it names (event-ownership.ts).
  'event_ownership_mismatch',
  // A provider's event that disagrees with an operator's applied status correction (corrections.ts).
  'correction_contradicted',
  // The provider says it holds (accepted, in transit) a payout canceled here before any answer of
  // its was recorded: the tenant was told canceled, the provider may pay it (docs/payouts.md).
  'canceled_but_live_at_provider',
  'webhook_dead_lettered',
  'submission_dead_lettered',
  'long_pending',
  // A provider answered a state our mapping for it does not know (provider-status.ts `unknown`): the
  // payout does not move and nothing is guessed; the sweeper opens this with the raw state (issue 14).
  'provider_state_unknown',
  // A queued reconciliation run (POST /reconciliations) that failed every retry.
  'reconciliation_dead_lettered',
  // A batch fan-out chunk (up to 100 items) that failed every delivery: its items have no payouts yet.
  'batch_dead_lettered',
  // Raised by reconciliation: one per mismatch category (reconciliation/categories.ts), and the failed run.
  'missing_provider_reference',
  'missing_at_provider',
  'missing_internally',
  'amount_mismatch',
  'currency_mismatch',
  'fee_mismatch',
  'status_mismatch',
  'duplicate_at_provider',
  'reversed_after_paid',
  // The provider's batch status contradicts its own item's (a batch paid with a failed item).
  'batch_item_status_mismatch',
  'report_malformed',
  // Authority over money (issue 10): an approval nobody gave in time; the sweeper canceled the payout.
  'approval_expired',
  // Batches (issue 13): a batch's failed items, one exception per (batch, failure source) with the
  // item list (domain/batches/batch-exceptions.ts). The source is in the category so that owner, SLA
  // and failure source stay functions of the category, like every other exception's.
  ...BATCH_GROUP_CATEGORIES,
  // Sanctions screening (issue 15, docs/screening.md): a recipient that may be on the SDN list; its payouts are held.
  'screening_potential_match',
  // Holds (issue 15): a hold open past its owner's SLA (HOLD_SLA_SECONDS_BY_OWNER), one category per owner.
  ...HOLD_SLA_CATEGORIES,
] as const;
export type ExceptionCategory = (typeof EXCEPTION_CATEGORIES)[number];
export type BatchGroupCategory = (typeof BATCH_GROUP_CATEGORIES)[number];
export type HoldSlaCategory = (typeof HOLD_SLA_CATEGORIES)[number];

/**
 * Who works an exception. `tenant`: the next step is the tenant's own (an approval of theirs
 * expired; only they can decide whether to create the payout again). Such an exception sits in
 * the same queue as the others (GET /exceptions?owner=tenant), the payout shows
 * `exception_owner: tenant` to the tenant's own reads, and the SLA is the platform's promise that
 * the tenant is told; an operator resolves it once they are, since a tenant has no exceptions route.
 */
export const EXCEPTION_OWNERS = ['ops', 'finance', 'compliance', 'provider', 'tenant'] as const;
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
  // Money the ledger released may leave at the provider: as short as a dead-lettered submission.
  canceled_but_live_at_provider: 2 * HOUR_SECONDS,
  webhook_dead_lettered: 4 * HOUR_SECONDS,
  submission_dead_lettered: 2 * HOUR_SECONDS,
  long_pending: 24 * HOUR_SECONDS,
  // As missing_at_provider: the payout may be paid or failed at the provider while we show it moving.
  provider_state_unknown: 8 * HOUR_SECONDS,
  // As report_malformed: the day stays unreconciled (no export for finance) until the run succeeds.
  reconciliation_dead_lettered: 4 * HOUR_SECONDS,
  // Up to 100 recipients wait for payouts nobody created; no money moved: as a dead-lettered webhook.
  batch_dead_lettered: 4 * HOUR_SECONDS,
  missing_provider_reference: 24 * HOUR_SECONDS,
  missing_at_provider: 8 * HOUR_SECONDS,
  missing_internally: 8 * HOUR_SECONDS,
  amount_mismatch: 8 * HOUR_SECONDS,
  currency_mismatch: 8 * HOUR_SECONDS,
  fee_mismatch: 48 * HOUR_SECONDS,
  status_mismatch: 24 * HOUR_SECONDS,
  duplicate_at_provider: 8 * HOUR_SECONDS,
  reversed_after_paid: 24 * HOUR_SECONDS,
  // As duplicate_at_provider: the provider's own records disagree, and a batch called paid may hide
  // an item whose recipient was never paid.
  batch_item_status_mismatch: 8 * HOUR_SECONDS,
  report_malformed: 4 * HOUR_SECONDS,
  // No money moved and none is at risk (the payout is canceled): the clock is for telling the tenant.
  approval_expired: 24 * HOUR_SECONDS,
  // A provider refusing a batch's items is an incident of that provider: as forbidden_transition.
  batch_items_failed_provider: 4 * HOUR_SECONDS,
  // The tenant must correct the recipients' details; no money moved: as approval_expired.
  batch_items_failed_recipient: 24 * HOUR_SECONDS,
  // A control stopped the items (a policy-gated corridor): compliance decides within a working day.
  batch_items_failed_compliance: 8 * HOUR_SECONDS,
  // Our configuration or our writes refused the items: as a dead-lettered webhook.
  batch_items_failed_platform: 4 * HOUR_SECONDS,
  // The recipient's payouts wait before funds move, nothing is at risk while they do: compliance decides within a
  // working day, as batch_items_failed_compliance.
  screening_potential_match: 8 * HOUR_SECONDS,
  // The hold is already late: a working day more for its owner, the tenant's through ops who tell it.
  hold_past_sla_compliance: 8 * HOUR_SECONDS,
  hold_past_sla_ops: 8 * HOUR_SECONDS,
  hold_past_sla_tenant: 24 * HOUR_SECONDS,
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
    // Provider support, like a duplicate: the contradiction is inside the provider's report (its
    // batch against its item), and only the provider can say which of its two statements is true.
    case 'batch_item_status_mismatch':
      return 'provider';
    case 'approval_expired':
    // Only the tenant can correct its recipients' details; an operator tells them (as approval_expired).
    case 'batch_items_failed_recipient':
    // The hold's owner: only the tenant collects its recipient's form (an operator tells it).
    case 'hold_past_sla_tenant':
      return 'tenant';
    case 'batch_items_failed_provider':
    // Provider support: only the provider can say what its new state means (paid? failed? held?); the
    // answer becomes a line in the provider's exhaustive mapping, never a guess here.
    case 'provider_state_unknown':
      return 'provider';
    case 'batch_items_failed_compliance':
    // Only compliance may decide a screening case (POST /ops/screening/{caseId}/clear|confirm).
    case 'screening_potential_match':
    case 'hold_past_sla_compliance':
      return 'compliance';
    case 'forbidden_transition':
    // Ops, not finance: no money moved on our side (the event was refused); what is open is who sent
    // it and why, a question for the provider integration and, if a secret leaked, for security.
    case 'event_ownership_mismatch':
    // Ops, who work corrections: which account is right is read from the provider, not the books.
    case 'correction_contradicted':
    // Ops: cancel it at the provider; if it paid, the correction flow (issue 10) fixes the books.
    case 'canceled_but_live_at_provider':
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
    // Ops redrives it (the fan-out is redelivery-safe) once what made it fail is fixed.
    case 'batch_dead_lettered':
    // Ours: a corridor not enabled, a write refused, an item identity reused with another amount.
    case 'batch_items_failed_platform':
    // Ops enable the corridor (ops:redrive releases the hold).
    case 'hold_past_sla_ops':
      return 'ops';
    default:
      return assertNever(category, 'exception category');
  }
}

export const isExceptionCategory = (v: unknown): v is ExceptionCategory =>
  typeof v === 'string' && (EXCEPTION_CATEGORIES as readonly string[]).includes(v);
export const isExceptionOwner = (v: unknown): v is ExceptionOwner =>
  typeof v === 'string' && (EXCEPTION_OWNERS as readonly string[]).includes(v);
export const isExceptionState = (v: unknown): v is ExceptionState =>
  typeof v === 'string' && (EXCEPTION_STATES as readonly string[]).includes(v);

/** The exception categories a reconciliation row opens (reconciliation/categories.ts names them too). */
export type RowMismatchCategory = Exclude<
  ExceptionCategory,
  | 'forbidden_transition'
  | 'event_ownership_mismatch'
  | 'correction_contradicted'
  | 'canceled_but_live_at_provider'
  | 'webhook_dead_lettered'
  | 'submission_dead_lettered'
  | 'long_pending'
  | 'provider_state_unknown'
  | 'reconciliation_dead_lettered'
  | 'batch_dead_lettered'
  | 'report_malformed'
  | 'approval_expired'
  | 'screening_potential_match'
  | BatchGroupCategory
  | HoldSlaCategory
>;

/**
 * What an exception is about: its category and the facts its dedup key is made of (and the payout
 * it is linked to, so the payout shows its owner). The key, and so the exception id, is a function
 * of the subject alone: whoever sees "the same" condition again (a redelivery, a re-run, the next
 * sweep) lands on the same row.
 */
export type ExceptionSubject =
  /** A webhook whose event the lifecycle forbids: one row per provider event. */
  | { category: 'forbidden_transition'; provider: string; providerEventId: string; payoutId: string }
  /**
   * A claim refused by event ownership. A webhook is keyed by its event (a redelivery, replay or
   * redrive of it updates the row); a status answer has no event id, so it is keyed by the payout
   * asked about and the reference answered (the sweeper asks every run: one row, not one a run).
   */
  | {
      category: 'event_ownership_mismatch';
      provider: string;
      payoutId: string;
      via: { kind: 'webhook'; providerEventId: string } | { kind: 'poll'; providerReference: string };
    }
  /**
   * A provider's word that contradicts an operator's applied status correction (corrections.ts). A
   * webhook is keyed by its event (a redelivery or replay updates the row); a status answer by
   * (payout, correction, event reported): the sweeper may ask every run, the same answer is one row.
   */
  | {
      category: 'correction_contradicted';
      payoutId: string;
      via:
        | { kind: 'webhook'; provider: string; providerEventId: string }
        | { kind: 'poll'; correctionId: string; event: string };
    }
  /**
   * A webhook message that failed every delivery. Keyed by its provider event, so the processor's
   * last attempt and the sweeper's look at the DLQ land on one row; a message too broken to name
   * its event is keyed by its SQS message id.
   */
  | {
      category: 'webhook_dead_lettered';
      message: { kind: 'event'; provider: string; providerEventId: string } | { kind: 'unreadable'; messageId: string };
      payoutId?: string;
    }
  | { category: 'submission_dead_lettered'; messageId: string; payoutId?: string }
  /**
   * Per message, like submissions: a redriven request that dead-letters again is a new message and
   * so a new exception, rather than an update to one ops may already have resolved.
   */
  | { category: 'reconciliation_dead_lettered'; messageId: string }
  /** Per message, like reconciliation's: a redriven chunk that dead-letters again is a new exception. */
  | { category: 'batch_dead_lettered'; messageId: string }
  /** One per payout: the sweeper sees it again every run until the provider answers. */
  | { category: 'long_pending'; payoutId: string }
  /**
   * One per (provider, payout, raw state): the sweeper re-asks every run and the same answer updates the
   * row; a second unknown state of the same payout is a second question for the provider, so a new row.
   */
  | { category: 'provider_state_unknown'; provider: string; payoutId: string; providerState: string }
  /** One per payout: the provider's later words (accepted, then pending) update the same row. */
  | { category: 'canceled_but_live_at_provider'; payoutId: string }
  /** One per payout: an approval nobody gave in time (the sweeper canceled the payout). */
  | { category: 'approval_expired'; payoutId: string }
  /** One per screening case: a rescreen that finds the same recipient again opens a new case, and so a new row. */
  | { category: 'screening_potential_match'; tenantId: string; recipientId: string; caseId: string }
  /** One per hold: every sweep sees it again until it is released, and updates the same row. */
  | { category: HoldSlaCategory; payoutId: string; holdId: string }
  /**
   * One per (batch, failure source): 3,000 failed items are one exception with its item list, not
   * 3,000 rows. No payout link: the items' payouts are listed in the group, never linked one by one.
   */
  | { category: BatchGroupCategory; batchId: string }
  /** One per (category, payout or provider row), across re-runs. */
  | { category: RowMismatchCategory; payoutId?: string; providerReference?: string }
  /** One per (provider, day): a re-run of the day with the same broken report updates it. */
  | { category: 'report_malformed'; provider: string; date: string };

/**
 * The one place a dedup key is spelled. Each format is already part of stored exception ids
 * (exceptionIdOf hashes it): changing one would open a second row beside every existing one.
 */
export function exceptionDedupKey(subject: ExceptionSubject): string {
  switch (subject.category) {
    case 'forbidden_transition':
      return `forbidden:${subject.provider}:${subject.providerEventId}`;
    case 'event_ownership_mismatch':
      return subject.via.kind === 'webhook'
        ? `ownership:${subject.provider}:${subject.via.providerEventId}`
        : `ownership:${subject.provider}:poll:${subject.payoutId}:${subject.via.providerReference}`;
    case 'correction_contradicted':
      return subject.via.kind === 'webhook'
        ? `correction_contradicted:${subject.via.provider}:${subject.via.providerEventId}`
        : `correction_contradicted:poll:${subject.payoutId}:${subject.via.correctionId}:${subject.via.event}`;
    case 'webhook_dead_lettered': {
      const { message } = subject;
      // An unreadable message is keyed like a submission's (by message id), as it always was.
      return message.kind === 'event'
        ? `webhook_dlq:${message.provider}:${message.providerEventId}`
        : `submission_dlq:${message.messageId}`;
    }
    case 'submission_dead_lettered':
      return `submission_dlq:${subject.messageId}`;
    case 'reconciliation_dead_lettered':
      return `reconciliation_dlq:${subject.messageId}`;
    case 'batch_dead_lettered':
      return `batch_dlq:${subject.messageId}`;
    case 'long_pending':
      return `long_pending:${subject.payoutId}`;
    case 'provider_state_unknown':
      return `provider_state_unknown:${subject.provider}:${subject.payoutId}:${subject.providerState}`;
    case 'approval_expired':
      return `approval_expired:${subject.payoutId}`;
    case 'screening_potential_match':
      return `screening:${subject.tenantId}:${subject.recipientId}:${subject.caseId}`;
    case 'hold_past_sla_compliance':
    case 'hold_past_sla_ops':
    case 'hold_past_sla_tenant':
      return `hold_past_sla:${subject.payoutId}:${subject.holdId}`;
    case 'canceled_but_live_at_provider':
      return `canceled_live:${subject.payoutId}`;
    case 'missing_provider_reference':
    case 'missing_at_provider':
    case 'missing_internally':
    case 'amount_mismatch':
    case 'currency_mismatch':
    case 'fee_mismatch':
    case 'status_mismatch':
    case 'duplicate_at_provider':
    case 'reversed_after_paid':
    case 'batch_item_status_mismatch': {
      const who =
        subject.payoutId !== undefined
          ? `payout:${subject.payoutId}`
          : `provider_reference:${subject.providerReference ?? ''}`;
      return `reconciliation:${subject.category}:${who}`;
    }
    case 'report_malformed':
      return `reconciliation:report_malformed:${subject.provider}:${subject.date}`;
    case 'batch_items_failed_provider':
    case 'batch_items_failed_recipient':
    case 'batch_items_failed_compliance':
    case 'batch_items_failed_platform':
      return `batch_items:${subject.category}:${subject.batchId}`;
    default:
      return assertNever(subject, 'exception subject');
  }
}

/** Everything the category decides about an exception: its key, owner and SLA (and its payout link). */
export interface ExceptionRule {
  readonly dedupKey: string;
  readonly category: ExceptionCategory;
  readonly owner: ExceptionOwner;
  readonly slaSeconds: number;
  readonly payoutId?: string;
  /** A batch group's batch: GET /exceptions?batch_id= finds the group by it. */
  readonly batchId?: string;
}

export function exceptionRuleOf(subject: ExceptionSubject): ExceptionRule {
  const payoutId = 'payoutId' in subject ? subject.payoutId : undefined;
  const batchId = 'batchId' in subject ? subject.batchId : undefined;
  return {
    dedupKey: exceptionDedupKey(subject),
    category: subject.category,
    owner: defaultOwnerOf(subject.category),
    slaSeconds: SLA_SECONDS_BY_CATEGORY[subject.category],
    ...(payoutId === undefined ? {} : { payoutId }),
    ...(batchId === undefined ? {} : { batchId }),
  };
}

/** What was seen this time: the evidence, the error if there was one, and when (time is passed in). */
export interface ExceptionOccurrence {
  readonly evidence: Record<string, unknown>;
  readonly error?: string | { message: string; code?: string };
  /** ISO 8601: `openedAt` when it opens the row, `lastSeenAt` when the row exists. */
  readonly seenAt: string;
}

declare const OPENED_BY_THE_RULES: unique symbol;

/**
 * The value the exceptions repository stores. Only openException makes one (the brand is a type,
 * nothing at run time), so no caller can open an exception with an owner, SLA or key of its own.
 */
export type ExceptionOpening = ExceptionRule & ExceptionOccurrence & { readonly [OPENED_BY_THE_RULES]: true };

/** The exception rules in one call: the subject decides key, owner and SLA; the occurrence is what was seen. */
export function openException(subject: ExceptionSubject, occurrence: ExceptionOccurrence): ExceptionOpening {
  return { ...exceptionRuleOf(subject), ...occurrence } as ExceptionOpening;
}

/** The id of the exception a subject opens: to look it up or resolve it without opening it. */
export function exceptionIdFor(subject: ExceptionSubject): string {
  return exceptionIdOf(exceptionDedupKey(subject));
}

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

export type ExceptionDecision =
  | { kind: 'transition'; to: ExceptionState }
  | { kind: 'refused'; code: 'exception_already_resolved' | 'exception_not_resolved' };

/** Every state × action written out, like the payout lifecycle table. */
export function decideException(state: ExceptionState, action: ExceptionAction): ExceptionDecision {
  switch (action) {
    case 'assign':
      // Reassigning an assigned exception is allowed: on-call hands over.
      return state === 'resolved'
        ? { kind: 'refused', code: 'exception_already_resolved' }
        : { kind: 'transition', to: 'assigned' };
    case 'resolve':
      return state === 'resolved'
        ? { kind: 'refused', code: 'exception_already_resolved' }
        : { kind: 'transition', to: 'resolved' };
    case 'reopen':
      return state === 'resolved'
        ? { kind: 'transition', to: 'open' }
        : { kind: 'refused', code: 'exception_not_resolved' };
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
export function payoutExceptionOwner(
  active: ReadonlyArray<{ owner: ExceptionOwner; slaDueAt: string; state: ExceptionState }>,
): ExceptionOwner | undefined {
  const candidates = active.filter((e) => isActive(e.state)).sort((a, b) => a.slaDueAt.localeCompare(b.slaDueAt));
  return candidates[0]?.owner;
}

export function slaDueAt(openedAt: string, slaSeconds: number): string {
  return new Date(Date.parse(openedAt) + slaSeconds * 1_000).toISOString();
}

export class ExceptionStateError extends DomainError {
  constructor(code: 'exception_already_resolved' | 'exception_not_resolved', exceptionId: string) {
    super(
      code,
      'terminal',
      code === 'exception_already_resolved'
        ? `exception ${exceptionId} is already resolved`
        : `exception ${exceptionId} is not resolved`,
    );
    this.name = 'ExceptionStateError';
  }
}
