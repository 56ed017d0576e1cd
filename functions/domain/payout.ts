import type { ApprovalDecision, PayoutApproval, PrincipalRef } from './approval';
import type { Hold } from './compliance/contract';
import type { CorrectionTarget, CorrectionTimelineEvent } from './corrections';
import type { OwnershipClaim, OwnershipMismatch } from './event-ownership';
import type { CurrencyCode } from './money';
import type { PayoutEvent, PayoutStatus, TransitionSource } from './lifecycle';
import type { PayoutReversal } from './reversal';

/**
 * The payout as stored and as shown (DESIGN §1: it carries its internal payout ID, the client's
 * idempotency key, the provider reference and the Request-Id of every call that touched it).
 * Account numbers never appear here unmasked: the full destination lives only in the
 * submission path (see `destinationForProvider` in the payouts repository).
 */
export interface Payout {
  payoutId: string;
  tenantId: string;
  idempotencyKey: string;
  status: PayoutStatus;
  statusReason?: string;
  /** Optimistic-concurrency counter; every transition is conditional on it. */
  version: number;
  amountMinor: number;
  currency: CurrencyCode;
  feeMinor?: number;
  provider: string;
  providerReference?: string;
  /**
   * The provider's own id of the money movement, where it differs from the reference we query it by
   * (PayPal: the item's `transaction_id` beside its `payout_item_id`); its report names it. Set once.
   */
  providerTransactionId?: string;
  destination: MaskedDestination;
  recipient: { name: string; email?: string };
  description?: string;
  metadata?: Record<string, string>;
  createdAt: string;
  lastEventAt: string;
  reconciledAt?: string;
  /** Owner of the open exception on this payout, when there is one. */
  exceptionOwner?: string;
  requestIds: string[];
  /** The principal that created it; four eyes compare approvers with it (approval.ts). */
  createdBy?: PrincipalRef;
  /** Set when the tenant's policy required approval at creation; the decision is added by it. */
  approval?: PayoutApproval;
  /** The latest reversal request of a paid payout (reversal.ts); written by the reversal actions only. */
  reversal?: PayoutReversal;
  /** The last applied operator correction of any kind (domain/corrections.ts), and when it was applied. */
  correctionId?: string;
  correctedAt?: string;
  /**
   * The last applied status correction: the status it set and its id. A later provider event is
   * compared with it (`contradictsCorrection`) before the lifecycle table is asked.
   */
  correctedStatus?: CorrectionTarget;
  statusCorrectionId?: string;
  /** Set when the payout is an item of a batch (issue 13): its identity, for ever (batches/batch-identity.ts). */
  batch?: { batchId: string; senderBatchId: string; senderItemId: string };
  /**
   * The gates before funds move (issue 15, domain/compliance/holds.ts), by holdId; every kind but
   * `approval`, which `requires_approval` and `approval` carry. Absent: never held. Written only by
   * adapters/payout-holds.ts, never by a transition, so neither write loses the other's.
   */
  holds?: Record<string, Hold>;
  /** The recipient record the payout pays (issue 15); the hold signals find a recipient's payouts by it. */
  recipientId?: string;
  /** How many of `holds` are open: the submitter's claim is conditional on it being 0 (or absent). */
  openHoldCount?: number;
  /** Set once by the submitter, conditional on no open hold, before its provider call; no hold is placed after it. */
  submissionClaimedAt?: string;
}

export interface MaskedDestination {
  country: string;
  method: string;
  /** Account fields with all but the last four characters masked, e.g. `iban: "••••••••••••3000"`. */
  fields: Record<string, string>;
}

/**
 * Who caused a change; recorded in the audit record of every transition (domain/audit-entries.ts
 * maps it to the trail's actor). A tenant's client and an operator name their access-matrix role.
 */
export type Actor =
  | { kind: 'client'; id: string; role: string; scopes?: string[] }
  | { kind: 'operator'; id: string; role: string; scopes?: string[] }
  /** A job (function name: `sweep`, `submit-payout`, …). */
  | { kind: 'system'; id: string }
  /** A provider's event (provider name). */
  | { kind: 'provider'; id: string };

/**
 * A request to move a payout. Named variants rather than partial patches (Hyperswitch's
 * StatusUpdate): the event says what happened, the lifecycle table decides what it means.
 */
export interface TransitionCommand {
  payoutId: string;
  event: PayoutEvent;
  source: TransitionSource;
  /** The Request-Id (api/operator) or provider event id (webhook/poller) behind the change. */
  sourceRef: string;
  /** When it happened, by the reporter's clock (provider event time); ISO 8601 UTC. */
  occurredAt: string;
  /** When we recorded it; ISO 8601 UTC. Passed in: the domain never reads the clock. */
  recordedAt: string;
  actor: Actor;
  statusReason?: string;
  feeMinor?: number;
  /** The reference the provider gave the payout; recorded when the payout has none yet (the first sticks). */
  providerReference?: string;
  /** The provider's transaction id, when the event or answer carries one; recorded when the payout has none yet. */
  providerTransactionId?: string;
  /**
   * Who says this is the payout's event, and what it says the money is (event-ownership.ts). With
   * `providerReference` it is the OwnershipClaim the repository checks on the payout it read before
   * anything moves. Required for `provider_webhook` and `poller` sources: a provider's word is
   * never applied unchecked.
   */
  claim?: Omit<OwnershipClaim, 'providerReference'>;
  /** Written in the same transaction so a provider event is applied at most once. */
  dedup?: { provider: string; providerEventId: string };
  /** An approver's decision (or the expiry), recorded on the payout's approval in the same write. */
  approvalDecision?: ApprovalDecision;
}

export type TransitionResult =
  | { kind: 'applied'; payout: Payout; from: PayoutStatus; to: PayoutStatus }
  | { kind: 'stale'; payout: Payout }
  | { kind: 'duplicate' }
  | { kind: 'forbidden'; payout: Payout }
  /**
   * A provider's event contradicts the payout's status correction: nothing moved (a timeline entry
   * and an audit record say it came); the caller opens a `correction_contradicted` exception.
   */
  | { kind: 'contradicted'; payout: Payout }
  /** The claim is not about this payout: nothing was written (no status, postings, reference or dedup record). */
  | { kind: 'rejected_ownership'; payout: Payout; mismatches: readonly OwnershipMismatch[] }
  | { kind: 'not_found' };

/**
 * Actions on a payout that do not move its status (the reversal request and its decisions): they
 * appear in the timeline with outcome `recorded`, so every action is there with its actor.
 */
export const PAYOUT_RECORDS = [
  'reversal_requested',
  'reversal_approved',
  'reversal_rejected',
  'reversal_sent',
  'reversal_refused',
  'hold_placed',
  'hold_released',
] as const;
export type PayoutRecord = (typeof PAYOUT_RECORDS)[number];

/** One entry of GET /payouts/{payoutId}/events. */
export interface TimelineEntry {
  payoutId: string;
  at: string;
  occurredAt: string;
  event: PayoutEvent | 'created' | PayoutRecord | CorrectionTimelineEvent;
  outcome: 'applied' | 'stale' | 'forbidden' | 'recorded' | 'contradicted';
  /** Who caused it (the audit record has the scopes too); absent on entries written before actors were recorded. */
  actor?: { kind: Actor['kind']; id: string };
  from?: PayoutStatus;
  to?: PayoutStatus;
  source: TransitionSource;
  sourceRef: string;
  statusReason?: string;
  /** The reversal request a `reversal_*` record is about. */
  reversalId?: string;
  /** The hold a `hold_*` record is about. */
  holdId?: string;
}
