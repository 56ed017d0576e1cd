import type { DeadLetterPort } from '../../adapters/dlq';
import type { ExceptionsStore } from '../../adapters/exceptions-repository';
import type { InboxStore } from '../../adapters/inbox-repository';
import type { RecheckStore } from '../../adapters/recheck-markers';
import type { WebhookEnqueuer } from '../../adapters/webhook-queue';
import { openException } from '../../domain/exceptions';
import type { Payout, TransitionCommand, TransitionResult } from '../../domain/payout';
import type { ProviderPort, StatusResult } from '../../domain/provider-port';
import type { MappedProviderState } from '../../domain/provider-status';
import { SWEEP_QUIET_SECONDS_MIN, sweepDecision, type SweepCandidate } from '../../domain/staleness';
import { QUEUE_NAMES, type QueueName } from '../../shared/names';
import { deadLetterSubjectOf, describeDlqMessage } from '../ops/dlq-view';
import { isAwaitingProvider } from '../../domain/lifecycle';
import { assertNever } from '../../domain/assert-never';
import { openCorrectionContradiction } from '../webhooks/correction-exception';
import { openOwnershipException } from '../webhooks/ownership-exception';
import { resolveLongPending } from '../webhooks/process';
import { expireApprovals } from './approvals';
import { openHoldSlaExceptions, resolveSettledHoldSlaExceptions, type HoldSlaSweepDeps } from './holds-sla';
import { sweepReversals, type ReversalSweepDeps } from './reversals';
import { openUnknownProviderState } from './unknown-state';
import { countFailedBatchItem, type FailedItemDeps } from '../batches/batch-item-failures';

/** The sweeper as the audit trail names it (a job: its function name). */
const SWEEP_ACTOR = { kind: 'system', id: 'sweep' } as const;

/**
 * The scheduled sweeper (contracts.md: every 5 minutes). Four jobs, each bounded, each idempotent
 * so an overlapping or repeated run changes nothing twice:
 * 1. inbox events received but never enqueued (intake's enqueue failed) → enqueue;
 * 2. DLQ messages → exceptions (same dedup key as the processor's last attempt, so one row each);
 * 3. re-check markers left by forbidden webhooks → provider getStatus → `poller` transition;
 *    every answer is checked for event ownership like a webhook (an answer about another payout
 *    moves nothing and opens an `event_ownership_mismatch` exception), and an answer that
 *    contradicts an operator's applied status correction moves nothing and opens a
 *    `correction_contradicted` exception, as the webhook processor does;
 * 4. payouts quiet past their corridor's threshold → getStatus → `poller` transition, and a
 *    `long_pending` exception when the provider still has no final answer past the SLA; a
 *    `submitted` payout the provider does not know is handed to the submitter again; an answer in a
 *    state the provider's mapping calls `unknown` (jobs 3 and 4) moves nothing and opens one
 *    `provider_state_unknown` exception per payout and raw state (sweeper/unknown-state.ts);
 * 5. approvals open past APPROVAL_EXPIRES_AFTER_SECONDS → canceled, with a tenant-owned exception
 *    (sweeper/approvals.ts);
 * 6. reversals approved or sent without news → the return re-sent, or the provider re-asked
 *    (sweeper/reversals.ts).
 * 7. holds open past their owner's SLA → one exception per hold for that owner (sweeper/holds-sla.ts).
 * Jobs 5 and 6 run when `waiting` is wired, job 7 when `holdQueue` is (the handler wires both).
 */
export const INBOX_ENQUEUE_GRACE_SECONDS = 60;
export const SWEEP_INBOX_EVENTS_MAX = 100;
export const SWEEP_DLQ_MESSAGES_MAX = 50;
export const SWEEP_RECHECKS_MAX = 50;
/** Provider status calls per run, all jobs together: the sweeper must never hammer a provider. */
export const SWEEP_STATUS_CALLS_MAX = 50;

export interface SweepDeps {
  inbox: InboxStore;
  webhookQueue: WebhookEnqueuer;
  dlq: DeadLetterPort;
  dlqUrls: Record<QueueName, string>;
  exceptions: ExceptionsStore;
  rechecks: RecheckStore;
  payouts: {
    applyTransition(cmd: TransitionCommand): Promise<TransitionResult>;
    getPayoutById(payoutId: string): Promise<Payout | undefined>;
  };
  /** Payouts awaiting the provider and quiet since before the given instant (the sparse gsi3). */
  awaiting: { quietSince(quietBeforeIso: string): Promise<Array<SweepCandidate & { payoutId: string }>> };
  providers: Readonly<Record<string, ProviderPort>>;
  /** The APPROVAL and REVERSAL partitions of gsi3 (adapters/payout-waiting-index.ts). */
  waiting?: ReversalSweepDeps['waiting'] & { approvalsExpiredBy(nowIso: string, limit: number): Promise<string[]> };
  /** The reversal writes, for the reversal job (PayoutsRepository has it). */
  reversals?: Pick<ReversalSweepDeps['payouts'], 'writeReversal'>;
  /** The holds queue (adapters/hold-queue.ts), for the holds SLA job. */
  holdQueue?: HoldSlaSweepDeps['queue'];
  /** The unresolved hold SLA exceptions, which the holds job resolves once their hold is released. */
  holdSlaExceptions?: NonNullable<HoldSlaSweepDeps['active']>;
  /** A batch item the poll found failed joins its batch's exception group (app/batches/batch-item-failures.ts). */
  batchFailures?: FailedItemDeps;
  /** Re-enqueues a payout for the submitter (idempotent at the provider on our payout id). */
  resubmit?: (payoutId: string) => Promise<void>;
  nowMs(): number;
  log?: (message: string, detail: Record<string, unknown>) => void;
}

export interface SweepReport {
  reenqueued: number;
  dlqExceptions: number;
  rechecked: number;
  applied: number;
  /** Provider answers refused by event ownership (each an `event_ownership_mismatch` exception). */
  ownershipRejected: number;
  /** Provider answers that contradict an applied status correction (each a `correction_contradicted` exception). */
  correctionContradicted: number;
  longPending: number;
  /** Answers in a state the provider's mapping does not know: the payout stays, a `provider_state_unknown` exception opens. */
  unknownStates: number;
  resubmitted: number;
  /** Payouts whose approval expired, canceled with a tenant-owned exception. */
  approvalsExpired: number;
  /** Approved reversals whose return reached the provider on this run, and sent ones it confirmed. */
  reversalsResent: number;
  reversalsConfirmed: number;
  /** Holds past their owner's SLA, each with its exception opened or updated. */
  holdsPastSla: number;
  /** Hold SLA exceptions resolved because their hold was released (or its payout moved on). */
  holdSlaResolved: number;
  statusCalls: number;
  errors: number;
}

const emptyReport = (): SweepReport => ({
  reenqueued: 0,
  dlqExceptions: 0,
  rechecked: 0,
  applied: 0,
  ownershipRejected: 0,
  correctionContradicted: 0,
  longPending: 0,
  unknownStates: 0,
  resubmitted: 0,
  approvalsExpired: 0,
  reversalsResent: 0,
  reversalsConfirmed: 0,
  holdsPastSla: 0,
  holdSlaResolved: 0,
  statusCalls: 0,
  errors: 0,
});

/** What every job of one run shares: its clock and the report it adds to. */
interface SweepRun {
  nowMs: number;
  nowIso: string;
  report: SweepReport;
}

export async function sweep(deps: SweepDeps): Promise<SweepReport> {
  const nowMs = deps.nowMs();
  const run: SweepRun = { nowMs, nowIso: new Date(nowMs).toISOString(), report: emptyReport() };
  // Each job is isolated: one failing (a provider down) must not stop the others.
  const job = async (name: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      run.report.errors++;
      deps.log?.('sweep job failed', { job: name, error: String(error) });
    }
  };
  await job('inbox', () => enqueueStranded(deps, run));
  for (const queue of QUEUE_NAMES) await job(`dlq:${queue}`, () => openDeadLetterExceptions(deps, run, queue));
  await job('rechecks', () => recheckMarked(deps, run));
  await job('stale', () => recheckQuiet(deps, run));
  const waiting = deps.waiting;
  if (waiting !== undefined) {
    await job('approvals', async () => {
      run.report.approvalsExpired += await expireApprovals(
        { exceptions: deps.exceptions, payouts: deps.payouts, waiting },
        run.nowIso,
      );
    });
    const reversals = deps.reversals;
    if (reversals !== undefined) await job('reversals', () => sweepOpenReversals(deps, run, waiting, reversals));
  }
  const holdQueue = deps.holdQueue;
  if (holdQueue !== undefined)
    await job('holds', async () => {
      const holdDeps: HoldSlaSweepDeps = {
        exceptions: deps.exceptions,
        payouts: deps.payouts,
        queue: holdQueue,
        ...(deps.holdSlaExceptions === undefined ? {} : { active: deps.holdSlaExceptions }),
      };
      // Resolve first: a hold released since the last run must not be counted again as past its SLA.
      run.report.holdSlaResolved += await resolveSettledHoldSlaExceptions(holdDeps, run.nowMs);
      run.report.holdsPastSla += await openHoldSlaExceptions(holdDeps, run.nowMs);
    });
  return run.report;
}

/** Inbox events stored but never enqueued (intake's enqueue failed): enqueue them now. */
async function enqueueStranded(deps: SweepDeps, { nowMs, nowIso, report }: SweepRun): Promise<void> {
  const stranded = await deps.inbox.listUnenqueued(
    new Date(nowMs - INBOX_ENQUEUE_GRACE_SECONDS * 1_000).toISOString(),
    SWEEP_INBOX_EVENTS_MAX,
  );
  for (const e of stranded) {
    await deps.webhookQueue.enqueue({
      provider: e.provider,
      provider_event_id: e.providerEventId,
      event_type: e.eventType,
      received_at: e.receivedAt,
    });
    await deps.inbox.markEnqueued(e.provider, e.providerEventId, nowIso);
    report.reenqueued++;
  }
}

/** One owned exception per dead letter, however often the sweeper sees it. */
async function openDeadLetterExceptions(
  deps: SweepDeps,
  { nowMs, nowIso, report }: SweepRun,
  queue: QueueName,
): Promise<void> {
  for (const message of await deps.dlq.peek(deps.dlqUrls[queue], SWEEP_DLQ_MESSAGES_MAX)) {
    const view = await describeDlqMessage(queue, message, deps.inbox, nowMs);
    // The evidence is the view without the payload (a reconciliation's keeps its date and run id).
    const { payload: _payload, ...evidence } = view;
    const error = {
      message: describeError(view.last_error) ?? `dead-lettered after ${message.receiveCount} receives`,
      code: view.error_category,
    };
    const occurrence = { evidence: evidence as Record<string, unknown>, error, seenAt: nowIso };
    await deps.exceptions.openOrUpdate({
      ...openException(deadLetterSubjectOf(view), occurrence),
      actor: SWEEP_ACTOR,
    });
    report.dlqExceptions++;
  }
}

/** Payouts a processor or an operator marked for a status check. */
async function recheckMarked(deps: SweepDeps, { nowIso, report }: SweepRun): Promise<void> {
  for (const marker of await deps.rechecks.list(SWEEP_RECHECKS_MAX)) {
    if (report.statusCalls >= SWEEP_STATUS_CALLS_MAX) break;
    const payout = await deps.payouts.getPayoutById(marker.payoutId);
    if (payout !== undefined) await recheck(deps, payout, nowIso, report);
    await deps.rechecks.clear(marker);
    report.rechecked++;
  }
}

/** Payouts quiet past their corridor's threshold: ask the provider; long-pending ones get an exception. */
async function recheckQuiet(deps: SweepDeps, { nowMs, nowIso, report }: SweepRun): Promise<void> {
  const quietBefore = new Date(nowMs - SWEEP_QUIET_SECONDS_MIN * 1_000).toISOString();
  for (const candidate of await deps.awaiting.quietSince(quietBefore)) {
    if (report.statusCalls >= SWEEP_STATUS_CALLS_MAX) break;
    // The index's copy picks candidates by corridor; the decision is taken on a consistent read
    // because the index lags the table (the payout may have moved since).
    if (sweepDecision(candidate, nowMs).kind === 'skip') continue;
    const payout = await deps.payouts.getPayoutById(candidate.payoutId);
    if (payout === undefined) continue;
    const decision = sweepDecision(
      {
        status: payout.status,
        country: payout.destination.country,
        currency: payout.currency,
        createdAt: payout.createdAt,
        lastEventAt: payout.lastEventAt,
      },
      nowMs,
    );
    if (decision.kind === 'skip') continue;
    const after = await recheck(deps, payout, nowIso, report);
    if (decision.longPending && after !== undefined && isAwaitingProvider(after.status)) {
      const evidence = {
        status: after.status,
        created_at: payout.createdAt,
        last_event_at: after.lastEventAt,
        provider: payout.provider,
        provider_reference: payout.providerReference,
      };
      await deps.exceptions.openOrUpdate({
        ...openException({ category: 'long_pending', payoutId: payout.payoutId }, { evidence, seenAt: nowIso }),
        actor: SWEEP_ACTOR,
      });
      report.longPending++;
    }
  }
}

/** Approved reversals to (re)send and sent ones to confirm, within the run's status-call budget. */
async function sweepOpenReversals(
  deps: SweepDeps,
  { nowMs, report }: SweepRun,
  waiting: NonNullable<SweepDeps['waiting']>,
  reversals: NonNullable<SweepDeps['reversals']>,
): Promise<void> {
  const spend = () => (report.statusCalls < SWEEP_STATUS_CALLS_MAX ? (report.statusCalls++, true) : false);
  const payouts: ReversalSweepDeps['payouts'] = {
    applyTransition: (cmd) => deps.payouts.applyTransition(cmd),
    getPayoutById: (payoutId) => deps.payouts.getPayoutById(payoutId),
    writeReversal: (write) => reversals.writeReversal(write),
  };
  const log = deps.log === undefined ? {} : { log: deps.log };
  const result = await sweepReversals(
    { exceptions: deps.exceptions, payouts, waiting, providers: deps.providers, ...log },
    nowMs,
    spend,
  );
  report.reversalsResent += result.resent;
  report.reversalsConfirmed += result.confirmed;
  report.ownershipRejected += result.ownershipRejected;
}

/** Asks the provider and applies a known answer as a `poller` event; returns the payout as it now stands. */
async function recheck(
  deps: SweepDeps,
  payout: Payout,
  nowIso: string,
  report: SweepReport,
): Promise<Payout | undefined> {
  const provider = deps.providers[payout.provider];
  if (provider === undefined) {
    deps.log?.('no provider port for payout', { payoutId: payout.payoutId, provider: payout.provider });
    return payout;
  }
  report.statusCalls++;
  const status = await provider.getStatus({
    payoutId: payout.payoutId,
    ...(payout.providerReference === undefined ? {} : { providerReference: payout.providerReference }),
  });
  if (status.kind === 'not_found') {
    // `submitted` and unknown to the provider: the submission was lost before it arrived. The
    // submitter sends our payout id as the provider's idempotency key, so a second try cannot pay twice.
    if (payout.status === 'submitted' && deps.resubmit !== undefined) {
      await deps.resubmit(payout.payoutId);
      report.resubmitted++;
    }
    return payout;
  }
  if (status.state.kind === 'unknown') {
    // Never guessed (issue 14): the payout stays where it is, and the provider's owner is asked.
    report.unknownStates++;
    await openUnknownProviderState(deps.exceptions, payout, provider.provider, status, nowIso);
    return payout;
  }
  return applyPolledStatus(deps, payout, provider, { ...status, state: status.state }, nowIso, report);
}

/** A provider's answer that maps to one of our lifecycle events. */
type KnownStatus = Extract<StatusResult, { kind: 'found' }> & {
  readonly state: Extract<MappedProviderState, { kind: 'known' }>;
};

/** The provider's known answer as a `poller` event, checked like a webhook; its outcome counted and owned. */
async function applyPolledStatus(
  deps: SweepDeps,
  payout: Payout,
  provider: ProviderPort,
  status: KnownStatus,
  nowIso: string,
  report: SweepReport,
): Promise<Payout | undefined> {
  const result = await deps.payouts.applyTransition({
    payoutId: payout.payoutId,
    event: status.state.event,
    source: 'poller',
    sourceRef: `poll:${payout.payoutId}:${nowIso}`,
    occurredAt: status.stateSince ?? nowIso,
    recordedAt: nowIso,
    actor: SWEEP_ACTOR,
    providerReference: status.providerReference,
    providerTransactionId: status.providerTransactionId,
    ...(status.feeMinor === undefined ? {} : { feeMinor: status.feeMinor }),
    ...(status.failureCode === undefined ? {} : { statusReason: status.failureCode }),
    // Checked like a webhook (event-ownership.ts): the answering port is the claimant (no unchecked moves).
    claim: {
      provider: provider.provider,
      ...(status.amountMinor === undefined ? {} : { amountMinor: status.amountMinor }),
      ...(status.currency === undefined ? {} : { currency: status.currency }),
    },
  });
  switch (result.kind) {
    case 'applied':
      report.applied++;
      await ownPolledApplied(deps, result, nowIso);
      return result.payout;
    case 'rejected_ownership':
      report.ownershipRejected++;
      await openOwnershipException(deps.exceptions, {
        provider: provider.provider,
        via: { kind: 'poll', providerReference: status.providerReference },
        payout: result.payout,
        mismatches: result.mismatches,
        claim: {
          source: 'poller',
          event: status.state.event,
          provider_state: status.state.providerState,
          claimed_provider_reference: status.providerReference,
          claimed_amount_minor: status.amountMinor ?? null,
          claimed_currency: status.currency ?? null,
        },
        nowIso,
      });
      return result.payout;
    case 'contradicted':
      report.correctionContradicted++;
      await openCorrectionContradiction(deps.exceptions, {
        provider: provider.provider,
        via: { kind: 'poll' },
        payout: result.payout,
        event: status.state.event,
        claim: {
          source: 'poller',
          provider_state: status.state.providerState,
          claimed_provider_reference: status.providerReference,
        },
        actor: SWEEP_ACTOR,
        nowIso,
      });
      return result.payout;
    case 'stale':
    case 'forbidden':
      return result.payout;
    case 'duplicate':
    case 'not_found':
      return payout;
    default:
      return assertNever(result, 'transition result');
  }
}

/** An applied poll closes the long_pending it answered; a batch item it failed joins its batch's group. */
async function ownPolledApplied(
  deps: SweepDeps,
  result: Extract<TransitionResult, { kind: 'applied' }>,
  nowIso: string,
): Promise<void> {
  if (result.payout.exceptionOwner !== undefined && !isAwaitingProvider(result.to))
    await resolveLongPending(deps.exceptions, result.payout.payoutId, 'poller', nowIso);
  // Like the webhook processor's: the provider's later webhook finds the payout failed (stale) and counts nothing.
  if (result.to === 'failed') await countFailedBatchItem(deps.batchFailures, result.payout, nowIso);
}

function describeError(error: unknown): string | undefined {
  return error !== null && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string'
    ? (error as { message: string }).message
    : undefined;
}
