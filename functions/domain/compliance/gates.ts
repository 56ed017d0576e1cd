import { assertNever } from '../assert-never';
import type { Corridor } from '../corridors';
import type { Hold, RecipientCompliance, TaxFormType } from './contract';
import { HOLD_KIND_OWNER, HoldError } from './holds';

/**
 * What a new payout must wait for (issue 15): the holds it is created with, or a refusal when no
 * release could ever let it move (a rejected onboarding, a confirmed screening match: 4xx, nothing
 * written). Pure; the caller reads the recipient's snapshot and the tenant's enablements.
 */
export interface GateInput {
  /** Undefined: the payout names no recipient record (an inline recipient). */
  recipient: RecipientCompliance | undefined;
  corridor: Pick<Corridor, 'country' | 'currency' | 'method' | 'state'>;
  /** Corridor keys (`US/USD/ach`) the tenant's provider account is enabled for. */
  tenantEnablements: readonly string[];
  approvalRequired: boolean;
  /** ISO 8601 UTC. */
  now: string;
}

export type GateRefusal = 'recipient_blocked' | 'recipient_rejected';

export type GateResult = { kind: 'holds'; holds: Hold[] } | { kind: 'refused'; refusal: GateRefusal };

export const corridorEnablementKey = (c: Pick<Corridor, 'country' | 'currency' | 'method'>): string =>
  `${c.country}/${c.currency}/${c.method}`;

/** The refusals in order of precedence: a confirmed match blocks for good, then a rejected onboarding. */
export function gateRefusal(recipient: RecipientCompliance | undefined): GateRefusal | undefined {
  if (recipient === undefined) return undefined;
  if (recipient.screening.state === 'confirmed_match') return 'recipient_blocked';
  if (recipient.onboarding.state === 'rejected') return 'recipient_rejected';
  return undefined;
}

export function gateRefusalError(refusal: GateRefusal): HoldError {
  switch (refusal) {
    case 'recipient_blocked':
      return new HoldError(
        'payout_not_holdable',
        'terminal',
        'the recipient is blocked by a confirmed screening match',
        {
          param: 'recipient_id',
        },
      );
    case 'recipient_rejected':
      return new HoldError('payout_not_holdable', 'terminal', "the recipient's onboarding was rejected", {
        param: 'recipient_id',
      });
    default:
      return assertNever(refusal, 'gate refusal');
  }
}

/** Holds come in a fixed order (approval, onboarding, tax form, screening, corridor), so a view is stable. */
export function gateHolds(input: GateInput): GateResult {
  const refusal = gateRefusal(input.recipient);
  if (refusal !== undefined) return { kind: 'refused', refusal };
  const { recipient, now } = input;
  const holds: Hold[] = [];
  if (input.approvalRequired) holds.push(hold('approval', 'approval', {}, now));
  if (recipient !== undefined) {
    const onboarding = onboardingHold(recipient, now);
    if (onboarding !== undefined) holds.push(onboarding);
    const taxForm = taxFormHold(recipient, now);
    if (taxForm !== undefined) holds.push(taxForm);
    const screening = screeningHold(recipient, now);
    if (screening !== undefined) holds.push(screening);
  }
  const key = corridorEnablementKey(input.corridor);
  if (input.corridor.state === 'policy_gated' && !input.tenantEnablements.includes(key))
    holds.push(hold('corridor_enablement', `corridor_enablement:${key}`, { corridor: key }, now));
  return { kind: 'holds', holds };
}

function hold(kind: Exclude<Hold['kind'], 'onboarding'>, requirement: string, evidence: Hold['evidence'], now: string) {
  return { holdId: kind, kind, owner: HOLD_KIND_OWNER[kind], openedAt: now, requirement, evidence } satisfies Hold;
}

/** Information missing is the tenant's to collect; a review in progress is compliance's to finish. */
function onboardingHold(recipient: RecipientCompliance, now: string): Hold | undefined {
  const { state, requirements } = recipient.onboarding;
  switch (state) {
    case 'verified':
    case 'rejected':
      return undefined;
    case 'pending_information':
    case 'in_review':
      return {
        holdId: 'onboarding',
        kind: 'onboarding',
        owner: state === 'pending_information' ? 'tenant' : 'compliance',
        openedAt: now,
        requirement: requirements.length === 0 ? 'onboarding:verified' : `onboarding:${requirements.join(',')}`,
        evidence: { onboarding_state: state, recipient_id: recipient.recipientId },
      };
    default:
      return assertNever(state, 'onboarding state');
  }
}

/** The form the IRS asks of this recipient: a W-9 of a US person, a W-8BEN(-E) of a foreign one. */
export function taxFormTypeFor(recipient: Pick<RecipientCompliance, 'country' | 'kind'>): TaxFormType {
  if (recipient.country === 'US') return 'W-9';
  return recipient.kind === 'business' ? 'W-8BEN-E' : 'W-8BEN';
}

function taxFormHold(recipient: RecipientCompliance, now: string): Hold | undefined {
  const { taxForm } = recipient;
  switch (taxForm.state) {
    case 'valid':
    case 'not_required':
      return undefined;
    case 'missing':
    case 'expired': {
      const formType = taxForm.formType ?? taxFormTypeFor(recipient);
      const evidence: Hold['evidence'] = { tax_form_state: taxForm.state, form_type: formType };
      if (taxForm.expiresOn !== undefined) evidence.expired_on = taxForm.expiresOn;
      return hold('tax_form', `tax_form:${formType}`, evidence, now);
    }
    default:
      return assertNever(taxForm.state, 'tax form state');
  }
}

function screeningHold(recipient: RecipientCompliance, now: string): Hold | undefined {
  const { screening } = recipient;
  switch (screening.state) {
    case 'clear':
    case 'confirmed_match':
      return undefined;
    case 'unscreened':
      return hold('screening', 'screening', { screening_state: 'unscreened' }, now);
    case 'potential_match':
      return screeningMatchHold(
        {
          screening_state: 'potential_match',
          ...(screening.caseId === undefined ? {} : { case_id: screening.caseId }),
          ...(screening.score === undefined ? {} : { score: screening.score }),
          ...(screening.listVersion === undefined ? {} : { list_version: screening.listVersion }),
        },
        now,
      );
    default:
      return assertNever(screening.state, 'screening state');
  }
}

/** The hold a potential match places (at create, or later through RecipientHoldSignals.screeningMatched). */
export function screeningMatchHold(evidence: Hold['evidence'], now: string): Hold {
  const caseId = typeof evidence.case_id === 'string' ? evidence.case_id : undefined;
  return {
    ...hold('screening', caseId === undefined ? 'screening' : `screening_case:${caseId}`, evidence, now),
    holdId: caseId === undefined ? 'screening' : `screening-${caseId}`,
  };
}
