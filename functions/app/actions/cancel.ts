import { assertNever } from '../../domain/assert-never';
import { cancelPathOf } from '../../domain/cancellation';
import type { Payout, TransitionResult } from '../../domain/payout';
import { isProviderError } from '../../domain/provider-errors';
import { notFound } from '../../http/api-error';
import { payoutView } from '../../http/payout-view';
import { cancelTooLate, invalidTransition, providerUnavailable } from './action-errors';
import { tenantPayout } from './approvals';
import type { ActionAnswer, ActionRunContext } from './idempotent-action';
import { actorOf, type ActionCall, type PayoutActionsDeps } from './payout-action-deps';

/**
 * POST /payouts/{payoutId}/cancel (payouts:write), by the payout's status (domain/cancellation.ts):
 * - no provider accepted it yet (requires_approval, submitted): `cancel_requested` → canceled, with
 *   in_transit released in the same transaction (nothing to release while awaiting approval). A
 *   submission already in flight is the submitter's to stop: it asks the provider to cancel what it
 *   finds canceled here (app/submission/submit-one.ts);
 * - the provider holds it (accepted, pending): the provider is asked to cancel; its confirmation is
 *   applied as `provider_canceled` by the tenant (source api), checked for ownership like any
 *   provider word, releasing in_transit. The provider's own webhook may land first: then the
 *   tenant's confirmation is recorded as stale, with its lock and audit record, and the answer is
 *   the canceled payout all the same;
 * - paid, or the provider says it is too late or cannot cancel: 409 cancel_too_late
 *   (human_action_required); already final: 409 invalid_transition.
 */

/** Re-decide at most this often when the payout moved between our read and our write (submitted → accepted). */
const CANCEL_ATTEMPTS_MAX = 2;
const CANCELED_BY_TENANT = 'canceled_by_tenant';

export async function cancelPayout(
  deps: PayoutActionsDeps,
  call: ActionCall,
  context: ActionRunContext,
): Promise<ActionAnswer> {
  let payout = await tenantPayout(deps, call);
  for (let attempt = 1; attempt <= CANCEL_ATTEMPTS_MAX; attempt++) {
    const path = cancelPathOf(payout.status);
    switch (path) {
      case 'final':
        throw invalidTransition('canceled', payout.status);
      case 'too_late':
        throw cancelTooLate(`it is ${payout.status}`);
      case 'ask_provider':
        return cancelAtProvider(deps, call, context, payout);
      case 'local': {
        const nowIso = deps.now().toISOString();
        const result = await deps.payouts.applyTransition(
          { ...commandBase(call, nowIso), event: 'cancel_requested' },
          { actionKey: context.lock, recordUnapplied: false, ...auditOf(call) },
        );
        if (result.kind === 'applied') return { statusCode: 200, body: payoutView(result.payout) };
        if (result.kind === 'not_found') throw notFound('payout');
        if (result.kind !== 'stale' && result.kind !== 'forbidden') throw unexpected(result);
        // The submitter's answer landed between our read and our write: decide again on what it is now.
        payout = result.payout;
        break;
      }
      default:
        return assertNever(path, 'cancel path');
    }
  }
  throw invalidTransition('canceled', payout.status);
}

/** The cancel this key already applied: the payout as it is now if it is canceled; otherwise too late. */
export async function replayCancel(deps: PayoutActionsDeps, call: ActionCall): Promise<ActionAnswer> {
  const payout = await tenantPayout(deps, call);
  if (payout.status !== 'canceled')
    throw cancelTooLate(`this key's cancel was recorded, but the payout is ${payout.status}`);
  return { statusCode: 200, body: payoutView(payout) };
}

async function cancelAtProvider(
  deps: PayoutActionsDeps,
  call: ActionCall,
  context: ActionRunContext,
  payout: Payout,
): Promise<ActionAnswer> {
  const provider = deps.providers[payout.provider];
  if (provider === undefined || payout.providerReference === undefined)
    throw cancelTooLate(`the provider ${payout.provider} cannot be asked`);
  let answer;
  try {
    answer = await provider.cancel({ payoutId: payout.payoutId, providerReference: payout.providerReference });
  } catch (error) {
    if (isProviderError(error)) throw providerUnavailable(payout.provider, error);
    throw error;
  }
  switch (answer.kind) {
    case 'too_late':
      throw cancelTooLate(`the provider reports it ${answer.providerState}`);
    case 'unsupported':
      throw cancelTooLate(`the provider ${payout.provider} does not cancel accepted payouts`);
    case 'not_found':
      // We hold its reference, the provider says it holds nothing: not a state a tenant can act on.
      throw new Error(
        `provider ${payout.provider} does not know ${payout.providerReference} of payout ${payout.payoutId}`,
      );
    case 'canceled':
      break;
    default:
      return assertNever(answer, 'cancel result');
  }
  const nowIso = deps.now().toISOString();
  const result = await deps.payouts.applyTransition(
    {
      ...commandBase(call, nowIso),
      event: 'provider_canceled',
      providerReference: answer.providerReference,
      // The provider's answer to our own call, checked all the same: it moves money back to available.
      claim: {
        provider: provider.provider,
        ...(answer.amountMinor === undefined ? {} : { amountMinor: answer.amountMinor }),
        ...(answer.currency === undefined ? {} : { currency: answer.currency }),
      },
    },
    { actionKey: context.lock, ...auditOf(call) },
  );
  switch (result.kind) {
    case 'applied':
      return { statusCode: 200, body: payoutView(result.payout) };
    case 'stale':
      // Stale only where the payout is canceled already: the provider's webhook came first.
      return { statusCode: 200, body: payoutView(result.payout) };
    case 'forbidden':
      throw cancelTooLate(`the provider canceled it, but the payout is ${result.payout.status} here; ops must look`);
    case 'not_found':
      throw notFound('payout');
    case 'rejected_ownership':
      throw new Error(
        `the cancel answer of ${provider.provider} is not about payout ${payout.payoutId}: ${result.mismatches.map((m) => m.check).join(', ')}`,
      );
    case 'duplicate':
      throw unexpected(result);
    default:
      return assertNever(result, 'transition result');
  }
}

function commandBase(call: ActionCall, nowIso: string) {
  const reason = call.body.reason;
  return {
    payoutId: call.payoutId,
    source: 'api' as const,
    sourceRef: call.requestId,
    occurredAt: nowIso,
    recordedAt: nowIso,
    actor: actorOf(call.caller),
    statusReason: reason === undefined ? CANCELED_BY_TENANT : `${CANCELED_BY_TENANT}: ${reason}`,
  };
}

const auditOf = (call: ActionCall) =>
  call.body.reason === undefined ? {} : { auditDetails: { reason: call.body.reason } };

const unexpected = (result: TransitionResult) =>
  new Error(`cancel transition answered ${result.kind}, which it cannot`);
