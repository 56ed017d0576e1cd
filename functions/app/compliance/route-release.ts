import type { RecipientComplianceSource } from '../../domain/compliance/contract';
import {
  holdsView,
  releaseError,
  releaseRefusal,
  routeReleaseError,
  routeReleaseRefusal,
} from '../../domain/compliance/holds';
import { releasePayoutHold, type HoldsDeps, type ReleaseOutcome, type ReleaseRequest } from './release-hold';

export interface RouteReleaseDeps extends HoldsDeps {
  /** The recipient's compliance as it stands now (adapters/recipients/compliance-source.ts). */
  recipients: RecipientComplianceSource;
  /** The corridor keys a tenant is enabled for now (domain/compliance/tenant-enablements.ts). */
  enabledCorridors(tenantId: string): readonly string[];
}

/**
 * A release through POST …/holds/{holdId}/release (the tenant's or the operator's), in this order,
 * the first refusal answering and nothing written: the payout (another tenant's is not found), the
 * hold, the owner's scope (releaseRefusal), then what a route may not release
 * (routeReleaseRefusal: a screening hold is its case's to decide; a tax form or onboarding hold
 * needs the recipient's compliance, read again now, to no longer ask for it; a corridor enablement hold
 * needs the tenant enabled for the corridor). A hold already
 * released skips the re-check: the retry answers as the first release did.
 */
export async function releaseHoldByRoute(
  deps: RouteReleaseDeps,
  request: ReleaseRequest & { reason: string },
): Promise<ReleaseOutcome> {
  const payout = await deps.store.getPayoutById(request.payoutId);
  if (payout === undefined || (request.tenantId !== undefined && payout.tenantId !== request.tenantId))
    return { kind: 'payout_not_found' };
  const hold = holdsView(payout).find((h) => h.holdId === request.holdId);
  const refusal = releaseRefusal(hold, request.scopes);
  if (refusal !== undefined) throw releaseError(refusal, hold);
  if (hold!.releasedAt === undefined) {
    const needsRecipient = hold!.kind === 'tax_form' || hold!.kind === 'onboarding';
    const recipient =
      needsRecipient && payout.recipientId !== undefined
        ? await deps.recipients.get(payout.tenantId, payout.recipientId)
        : undefined;
    const routeRefusal = routeReleaseRefusal(hold!, recipient, deps.enabledCorridors(payout.tenantId));
    if (routeRefusal !== undefined) throw routeReleaseError(routeRefusal, hold!);
  }
  return releasePayoutHold(deps, request);
}
