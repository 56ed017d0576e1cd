import { assertNever } from '../assert-never';
import { DomainError } from '../domain-error';
import type { Hold, HoldKind, HoldOwner, RecipientCompliance } from './contract';

/**
 * Holds (issue 15): every gate before funds move is a hold on the payout, with a kind, an owner, a
 * machine-readable requirement and its evidence. A payout reaches a provider only with none open
 * (docs/compliance.md, "Holds"). Pure: time is passed in.
 *
 * The approval of four eyes (approval.ts) is the `approval` hold: it is carried, as before, by the
 * `requires_approval` status and the payout's `approval`, and shown among the holds by `holdsView`;
 * every other kind is stored in the payout's `holds` map, keyed by holdId.
 */

/** Who owns each kind (the contract's kinds; `onboarding` depends on its state, see gates.ts). */
export const HOLD_KIND_OWNER: Readonly<Record<Exclude<HoldKind, 'onboarding'>, HoldOwner>> = {
  approval: 'approver',
  tax_form: 'tenant',
  screening: 'compliance',
  corridor_enablement: 'ops',
};

/**
 * The scope a principal must hold to release a hold of each owner (the access matrix). The tenant
 * owns a hold it can clear itself (a form it must collect): its backend releases it once the
 * requirement is met; ops enable a corridor; compliance decides screening and onboarding reviews.
 */
export function releaseScopeOf(owner: HoldOwner): string {
  switch (owner) {
    case 'approver':
      return 'payouts:approve';
    case 'compliance':
      return 'compliance:review';
    case 'ops':
      return 'ops:redrive';
    case 'tenant':
      return 'payouts:write';
    default:
      return assertNever(owner, 'hold owner');
  }
}

/** How long a hold may stay open before the sweeper opens an exception for its owner (its SLA). */
export const HOLD_SLA_SECONDS_BY_OWNER: Readonly<Record<HoldOwner, number>> = {
  approver: 72 * 3_600,
  compliance: 24 * 3_600,
  ops: 48 * 3_600,
  // The tenant collects a form from a person: a week, then ops look at the payout with the tenant.
  tenant: 7 * 24 * 3_600,
};

export function holdSlaDueAt(hold: Pick<Hold, 'owner' | 'openedAt'>): string {
  return new Date(Date.parse(hold.openedAt) + HOLD_SLA_SECONDS_BY_OWNER[hold.owner] * 1_000).toISOString();
}

/**
 * The one rule for handing a payout to its provider: `submitted` with no hold open. The create, the batch
 * fan-out, the last release and the submitter's re-read all ask it, so none can queue a held payout.
 */
export function isReadyForProvider(payout: { readonly status: string; readonly openHoldCount?: number }): boolean {
  return payout.status === 'submitted' && (payout.openHoldCount ?? 0) === 0;
}

export function isOpen(hold: Hold): boolean {
  return hold.releasedAt === undefined;
}

export function openHolds(holds: Readonly<Record<string, Hold>> | undefined): Hold[] {
  return Object.values(holds ?? {})
    .filter(isOpen)
    .sort((a, b) => (a.openedAt === b.openedAt ? a.holdId.localeCompare(b.holdId) : a.openedAt < b.openedAt ? -1 : 1));
}

/** Open holds past their SLA at `nowIso`: the sweeper opens one exception per payout for them. */
export function holdsPastSla(holds: Readonly<Record<string, Hold>> | undefined, nowIso: string): Hold[] {
  return openHolds(holds).filter((hold) => holdSlaDueAt(hold) <= nowIso);
}

/** Why a release is refused, in order of precedence; nothing is written for any of them. */
export type ReleaseRefusal = 'hold_not_found' | 'hold_owner_scope_required' | 'approval_hold_released_by_approve';

export class HoldError extends DomainError {
  constructor(
    code: ReleaseRefusal | RouteReleaseRefusal | 'payout_not_holdable',
    category: 'terminal' | 'human_action_required',
    message: string,
    options?: { param?: string },
  ) {
    super(code, category, message, options);
    this.name = 'HoldError';
  }
}

/**
 * May a caller with `scopes` release `hold`? Undefined: yes (a hold already released is an
 * idempotent success, decided by the store). The approval hold is released by the approve action
 * only (it carries four eyes: the approver may not be the creator).
 */
export function releaseRefusal(hold: Hold | undefined, scopes: readonly string[]): ReleaseRefusal | undefined {
  if (hold === undefined) return 'hold_not_found';
  if (hold.kind === 'approval') return 'approval_hold_released_by_approve';
  if (!scopes.includes(releaseScopeOf(hold.owner))) return 'hold_owner_scope_required';
  return undefined;
}

export function releaseError(refusal: ReleaseRefusal, hold: Hold | undefined): HoldError {
  switch (refusal) {
    case 'hold_not_found':
      return new HoldError('hold_not_found', 'terminal', 'no such hold on this payout', { param: 'holdId' });
    case 'hold_owner_scope_required':
      return new HoldError(
        'hold_owner_scope_required',
        'terminal',
        `only the hold's owner (${hold?.owner ?? 'unknown'}) may release it: scope ${
          hold === undefined ? 'unknown' : releaseScopeOf(hold.owner)
        } required`,
      );
    case 'approval_hold_released_by_approve':
      return new HoldError(
        'approval_hold_released_by_approve',
        'terminal',
        'the approval hold is released by POST /payouts/{payoutId}/approve (four eyes)',
        { param: 'holdId' },
      );
    default:
      return assertNever(refusal, 'release refusal');
  }
}

/**
 * What the release routes (POST …/holds/{holdId}/release) refuse beyond the owner's scope, nothing
 * written: a screening hold is decided by its case (POST /ops/screening/{caseId}/clear releases
 * it, with four eyes), never by a bare release; a tax form or onboarding hold only once the
 * recipient's compliance, read again now, no longer asks for it (a release is not a waiver).
 */
export type RouteReleaseRefusal = 'screening_hold_released_by_decision' | 'hold_requirement_unmet';

/**
 * `recipient`: the recipient's compliance as read now; undefined when the payout names none or it is gone.
 * `enabledCorridors`: the corridor keys the payout's tenant is enabled for now (config/tenant-enablements.json).
 */
export function routeReleaseRefusal(
  hold: Hold,
  recipient: Pick<RecipientCompliance, 'onboarding' | 'taxForm'> | undefined,
  enabledCorridors: readonly string[],
): RouteReleaseRefusal | undefined {
  switch (hold.kind) {
    case 'screening':
      return 'screening_hold_released_by_decision';
    case 'tax_form':
      return recipient === undefined || recipient.taxForm.state === 'missing' || recipient.taxForm.state === 'expired'
        ? 'hold_requirement_unmet'
        : undefined;
    case 'onboarding':
      return recipient?.onboarding.state === 'verified' ? undefined : 'hold_requirement_unmet';
    case 'corridor_enablement':
      // Released once the tenant's account is enabled for the corridor: a release is not an enablement.
      return enabledCorridors.includes(String(hold.evidence['corridor'] ?? '')) ? undefined : 'hold_requirement_unmet';
    case 'approval':
      return undefined;
    default:
      return assertNever(hold.kind, 'hold kind');
  }
}

export function routeReleaseError(refusal: RouteReleaseRefusal, hold: Hold): HoldError {
  switch (refusal) {
    case 'screening_hold_released_by_decision':
      return new HoldError(
        'screening_hold_released_by_decision',
        'human_action_required',
        `a screening hold is released by its case's decision: POST /ops/screening/{caseId}/clear (${hold.requirement})`,
        { param: 'holdId' },
      );
    case 'hold_requirement_unmet':
      return new HoldError(
        'hold_requirement_unmet',
        'human_action_required',
        hold.kind === 'corridor_enablement'
          ? `the tenant is not enabled for the corridor yet (${hold.requirement}): config/tenant-enablements.json lists enablements`
          : `the recipient's compliance still asks for ${hold.requirement}: meet it, then release`,
        { param: 'holdId' },
      );
    default:
      return assertNever(refusal, 'route release refusal');
  }
}

/**
 * Every hold of a payout as GET /payouts/{id} shows it: the approval (derived from the payout's
 * `approval`, open while it awaits an approver) first, then the stored holds, oldest first.
 */
export function holdsView(payout: {
  readonly status: string;
  readonly createdAt: string;
  readonly approval?: { readonly thresholdMinor: number | null; readonly decision?: { readonly at: string } };
  readonly holds?: Readonly<Record<string, Hold>>;
}): Hold[] {
  const stored = Object.values(payout.holds ?? {}).sort((a, b) =>
    a.openedAt === b.openedAt ? a.holdId.localeCompare(b.holdId) : a.openedAt < b.openedAt ? -1 : 1,
  );
  if (payout.approval === undefined) return stored;
  const approval: Hold = {
    holdId: 'approval',
    kind: 'approval',
    owner: 'approver',
    openedAt: payout.createdAt,
    requirement: 'approval',
    evidence: payout.approval.thresholdMinor === null ? {} : { threshold_minor: payout.approval.thresholdMinor },
    ...(payout.approval.decision === undefined ? {} : { releasedAt: payout.approval.decision.at }),
  };
  return [approval, ...stored];
}
