import type { SQSRecord } from 'aws-lambda';
import type { ExceptionsStore } from '../../adapters/exceptions-repository';
import type { InboxEvent, InboxStore } from '../../adapters/inbox-repository';
import type { RecheckStore } from '../../adapters/recheck-markers';
import { countFailedBatchItem, type FailedItemDeps } from '../batches/batch-item-failures';
import { parseWebhookMessage, type WebhookMessage } from '../../adapters/webhook-queue';
import { exceptionIdFor, openException } from '../../domain/exceptions';
import type { Payout, TransitionCommand, TransitionResult } from '../../domain/payout';
import { mapWebhookEvent, type MappedWebhookEvent } from '../../domain/provider-events';
import { isWebhookProvider, type WebhookProvider } from '../../domain/webhook-signatures';
import { assertNever } from '../../domain/assert-never';
import { isAwaitingProvider } from '../../domain/lifecycle';
import { checkEventOwnership } from '../../domain/event-ownership';
import { openUnknownState } from '../sweeper/unknown-state';

/** The webhook processor as the audit trail names it (a job: its function name). */
const PROCESSOR_ACTOR = { kind: 'system', id: 'process-webhook' } as const;
import { isCanceledButLive, openCanceledButLive } from './canceled-live-exception';
import { openCorrectionContradiction } from './correction-exception';
import { openOwnershipException } from './ownership-exception';

/**
 * One queued webhook → at most one payout transition (DESIGN §1). Outcomes:
 * - applied / duplicate / stale / ignored → success (the message is deleted);
 * - forbidden → an ops-owned `forbidden_transition` exception plus a re-check marker that the
 *   sweeper works off with the provider's getStatus (see recheck-markers.ts) → success;
 * - rejected_ownership (the signed event is not about the payout it names: another provider's,
 *   another reference, another amount or currency — event-ownership.ts) → nothing moves, an
 *   ops-owned `event_ownership_mismatch` exception with the event as evidence, the inbox records the
 *   outcome → success: retrying cannot make it the payout's event, so the provider's retries stop.
 *   No re-check marker: the refusal says nothing about where the payout really stands;
 * - contradicted (the event disagrees with an operator's applied status correction,
 *   domain/corrections.ts) → nothing moves, an ops-owned `correction_contradicted` exception with
 *   the correction and the event as evidence → success. Never applied over the correction, never
 *   dropped: the timeline, the audit trail, the inbox outcome and the exception all record it. No
 *   re-check marker: asking the provider again would only repeat its side of the disagreement;
 * - unknown_state (a provider state our mapping does not know, issue 14) → nothing moves: never guessed,
 *   never dead-lettered. The provider-owned `provider_state_unknown` exception the sweeper opens for the
 *   same payout and state (one row for both paths), the outcome in the inbox (which keeps the event) →
 *   success. Signed by another provider than the payout's: an ownership refusal, as above;
 * - payout not known yet (the webhook won the race with our own write), unreadable event, missing
 *   inbox item → thrown: SQS retries, then dead-letters. On the attempt that will dead-letter
 *   (ApproximateReceiveCount ≥ maxReceiveCount) the failure becomes a `webhook_dead_lettered`
 *   exception before the message moves, with first/last error, receive count and age.
 */

export type ProcessingErrorCategory = 'payout_not_found' | 'unmappable_event' | 'inbox_missing' | 'processing_error';

export class WebhookProcessingError extends Error {
  constructor(
    readonly category: ProcessingErrorCategory,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WebhookProcessingError';
  }
}

export interface PayoutsPort {
  applyTransition(cmd: TransitionCommand): Promise<TransitionResult>;
  getPayoutById(payoutId: string): Promise<Payout | undefined>;
  findByProviderReference(provider: string, providerReference: string): Promise<Payout | undefined>;
}

export interface ProcessDeps {
  inbox: InboxStore;
  payouts: PayoutsPort;
  exceptions: ExceptionsStore;
  rechecks: RecheckStore;
  /** The queue's redrive policy maxReceiveCount (contracts.md: 5). */
  maxReceiveCount: number;
  nowMs(): number;
  /** Where a batch item failed by its provider is counted (batches/batch-item-failures.ts); absent: not counted. */
  batchFailures?: FailedItemDeps;
}

/** `unknown_state`: a state our mapping does not know; nothing moved, a provider_state_unknown exception opened. */
export type ProcessOutcome = TransitionResult['kind'] | 'ignored' | 'unknown_state';

export async function processWebhookRecord(
  deps: ProcessDeps,
  record: Pick<SQSRecord, 'body' | 'messageId' | 'attributes'>,
): Promise<ProcessOutcome> {
  const message = parseWebhookMessage(record.body);
  try {
    const outcome = await processMessage(deps, message);
    if (message.redriven_by !== undefined) await resolveDeadLetterException(deps, message);
    return outcome;
  } catch (error) {
    const failure =
      error instanceof WebhookProcessingError
        ? error
        : new WebhookProcessingError('processing_error', (error as Error).message ?? String(error), { cause: error });
    await recordFailure(deps, message, record, failure);
    throw failure;
  }
}

/** A queued event read back from the inbox, mapped, and tied to the payout it names. */
interface LocatedEvent {
  provider: WebhookProvider;
  providerEventId: string;
  stored: InboxEvent;
  mapped: Extract<MappedWebhookEvent, { kind: 'transition' }>;
  payoutId: string;
  nowIso: string;
}

/** An event located like a transition, whose state our mapping does not know. */
type LocatedUnknownState = Omit<LocatedEvent, 'mapped'> & {
  mapped: Extract<MappedWebhookEvent, { kind: 'unknown_state' }>;
};

type Located =
  | { kind: 'ignored' }
  | { kind: 'located'; event: LocatedEvent }
  | { kind: 'unknown_state'; event: LocatedUnknownState };

async function processMessage(deps: ProcessDeps, message: WebhookMessage): Promise<ProcessOutcome> {
  const located = await locate(deps, message);
  switch (located.kind) {
    case 'ignored':
      return 'ignored';
    case 'unknown_state':
      return ownUnknownState(deps, located.event);
    case 'located':
      return applyLocated(deps, located.event);
    default:
      return assertNever(located, 'located webhook');
  }
}

async function applyLocated(deps: ProcessDeps, event: LocatedEvent): Promise<ProcessOutcome> {
  const { provider, providerEventId, mapped, payoutId, nowIso } = event;
  const result = await deps.payouts.applyTransition({
    payoutId,
    event: mapped.event,
    source: 'provider_webhook',
    sourceRef: providerEventId,
    occurredAt: mapped.occurredAt ?? event.stored.receivedAt,
    recordedAt: nowIso,
    actor: { kind: 'provider', id: provider },
    ...(mapped.statusReason === undefined ? {} : { statusReason: mapped.statusReason }),
    ...(mapped.feeMinor === undefined ? {} : { feeMinor: mapped.feeMinor }),
    ...(mapped.providerReference === undefined ? {} : { providerReference: mapped.providerReference }),
    ...(mapped.providerTransactionId === undefined ? {} : { providerTransactionId: mapped.providerTransactionId }),
    // The route's provider is the one whose secret verified the signature: the claimant.
    claim: {
      provider,
      ...(mapped.amountMinor === undefined ? {} : { amountMinor: mapped.amountMinor }),
      ...(mapped.currency === undefined ? {} : { currency: mapped.currency }),
    },
    dedup: { provider, providerEventId },
  });
  await ownOutcome(deps, event, result);
  await deps.inbox.recordOutcome(provider, providerEventId, result.kind, nowIso);
  return result.kind;
}

/** Inbox → mapping → payout id (from the event, else by provider reference); what cannot be, throws. */
async function locate(deps: ProcessDeps, message: WebhookMessage): Promise<Located> {
  const { provider, provider_event_id: providerEventId } = message;
  if (!isWebhookProvider(provider))
    throw new WebhookProcessingError('unmappable_event', `unknown provider ${provider}`);
  const stored = await deps.inbox.get(provider, providerEventId);
  if (stored === undefined)
    throw new WebhookProcessingError('inbox_missing', `inbox has no event ${provider}#${providerEventId}`);
  const mapped = mapWebhookEvent(provider, stored.eventType, JSON.parse(await deps.inbox.body(stored)));
  const nowIso = new Date(deps.nowMs()).toISOString();
  if (mapped.kind === 'ignored') {
    await deps.inbox.recordOutcome(provider, providerEventId, 'ignored', nowIso);
    return { kind: 'ignored' };
  }
  if (mapped.kind === 'invalid') throw new WebhookProcessingError('unmappable_event', mapped.reason);
  let payoutId = mapped.payoutId;
  if (payoutId === undefined && mapped.providerReference !== undefined)
    payoutId = (await deps.payouts.findByProviderReference(provider, mapped.providerReference))?.payoutId;
  if (payoutId === undefined)
    throw new WebhookProcessingError(
      'payout_not_found',
      `no payout for ${provider} reference ${mapped.providerReference}`,
    );
  const where = { provider, providerEventId, stored, payoutId, nowIso };
  return mapped.kind === 'unknown_state'
    ? { kind: 'unknown_state', event: { ...where, mapped } }
    : { kind: 'located', event: { ...where, mapped } };
}

/**
 * A state our mapping does not know (issue 14): never guessed, never dead-lettered. The payout stays; the
 * provider's owner gets the `provider_state_unknown` exception the sweeper would open for the same state
 * (one row per payout and state, whichever path saw it first), and the event is acknowledged with its
 * outcome in the inbox. A signed event about a payout that is not its provider's is an ownership refusal.
 */
async function ownUnknownState(deps: ProcessDeps, event: LocatedUnknownState): Promise<ProcessOutcome> {
  const { provider, providerEventId, stored, mapped, payoutId, nowIso } = event;
  const payout = await deps.payouts.getPayoutById(payoutId);
  if (payout === undefined)
    throw new WebhookProcessingError('payout_not_found', `payout ${payoutId} is not known (yet)`);
  const verdict = checkEventOwnership(payout, {
    provider,
    ...(mapped.providerReference === undefined ? {} : { providerReference: mapped.providerReference }),
    ...(mapped.amountMinor === undefined ? {} : { amountMinor: mapped.amountMinor }),
    ...(mapped.currency === undefined ? {} : { currency: mapped.currency }),
  });
  const claim = {
    provider_event_id: providerEventId,
    event_type: stored.eventType,
    provider_state: mapped.providerState,
  };
  let outcome: ProcessOutcome = 'unknown_state';
  if (verdict.ok)
    await openUnknownState(deps.exceptions, {
      provider,
      payout,
      providerState: mapped.providerState,
      via: { kind: 'webhook', providerEventId, eventType: stored.eventType },
      said: {
        providerReference: mapped.providerReference,
        failureCode: mapped.statusReason,
        amountMinor: mapped.amountMinor,
        currency: mapped.currency,
        stateSince: mapped.occurredAt,
      },
      nowIso,
    });
  else {
    outcome = 'rejected_ownership';
    await openOwnershipException(deps.exceptions, {
      provider,
      via: { kind: 'webhook', providerEventId },
      payout,
      mismatches: verdict.mismatches,
      claim: { ...claim, claimed_payout_id: mapped.payoutId ?? null },
      nowIso,
    });
  }
  await deps.inbox.recordOutcome(provider, providerEventId, outcome, nowIso);
  return outcome;
}

async function ownApplied(
  deps: ProcessDeps,
  { provider, providerEventId, payoutId, nowIso }: LocatedEvent,
  result: Extract<TransitionResult, { kind: 'applied' }>,
): Promise<void> {
  // The answer a long_pending exception was waiting for: close it. Only payouts showing an
  // exception owner are looked at, so the usual webhook costs nothing extra here.
  if (result.payout.exceptionOwner !== undefined && !isAwaitingProvider(result.to))
    await resolveLongPending(deps.exceptions, payoutId, `${provider}#${providerEventId}`, nowIso);
  // A batch item failed by its provider joins its batch's exception group (batches/batch-item-failures.ts).
  if (result.to === 'failed') await countFailedBatchItem(deps.batchFailures, result.payout, nowIso);
}

/** Each outcome that needs a person gets its owned exception; a closed wait closes its long_pending. */
async function ownOutcome(deps: ProcessDeps, event: LocatedEvent, result: TransitionResult): Promise<void> {
  const { provider, providerEventId, stored, mapped, payoutId, nowIso } = event;
  switch (result.kind) {
    case 'applied':
      await ownApplied(deps, event, result);
      break;
    case 'duplicate':
      // A redelivery after a crash between the transition and its count: count it now (idempotent).
      if (mapped.event === 'provider_failed') await countFailedBatchItem(deps.batchFailures, { payoutId }, nowIso);
      break;
    case 'stale':
      await ownStale(deps, event, result.payout);
      break;
    case 'forbidden':
      await ownForbidden(deps, event, result.payout);
      break;
    case 'rejected_ownership':
      await openOwnershipException(deps.exceptions, {
        provider,
        via: { kind: 'webhook', providerEventId },
        payout: result.payout,
        mismatches: result.mismatches,
        claim: {
          provider_event_id: providerEventId,
          event_type: stored.eventType,
          event: mapped.event,
          provider_state: mapped.providerState,
          claimed_payout_id: mapped.payoutId ?? null,
          claimed_provider_reference: mapped.providerReference ?? null,
          claimed_amount_minor: mapped.amountMinor ?? null,
          claimed_currency: mapped.currency ?? null,
        },
        nowIso,
      });
      break;
    case 'contradicted':
      await openCorrectionContradiction(deps.exceptions, {
        provider,
        via: { kind: 'webhook', providerEventId },
        payout: result.payout,
        event: mapped.event,
        claim: {
          provider_event_id: providerEventId,
          event_type: stored.eventType,
          provider_state: mapped.providerState,
        },
        actor: PROCESSOR_ACTOR,
        nowIso,
      });
      break;
    case 'not_found':
      throw new WebhookProcessingError('payout_not_found', `payout ${payoutId} is not known (yet)`);
    default:
      return assertNever(result, 'transition result');
  }
}

/** A stale event: a failure counted if its path had not (a crash), a canceled-but-live payout owned. */
async function ownStale(deps: ProcessDeps, event: LocatedEvent, payout: Payout): Promise<void> {
  const { provider, providerEventId, stored, mapped, nowIso } = event;
  // Failed before by another path (the sweeper's poll) that may have crashed before its count: count it now.
  if (mapped.event === 'provider_failed') await countFailedBatchItem(deps.batchFailures, payout, nowIso);
  if (isCanceledButLive(payout, mapped.event))
    await openCanceledButLive(deps.exceptions, {
      provider,
      payout,
      event: mapped.event,
      claim: {
        provider_event_id: providerEventId,
        event_type: stored.eventType,
        provider_state: mapped.providerState,
        provider_reference: mapped.providerReference ?? null,
      },
      actor: PROCESSOR_ACTOR,
      nowIso,
    });
}

/** A forbidden transition: an ops exception with the event as evidence, and a status recheck. */
async function ownForbidden(deps: ProcessDeps, event: LocatedEvent, payout: Payout): Promise<void> {
  const { provider, providerEventId, stored, mapped, payoutId, nowIso } = event;
  await deps.exceptions.openOrUpdate({
    ...openException(
      { category: 'forbidden_transition', provider, providerEventId, payoutId },
      {
        evidence: {
          provider,
          provider_event_id: providerEventId,
          event_type: stored.eventType,
          event: mapped.event,
          provider_state: mapped.providerState,
          payout_status: payout.status,
        },
        error: {
          message: `${mapped.event} is forbidden for a payout in status ${payout.status}`,
          code: 'forbidden_transition',
        },
        seenAt: nowIso,
      },
    ),
    actor: PROCESSOR_ACTOR,
  });
  await deps.rechecks.request({
    payoutId,
    reason: `forbidden ${mapped.event} on ${payout.status} (${provider}#${providerEventId})`,
    requestedAt: nowIso,
  });
}

async function recordFailure(
  deps: ProcessDeps,
  message: WebhookMessage,
  record: Pick<SQSRecord, 'messageId' | 'attributes'>,
  failure: WebhookProcessingError,
): Promise<void> {
  const nowMs = deps.nowMs();
  const nowIso = new Date(nowMs).toISOString();
  const { provider, provider_event_id: providerEventId } = message;
  const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
  const deadLettering = receiveCount >= deps.maxReceiveCount;
  let stored: InboxEvent | undefined;
  if (failure.category !== 'inbox_missing') {
    await deps.inbox.recordFailure(
      provider,
      providerEventId,
      { message: failure.message, category: failure.category },
      nowIso,
      { deadLettering },
    );
    stored = await deps.inbox.get(provider, providerEventId);
  }
  if (!deadLettering) return;
  const sentMs = Number(record.attributes.SentTimestamp ?? nowMs);
  const opening = openException(
    { category: 'webhook_dead_lettered', message: { kind: 'event', provider, providerEventId } },
    {
      evidence: {
        queue: 'webhook',
        message_id: record.messageId,
        provider,
        provider_event_id: providerEventId,
        event_type: message.event_type,
        error_category: failure.category,
        receive_count: receiveCount,
        age_seconds: Math.max(0, Math.round((nowMs - sentMs) / 1_000)),
        first_error: stored?.firstError,
        last_error: stored?.lastError,
        error_count: stored?.errorCount,
      },
      error: { message: failure.message, code: failure.category },
      seenAt: nowIso,
    },
  );
  // Dead-lettered again after a redrive: a new occurrence, so the exception opens again.
  await deps.exceptions.openOrUpdate({ ...opening, actor: PROCESSOR_ACTOR, reopenIfResolved: true });
}

async function resolveDeadLetterException(deps: ProcessDeps, message: WebhookMessage): Promise<void> {
  const exceptionId = exceptionIdFor({
    category: 'webhook_dead_lettered',
    message: { kind: 'event', provider: message.provider, providerEventId: message.provider_event_id },
  });
  const exception = await deps.exceptions.get(exceptionId);
  if (exception === undefined || exception.state === 'resolved') return;
  await deps.exceptions.resolve({
    exceptionId,
    note: `processed after redrive by ${message.redriven_by}`,
    actor: PROCESSOR_ACTOR,
    now: new Date(deps.nowMs()),
  });
}

/** Resolves the payout's long_pending exception, if one is active; shared with the sweeper. */
export async function resolveLongPending(
  exceptions: ExceptionsStore,
  payoutId: string,
  by: string,
  nowIso: string,
): Promise<void> {
  const exceptionId = exceptionIdFor({ category: 'long_pending', payoutId });
  const exception = await exceptions.get(exceptionId);
  if (exception === undefined || exception.state === 'resolved') return;
  await exceptions.resolve({
    exceptionId,
    note: `final answer from the provider (${by})`,
    actor: PROCESSOR_ACTOR,
    now: nowIso,
  });
}
