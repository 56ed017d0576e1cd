import {
  decideReversal,
  reversalDecisionRefusal,
  reversalRequestRefusal,
  type PayoutReversal,
} from '../../domain/reversal';
import type { Actor, Payout } from '../../domain/payout';
import { isProviderError } from '../../domain/provider-errors';
import type { TransitionSource } from '../../domain/lifecycle';
import { payoutView } from '../../http/payout-view';
import { payoutChanged, reversalDecisionRefused, reversalRequestRefused } from './action-errors';
import { tenantPayout } from './approvals';
import type { ActionAnswer, ActionRunContext } from './idempotent-action';
import { actorOf, principalOf, type ActionCall, type PayoutActionsDeps } from './payout-action-deps';

/**
 * Reversals of paid payouts (domain/reversal.ts). Three calls, two authorities:
 * - POST /payouts/{payoutId}/reversals (payouts:reverse, the tenant backend) opens a request on a
 *   paid payout with a reason: 201. Refused: 404, 409 payout_not_paid, 409 reversal_already_open;
 * - POST …/reversals/{reversalId}/approve (payouts:approve) by another principal: the approval is
 *   committed (with its lock, timeline record and audit record), then the return is asked of the
 *   provider, our reversal id its idempotency key. Accepted → `sent`; refused → `refused`, with the
 *   provider's reason; no answer → stays `approved`, and the sweeper asks again. The money moves
 *   only when the provider confirms the return (webhook or poll): `paid → reversed`, settled → available;
 * - POST …/reversals/{reversalId}/reject (payouts:approve) with a reason.
 * Decision refusals, in order: 404 (payout or reversal), 409 invalid_transition (decided already),
 * 403 self_approval_forbidden (the requester), 409 payout_not_paid.
 */

export async function requestReversal(
  deps: PayoutActionsDeps,
  call: ActionCall,
  context: ActionRunContext,
): Promise<ActionAnswer> {
  const payout = await tenantPayout(deps, call);
  const refusal = reversalRequestRefusal(payout);
  if (refusal !== undefined) throw reversalRequestRefused(refusal, payout.status);
  const nowIso = deps.now().toISOString();
  const reason = call.body.reason ?? '';
  const next: PayoutReversal = {
    reversalId: deps.newReversalId(),
    status: 'requested',
    reason,
    requestedBy: principalOf(call.caller),
    requestedAt: nowIso,
    updatedAt: nowIso,
  };
  const written = await deps.payouts.writeReversal({
    payout,
    expected: payout.reversal,
    next,
    record: 'reversal_requested',
    ...callerWrite(call, nowIso),
    auditDetails: { reason },
    lock: context.lock,
  });
  if (written.kind === 'conflict') throw await refusedAfterConflict(() => reversalRequestRefusalOf(deps, call));
  return { statusCode: 201, body: payoutView(written.payout) };
}

export async function decideReversalRequest(
  deps: PayoutActionsDeps,
  call: ActionCall,
  context: ActionRunContext,
  event: 'approve' | 'reject',
): Promise<ActionAnswer> {
  const payout = await tenantPayout(deps, call);
  const reversalId = call.reversalId ?? '';
  const refusal = reversalDecisionRefusal(payout, reversalId, event, principalOf(call.caller));
  if (refusal !== undefined) throw reversalDecisionRefused(refusal, payout.status);
  const current = payout.reversal!;
  const decision = decideReversal(current.status, event);
  if (decision.kind !== 'transition') throw reversalDecisionRefused('invalid_transition', payout.status);
  const nowIso = deps.now().toISOString();
  const { note, reason } = call.body;
  const next: PayoutReversal = {
    ...current,
    status: decision.to,
    decidedBy: principalOf(call.caller),
    decidedAt: nowIso,
    updatedAt: nowIso,
    ...(note === undefined ? {} : { note }),
    ...(event === 'reject' && reason !== undefined ? { rejectionReason: reason } : {}),
  };
  const written = await deps.payouts.writeReversal({
    payout,
    expected: current,
    next,
    record: event === 'approve' ? 'reversal_approved' : 'reversal_rejected',
    ...callerWrite(call, nowIso),
    auditDetails: { ...(note === undefined ? {} : { note }), ...(reason === undefined ? {} : { reason }) },
    lock: context.lock,
  });
  if (written.kind === 'conflict') {
    throw await refusedAfterConflict(async () => {
      const now = await tenantPayout(deps, call);
      const again = reversalDecisionRefusal(now, reversalId, event, principalOf(call.caller));
      return again === undefined ? undefined : reversalDecisionRefused(again, now.status);
    });
  }
  const final =
    event === 'approve'
      ? await sendReturn(deps, written.payout, {
          source: 'api',
          actor: actorOf(call.caller),
          sourceRef: call.requestId,
        })
      : written.payout;
  return { statusCode: 200, body: payoutView(final) };
}

/** The approval this key already applied: re-send the return if it never reached the provider. */
export async function replayReversalApproval(deps: PayoutActionsDeps, call: ActionCall): Promise<ActionAnswer> {
  let payout = await tenantPayout(deps, call);
  if (payout.reversal?.reversalId === call.reversalId && payout.reversal?.status === 'approved') {
    payout = await sendReturn(deps, payout, { source: 'api', actor: actorOf(call.caller), sourceRef: call.requestId });
  }
  return { statusCode: 200, body: payoutView(payout) };
}

export interface SendContext {
  source: TransitionSource;
  actor: Actor;
  sourceRef: string;
}

/**
 * Asks the provider to return an approved reversal's payout and records its answer. A provider
 * that does not answer leaves the reversal approved (logged); the sweeper re-sends it — the
 * reversal id is the provider's idempotency key, so a repeat never returns the money twice.
 * Shared with the sweeper (app/sweeper/reversals.ts).
 */
export async function sendReturn(
  deps: { payouts: Pick<PayoutActionsDeps['payouts'], 'writeReversal'> } & Pick<
    PayoutActionsDeps,
    'providers' | 'now' | 'log'
  >,
  payout: Payout,
  context: SendContext,
): Promise<Payout> {
  const reversal = payout.reversal;
  if (reversal === undefined || reversal.status !== 'approved' || payout.providerReference === undefined) return payout;
  const provider = deps.providers[payout.provider];
  let answer;
  try {
    answer =
      provider === undefined
        ? ({ kind: 'unsupported' } as const)
        : await provider.requestReturn({
            payoutId: payout.payoutId,
            providerReference: payout.providerReference,
            reversalId: reversal.reversalId,
            amountMinor: payout.amountMinor,
            currency: payout.currency,
          });
  } catch (error) {
    if (!isProviderError(error)) throw error;
    deps.log?.('return not sent; the sweeper retries', {
      payoutId: payout.payoutId,
      reversalId: reversal.reversalId,
      error: String(error),
    });
    return payout;
  }
  const nowIso = deps.now().toISOString();
  const event = answer.kind === 'accepted' ? 'provider_accepted' : 'provider_refused';
  const decision = decideReversal(reversal.status, event);
  if (decision.kind !== 'transition') return payout;
  const next: PayoutReversal =
    answer.kind === 'accepted'
      ? { ...reversal, status: decision.to, sentAt: nowIso, updatedAt: nowIso }
      : {
          ...reversal,
          status: decision.to,
          updatedAt: nowIso,
          refusal:
            answer.kind === 'refused'
              ? { code: answer.reasonCode, message: answer.reason }
              : { code: 'unsupported', message: `the provider ${payout.provider} does not return payouts` },
        };
  const written = await deps.payouts.writeReversal({
    payout,
    expected: reversal,
    next,
    record: answer.kind === 'accepted' ? 'reversal_sent' : 'reversal_refused',
    source: context.source,
    actor: context.actor,
    sourceRef: context.sourceRef,
    at: nowIso,
    addRequestId: context.source === 'api',
    ...(next.refusal === undefined ? {} : { auditDetails: { refusal: next.refusal } }),
  });
  // Someone else recorded the answer first (the sweeper, a retry): theirs stands.
  return written.kind === 'written' ? written.payout : payout;
}

function callerWrite(call: ActionCall, nowIso: string) {
  return {
    source: 'api' as const,
    actor: actorOf(call.caller),
    sourceRef: call.requestId,
    at: nowIso,
    addRequestId: true,
  };
}

async function reversalRequestRefusalOf(deps: PayoutActionsDeps, call: ActionCall) {
  const now = await tenantPayout(deps, call);
  const again = reversalRequestRefusal(now);
  return again === undefined ? undefined : reversalRequestRefused(again, now.status);
}

/** A conditional write lost a race: answer what the payout says now, or "changed, retry". */
async function refusedAfterConflict(refusalNow: () => Promise<Error | undefined>): Promise<Error> {
  return (await refusalNow()) ?? payoutChanged();
}
