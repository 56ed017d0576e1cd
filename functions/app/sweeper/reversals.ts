import type { ExceptionsStore } from '../../adapters/exceptions-repository';
import type { PayoutActionsStore } from '../actions/payout-action-deps';
import { sendReturn } from '../actions/reversals';
import type { Payout } from '../../domain/payout';
import type { ProviderPort } from '../../domain/provider-port';
import { isReversalInFlight } from '../../domain/reversal';
import { openOwnershipException } from '../webhooks/ownership-exception';

/**
 * The sweeper's reversal job (issue 10): reversals approved or sent with no news for
 * REVERSAL_QUIET_SECONDS, from the REVERSAL partition of gsi3 (never a Scan).
 * - approved, not sent (the provider did not answer the approver's call): the return is asked
 *   again, our reversal id its idempotency key, so a repeat never returns the money twice;
 * - sent, not confirmed (the webhook was lost or is late): the provider is asked for the payout's
 *   state; only a `returned` answer is applied, as a `poller` provider_reversed carrying the
 *   provider's claim (event ownership), which moves paid → reversed and books settled → available.
 *   Any other answer changes nothing (the payout stays paid, the return pending).
 */
export const REVERSAL_QUIET_SECONDS = 10 * 60;
export const SWEEP_REVERSALS_MAX = 25;

export interface ReversalSweepDeps {
  exceptions: ExceptionsStore;
  payouts: Pick<PayoutActionsStore, 'applyTransition' | 'writeReversal'> & {
    getPayoutById(payoutId: string): Promise<Payout | undefined>;
  };
  waiting: { reversalsQuietSince(quietBeforeIso: string, limit: number): Promise<string[]> };
  providers: Readonly<Record<string, ProviderPort>>;
  log?: (message: string, detail: Record<string, unknown>) => void;
}

export interface ReversalSweepReport {
  resent: number;
  confirmed: number;
  ownershipRejected: number;
}

/** `spendStatusCall` answers false once the run's provider-call budget is spent. */
export async function sweepReversals(
  deps: ReversalSweepDeps,
  nowMs: number,
  spendStatusCall: () => boolean,
): Promise<ReversalSweepReport> {
  const report: ReversalSweepReport = { resent: 0, confirmed: 0, ownershipRejected: 0 };
  const nowIso = new Date(nowMs).toISOString();
  const quietBefore = new Date(nowMs - REVERSAL_QUIET_SECONDS * 1_000).toISOString();
  const actor = { kind: 'system' as const, id: 'sweep' };
  const sourceRef = `sweep:${nowIso}`;
  for (const payoutId of await deps.waiting.reversalsQuietSince(quietBefore, SWEEP_REVERSALS_MAX)) {
    const payout = await deps.payouts.getPayoutById(payoutId);
    if (
      payout === undefined ||
      !isReversalInFlight(payout.status, payout.reversal) ||
      payout.reversal!.updatedAt >= quietBefore
    )
      continue;
    const provider = deps.providers[payout.provider];
    if (provider === undefined || payout.providerReference === undefined || !spendStatusCall()) continue;
    if (payout.reversal!.status === 'approved') {
      const after = await sendReturn({ ...deps, now: () => new Date(nowMs) }, payout, {
        source: 'sweeper',
        actor,
        sourceRef,
      });
      if (after.reversal?.status !== 'approved') report.resent++;
      continue;
    }
    const status = await provider.getStatus({ payoutId, providerReference: payout.providerReference });
    if (status.kind !== 'found' || status.state.kind !== 'known' || status.state.event !== 'provider_reversed')
      continue;
    const result = await deps.payouts.applyTransition({
      payoutId,
      event: 'provider_reversed',
      source: 'poller',
      sourceRef: `poll:${payoutId}:${nowIso}`,
      occurredAt: status.stateSince ?? nowIso,
      recordedAt: nowIso,
      actor,
      providerReference: status.providerReference,
      ...(status.failureCode === undefined ? {} : { statusReason: status.failureCode }),
      claim: {
        provider: provider.provider,
        ...(status.amountMinor === undefined ? {} : { amountMinor: status.amountMinor }),
        ...(status.currency === undefined ? {} : { currency: status.currency }),
      },
    });
    if (result.kind === 'applied') report.confirmed++;
    if (result.kind === 'rejected_ownership') {
      report.ownershipRejected++;
      await openOwnershipException(deps.exceptions, {
        provider: provider.provider,
        via: { kind: 'poll', providerReference: status.providerReference },
        payout: result.payout,
        mismatches: result.mismatches,
        claim: {
          source: 'poller',
          event: 'provider_reversed',
          provider_state: status.state.providerState,
          claimed_provider_reference: status.providerReference,
        },
        nowIso,
      });
    }
  }
  return report;
}
