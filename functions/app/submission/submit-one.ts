import { assertNever } from '../../domain/assert-never';
import { DomainError } from '../../domain/domain-error';
import { isReadyForProvider } from '../../domain/compliance/holds';
import { isTerminal } from '../../domain/lifecycle';
import type { Actor, Payout, TransitionCommand, TransitionResult } from '../../domain/payout';
import type { ProviderPort, ProviderSubmission } from '../../domain/provider-port';
import type { MappedProviderState } from '../../domain/provider-status';
import type { Destination } from '../../domain/recipient';
import { countFailedBatchItem, type FailedItemDeps } from '../batches/batch-item-failures';

/**
 * One submission: read the payout, send it to its provider with the payout id as the idempotency
 * key, record the answer as a transition. Retry strategy: a failed record is retried by SQS and
 * the retry RE-SUBMITS with the same key (rather than reading the provider's status first): one
 * round trip, and the provider's idempotency record is the single authority on whether the payout
 * exists, so a timeout whose payout was in fact created is answered with that same payout.
 *
 * Outcomes, in order of precedence:
 *   payout missing                         → throw (retried, then SubmissionDlq → exception)
 *   requires_approval                      → skipped: approval enqueues it again
 *   an open hold (issue 15), or one placed before our claim lands → skipped: releasing the last
 *                                            hold enqueues it again; nothing reaches the provider
 *   canceled with no provider reference    → the provider is asked by payout id (see settleCanceled):
 *                                            nothing there → skipped; live there → canceled there, or
 *                                            thrown (retried, then SubmissionDlq → exception)
 *   past submitted (duplicate message)     → skipped: acknowledged, no provider call
 *   provider transport failure (5xx, timeout, connection) → throw ProviderError (retried)
 *   accepted                               → provider_accepted (with reference and fee); found
 *                                            canceled meanwhile → the provider is asked to cancel it
 *   rejected                               → submission_rejected (payout fails with the reason)
 */

export interface SubmissionRepository {
  getPayoutForSubmission(payoutId: string): Promise<{ payout: Payout; destination: Destination } | undefined>;
  applyTransition(cmd: TransitionCommand): Promise<TransitionResult>;
  /**
   * Claims the payout for its provider call: conditional on `submitted` and no open hold
   * (adapters/payout-holds.ts), so a hold placed concurrently wins over a submission that read none.
   */
  claimForSubmission(payoutId: string, at: string): Promise<'claimed' | 'held' | 'moved'>;
}

export interface SubmitterDeps {
  repository: SubmissionRepository;
  /** Adapters by provider name (`payout.provider`). */
  providers: Readonly<Record<string, ProviderPort>>;
  /** ISO 8601 UTC; injected so tests control time. */
  nowIso: () => string;
  /** Where a refused batch item is counted (batches/batch-item-failures.ts); absent: not counted. */
  batchFailures?: FailedItemDeps;
}

export const SUBMITTER_ACTOR: Actor = { kind: 'system', id: 'submit-payout' };

export type SubmissionOutcome =
  | {
      kind: 'skipped';
      payoutId: string;
      status: Payout['status'];
      reason: 'awaiting_approval' | 'already_past_submitted' | 'not_at_provider' | 'held';
    }
  | {
      kind: 'accepted';
      payoutId: string;
      providerReference: string;
      replayed: boolean;
      transition: TransitionResult['kind'];
    }
  | { kind: 'rejected'; payoutId: string; reasonCode: string; transition: TransitionResult['kind'] }
  /** Canceled here while the submission was in flight; the provider accepted it, then canceled it on our request. */
  | { kind: 'canceled_at_provider'; payoutId: string; providerReference: string };

export class SubmissionError extends DomainError {
  readonly payoutId: string;
  constructor(code: string, payoutId: string, message: string, options?: { cause?: unknown }) {
    super(code, 'human_action_required', message, options);
    this.name = 'SubmissionError';
    this.payoutId = payoutId;
  }
}

export async function submitOne(payoutId: string, sourceRef: string, deps: SubmitterDeps): Promise<SubmissionOutcome> {
  const found = await deps.repository.getPayoutForSubmission(payoutId);
  if (found === undefined)
    throw new SubmissionError('payout_not_found', payoutId, `payout ${payoutId} (or its destination) does not exist`);
  const { payout, destination } = found;

  const provider = deps.providers[payout.provider];
  if (payout.status === 'canceled' && payout.providerReference === undefined && provider !== undefined)
    return settleCanceled(payout, provider);
  const skip = skipReason(payout.status);
  if (skip !== undefined) return { kind: 'skipped', payoutId, status: payout.status, reason: skip };
  if (provider === undefined)
    throw new SubmissionError('provider_not_configured', payoutId, `no adapter for provider ${payout.provider}`);
  if ((payout.openHoldCount ?? 0) > 0) return { kind: 'skipped', payoutId, status: payout.status, reason: 'held' };
  const claim = await deps.repository.claimForSubmission(payoutId, deps.nowIso());
  if (claim === 'held') return { kind: 'skipped', payoutId, status: payout.status, reason: 'held' };
  // Moved since our read (canceled, or a duplicate message's run got there first): the next read decides.
  if (claim === 'moved') return submitAgain(payoutId, sourceRef, deps);

  const answer = await provider.submit(toSubmission(payout, destination));
  const base = { payoutId, source: 'submitter' as const, sourceRef, actor: SUBMITTER_ACTOR };
  if (answer.kind === 'rejected') return rejectSubmission(deps, base, answer);
  const now = deps.nowIso();
  // Always `provider_accepted`, even when a replay shows a later state: later states arrive by
  // webhook or the poller, each with its own event id, and the lifecycle table orders them.
  const result = await deps.repository.applyTransition({
    ...base,
    event: 'provider_accepted',
    occurredAt: now,
    recordedAt: now,
    providerReference: answer.providerReference,
    ...(answer.feeMinor === undefined ? {} : { feeMinor: answer.feeMinor }),
    ...(answer.providerTransactionId === undefined ? {} : { providerTransactionId: answer.providerTransactionId }),
  });
  checkResult(result, payoutId, 'provider_accepted');
  // The dangerous race: the payout was canceled (by the tenant or an operator) after we read it, but
  // the provider now holds the money. A provider that can still cancel it is asked to (our ledger
  // released in_transit with the cancel, so the books then agree); otherwise acknowledging would hide
  // it, so failing the record sends it to the DLQ as an exception.
  if (result.kind === 'stale' && result.payout.status === 'canceled') {
    const undone = await provider.cancel({ payoutId, providerReference: answer.providerReference });
    if (undone.kind === 'canceled')
      return { kind: 'canceled_at_provider', payoutId, providerReference: answer.providerReference };
  }
  if (result.kind === 'stale' && isTerminal(result.payout.status) && result.payout.status !== 'reversed') {
    throw new SubmissionError(
      'provider_holds_terminal_payout',
      payoutId,
      `provider accepted ${answer.providerReference} but payout ${payoutId} is ${result.payout.status}`,
    );
  }
  return {
    kind: 'accepted',
    payoutId,
    providerReference: answer.providerReference,
    replayed: answer.replayed,
    transition: result.kind,
  };
}

/** After a refused claim: read once more and skip (or settle) as the new status says; never a provider call twice. */
async function submitAgain(payoutId: string, sourceRef: string, deps: SubmitterDeps): Promise<SubmissionOutcome> {
  const found = await deps.repository.getPayoutForSubmission(payoutId);
  if (found === undefined)
    throw new SubmissionError('payout_not_found', payoutId, `payout ${payoutId} (or its destination) does not exist`);
  const { payout } = found;
  if (isReadyForProvider(payout))
    throw new SubmissionError('submission_claim_refused', payoutId, `payout ${payoutId} could not be claimed`);
  if (payout.status === 'submitted') return { kind: 'skipped', payoutId, status: payout.status, reason: 'held' };
  return submitOne(payoutId, sourceRef, deps);
}

/**
 * A payout canceled here before any provider answer was recorded (the tenant's cancel of a
 * `submitted` payout, domain/cancellation.ts) may still be live at the provider: an earlier
 * attempt of this message may have reached it and lost its answer, or the race handling below
 * may have failed to cancel it. A message for it means a submission was attempted, so the
 * provider is asked by our payout id (its idempotency key: whatever it holds under it is ours)
 * and what it holds is canceled. Never re-submitted: that could create the payout we canceled.
 * Anything else it holds (paid, or a cancel it refuses) must not be acknowledged: thrown, so
 * SQS retries and then the SubmissionDlq opens an exception linked to the payout; the webhook
 * processor opens `canceled_but_live_at_provider` for the same condition when the provider speaks first.
 */
async function settleCanceled(payout: Payout, provider: ProviderPort): Promise<SubmissionOutcome> {
  const { payoutId } = payout;
  const held = await provider.getStatus({ payoutId });
  if (held.kind === 'not_found' || isFinalWithoutMoney(held.state))
    return { kind: 'skipped', payoutId, status: payout.status, reason: 'not_at_provider' };
  const undone = await provider.cancel({ payoutId, providerReference: held.providerReference });
  if (undone.kind === 'canceled')
    return { kind: 'canceled_at_provider', payoutId, providerReference: held.providerReference };
  throw new SubmissionError(
    'canceled_but_live_at_provider',
    payoutId,
    `payout ${payoutId} is canceled but the provider holds ${held.providerReference} and answered cancel with ${undone.kind}`,
  );
}

/** Canceled or failed at the provider: no money will move, nothing to undo. */
function isFinalWithoutMoney(state: MappedProviderState): boolean {
  return state.kind === 'known' && (state.event === 'provider_canceled' || state.event === 'provider_failed');
}

function skipReason(status: Payout['status']): 'awaiting_approval' | 'already_past_submitted' | undefined {
  switch (status) {
    case 'submitted':
      return undefined;
    case 'requires_approval':
      return 'awaiting_approval';
    case 'accepted':
    case 'pending':
    case 'paid':
    case 'reversed':
    case 'failed':
    case 'canceled':
      return 'already_past_submitted';
    default:
      return assertNever(status, 'payout status');
  }
}

function checkResult(result: TransitionResult, payoutId: string, event: string): void {
  switch (result.kind) {
    case 'applied':
    case 'stale':
    case 'duplicate':
      return;
    case 'not_found':
      throw new SubmissionError(
        'payout_not_found',
        payoutId,
        `payout ${payoutId} vanished before ${event} could be recorded`,
      );
    case 'forbidden':
      throw new SubmissionError(
        'forbidden_transition',
        payoutId,
        `${event} is forbidden for payout ${payoutId} in status ${result.payout.status}`,
      );
    // The submitter sends no ownership claim (the answer is to our own call for this payout id), so
    // this cannot happen today; if a claim is ever added, a refusal goes to a human like the rest.
    case 'rejected_ownership':
      throw new SubmissionError(
        'event_ownership_mismatch',
        payoutId,
        `${event} for payout ${payoutId} was refused: ${result.mismatches.map((m) => m.check).join(', ')}`,
      );
    // Contradictions are decided for a provider's word by webhook or poll only (domain/corrections.ts):
    // the submitter's answer is judged by the lifecycle table, so this cannot happen today either.
    case 'contradicted':
      throw new SubmissionError(
        'correction_contradicted',
        payoutId,
        `${event} for payout ${payoutId} contradicts its correction`,
      );
    default:
      assertNever(result, 'transition result');
  }
}

export function toSubmission(payout: Payout, destination: Destination): ProviderSubmission {
  return {
    payoutId: payout.payoutId,
    amountMinor: payout.amountMinor,
    currency: payout.currency,
    destination: { country: destination.country, method: destination.method, fields: destination.fields },
    recipient: payout.recipient,
    ...(payout.description === undefined ? {} : { description: payout.description }),
    // Tenant metadata is passed through; `payout_id` (added by the adapter) always wins.
    metadata: { ...(payout.metadata ?? {}), tenant_id: payout.tenantId },
  };
}

/** The provider refused the payout: it fails with the provider's reason, and a batch item joins its group. */
async function rejectSubmission(
  deps: SubmitterDeps,
  base: Pick<TransitionCommand, 'payoutId' | 'source' | 'sourceRef' | 'actor'>,
  answer: { reasonCode: string; reason: string },
): Promise<SubmissionOutcome> {
  const { payoutId } = base;
  const now = deps.nowIso();
  const result = await deps.repository.applyTransition({
    ...base,
    event: 'submission_rejected',
    occurredAt: now,
    recordedAt: now,
    statusReason: `${answer.reasonCode}: ${answer.reason}`,
  });
  checkResult(result, payoutId, 'submission_rejected');
  // A refused batch item joins its batch's group; a duplicate is a redelivery after a crash before the count.
  if (result.kind === 'applied' || result.kind === 'duplicate')
    await countFailedBatchItem(deps.batchFailures, result.kind === 'applied' ? result.payout : { payoutId }, now);
  return { kind: 'rejected', payoutId, reasonCode: answer.reasonCode, transition: result.kind };
}
