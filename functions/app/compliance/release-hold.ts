import type { HoldChange, PlaceResult, ReleaseResult } from '../../adapters/payout-holds';
import type { Hold } from '../../domain/compliance/contract';
import { holdsView, isReadyForProvider, releaseError, releaseRefusal } from '../../domain/compliance/holds';
import type { Actor, Payout } from '../../domain/payout';

/** What the hold use cases need of the payouts store (PayoutsRepository; the simulation's in-memory store). */
export interface HoldsStore {
  getPayoutById(payoutId: string): Promise<Payout | undefined>;
  placeHold(change: HoldChange): Promise<PlaceResult>;
  releaseHold(change: HoldChange): Promise<ReleaseResult>;
}

export interface HoldsDeps {
  store: HoldsStore;
  /** Hands the payout to the submitter (its queue): when the last hold is released. */
  enqueue: (message: { payoutId: string }) => Promise<void>;
}

export interface ReleaseRequest {
  payoutId: string;
  holdId: string;
  /** The caller's tenant; undefined for an operator (compliance, ops), who sees across tenants. */
  tenantId: string | undefined;
  scopes: readonly string[];
  actor: Actor;
  requestId: string;
  at: string;
  /** The principal's reason (the release routes' body), kept in the audit record. */
  reason?: string;
}

export type ReleaseOutcome =
  | { kind: 'released' | 'already_released'; payout: Payout; hold: Hold; submitted: boolean }
  | { kind: 'payout_not_found' };

/**
 * Releases one hold by its owner's role (domain/compliance/holds.ts releaseRefusal: the wrong scope
 * is refused before anything is written), audited in the same write, idempotent (a second release
 * answers as the first). When no hold stays open and the payout is `submitted`, it is enqueued for
 * its provider; an `already_released` retry enqueues again (the submitter skips a duplicate), so a
 * crash between the release and the enqueue is healed by the caller's retry.
 */
export async function releasePayoutHold(deps: HoldsDeps, request: ReleaseRequest): Promise<ReleaseOutcome> {
  const payout = await deps.store.getPayoutById(request.payoutId);
  if (payout === undefined || (request.tenantId !== undefined && payout.tenantId !== request.tenantId))
    return { kind: 'payout_not_found' };
  const hold = holdsView(payout).find((h) => h.holdId === request.holdId);
  const refusal = releaseRefusal(hold, request.scopes);
  if (refusal !== undefined) throw releaseError(refusal, hold);
  const change: HoldChange = {
    payout,
    hold: hold!,
    source: request.tenantId === undefined ? 'operator' : 'api',
    sourceRef: request.requestId,
    actor: request.actor,
    at: request.at,
    ...(request.reason === undefined ? {} : { reason: request.reason }),
  };
  const result = await deps.store.releaseHold(change);
  if (result.kind === 'not_found') throw releaseError('hold_not_found', undefined);
  const after = (await deps.store.getPayoutById(request.payoutId)) ?? payout;
  const submitted = isReadyForProvider(after);
  if (submitted) await deps.enqueue({ payoutId: after.payoutId });
  return { kind: result.kind, payout: after, hold: after.holds?.[request.holdId] ?? hold!, submitted };
}
