import type { Hold, RecipientHoldSignals } from '../../domain/compliance/contract';
import { screeningMatchHold } from '../../domain/compliance/gates';
import type { PayoutListQuery, PayoutPage } from '../payouts-queries';
import type { Actor, Payout } from '../../domain/payout';
import type { HoldChange, PlaceResult, ReleaseResult } from '../payout-holds';

/**
 * RecipientHoldSignals (the compliance contract) over the payouts table: what screening calls when
 * a recipient's state changes after payouts exist.
 *
 * Finding the payouts: the tenant's before-submission payouts (`requires_approval`, `submitted`)
 * from the status index, filtered by recipientId. The index is eventually consistent, so a payout
 * created in the same instant may be missed here; it is not missed by the gates, because create
 * reads the recipient's screening snapshot itself (docs/compliance.md, "Holds", known limits).
 */
export interface HoldSignalsDeps {
  /** The tenant's payouts in one status that name the recipient, every page. */
  payoutsOfRecipient(tenantId: string, recipientId: string, status: Payout['status']): Promise<Payout[]>;
  placeHold(change: HoldChange): Promise<PlaceResult>;
  releaseHold(change: HoldChange): Promise<ReleaseResult>;
  getPayoutById(payoutId: string): Promise<Payout | undefined>;
  enqueue(message: { payoutId: string }): Promise<void>;
}

const SCREENING_ACTOR: Actor = { kind: 'system', id: 'screening' };
const BEFORE_SUBMISSION: readonly Payout['status'][] = ['requires_approval', 'submitted'];

export class PayoutHoldSignals implements RecipientHoldSignals {
  constructor(private readonly deps: HoldSignalsDeps) {}

  async screeningMatched(tenantId: string, recipientId: string, evidence: Hold['evidence'], at: string) {
    const hold = screeningMatchHold(evidence, at);
    for (const payout of await this.beforeSubmission(tenantId, recipientId)) {
      // not_holdable: it reached the submitter since the index was read; placed/already_held: held.
      await this.deps.placeHold({
        payout,
        hold,
        source: 'operator',
        sourceRef: `screening:${hold.holdId}`,
        actor: SCREENING_ACTOR,
        at,
      });
    }
  }

  async screeningCleared(tenantId: string, recipientId: string, caseId: string, by: string, at: string) {
    for (const payout of await this.beforeSubmission(tenantId, recipientId)) {
      const hold = Object.values(payout.holds ?? {}).find(
        // The case's hold, or the hold of a recipient not yet screened when the payout was created.
        (h) =>
          h.kind === 'screening' &&
          h.releasedAt === undefined &&
          (h.requirement === `screening_case:${caseId}` || h.requirement === 'screening'),
      );
      if (hold === undefined) continue;
      const actor: Actor = { kind: 'operator', id: by, role: 'compliance' };
      const result = await this.deps.releaseHold({
        payout,
        hold,
        source: 'operator',
        sourceRef: `screening:${caseId}`,
        actor,
        at,
      });
      if (result.kind !== 'released' || result.openHoldCount > 0) continue;
      const after = await this.deps.getPayoutById(payout.payoutId);
      if (after?.status === 'submitted') await this.deps.enqueue({ payoutId: payout.payoutId });
    }
  }

  private async beforeSubmission(tenantId: string, recipientId: string): Promise<Payout[]> {
    const pages = await Promise.all(
      BEFORE_SUBMISSION.map((status) => this.deps.payoutsOfRecipient(tenantId, recipientId, status)),
    );
    return pages.flat();
  }
}

/** Pages through the tenant's status index this many pages at most per status (a named bound, not a scan). */
export const RECIPIENT_PAYOUT_PAGES_MAX = 50;
const RECIPIENT_PAYOUT_PAGE_SIZE = 100;

/** HoldSignalsDeps.payoutsOfRecipient over the repository's list (gsi2: tenant + status). */
export function payoutsOfRecipientVia(list: (query: PayoutListQuery) => Promise<PayoutPage>) {
  return async (tenantId: string, recipientId: string, status: Payout['status']): Promise<Payout[]> => {
    const found: Payout[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < RECIPIENT_PAYOUT_PAGES_MAX; page++) {
      const result = await list({
        tenantId,
        status,
        limit: RECIPIENT_PAYOUT_PAGE_SIZE,
        ...(cursor === undefined ? {} : { cursor }),
      });
      found.push(...result.payouts.filter((p) => p.recipientId === recipientId));
      cursor = result.nextCursor;
      if (cursor === undefined) break;
    }
    return found;
  };
}
