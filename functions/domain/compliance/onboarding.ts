import { assertNever } from '../assert-never';
import { DomainError } from '../domain-error';
import {
  REQUIREMENT_CODES,
  type OnboardingState,
  type RecipientKind,
  type RequirementCode,
  type TaxFormState,
} from './contract';

/**
 * Onboarding: `pending_information → in_review → verified | rejected`. Requirements say what is
 * missing, per corridor policy; the state machine says who may move a recipient and where. Every
 * state × event cell is spelled out below (a table test walks them all).
 */

export const ONBOARDING_EVENTS = [
  /** The last requirement was met (the recipients use case, after a change). */
  'requirements_met',
  /** A requirement is missing again (a form expired, the corridor policy grew). */
  'requirements_missing',
  /** Compliance verified the recipient (POST /ops/recipients/{id}/onboarding, audited). */
  'verify',
  /** Compliance rejected the recipient: its payouts are refused for good. */
  'reject',
  /** Compliance sends a verified recipient back to review (new evidence). */
  'reopen',
] as const;
export type OnboardingEvent = (typeof ONBOARDING_EVENTS)[number];

export type OnboardingOutcome =
  | { kind: 'moved'; to: OnboardingState }
  /** Already there: a repeated request changes nothing and is answered as a success. */
  | { kind: 'unchanged' }
  | { kind: 'refused'; reason: string };

const moved = (to: OnboardingState): OnboardingOutcome => ({ kind: 'moved', to });
const UNCHANGED: OnboardingOutcome = { kind: 'unchanged' };
const refused = (reason: string): OnboardingOutcome => ({ kind: 'refused', reason });

/** Rejected is terminal: a rejected identity comes back only as a new recipient, reviewed afresh. */
const REJECTED_IS_FINAL = 'a rejected recipient stays rejected';

/** The one transition table. */
export function onboardingTransition(from: OnboardingState, event: OnboardingEvent): OnboardingOutcome {
  switch (from) {
    case 'pending_information':
      return fromPending(event);
    case 'in_review':
      return fromInReview(event);
    case 'verified':
      return fromVerified(event);
    case 'rejected':
      return fromRejected(event);
    default:
      return assertNever(from, 'onboarding state');
  }
}

function fromPending(event: OnboardingEvent): OnboardingOutcome {
  switch (event) {
    case 'requirements_met':
      return moved('in_review');
    case 'requirements_missing':
      return UNCHANGED;
    case 'verify':
      return refused('requirements are missing: nothing to verify yet');
    case 'reject':
      return moved('rejected');
    case 'reopen':
      return refused('only a verified recipient is reopened');
    default:
      return assertNever(event, 'onboarding event');
  }
}

function fromInReview(event: OnboardingEvent): OnboardingOutcome {
  switch (event) {
    case 'requirements_met':
      return UNCHANGED;
    case 'requirements_missing':
      return moved('pending_information');
    case 'verify':
      return moved('verified');
    case 'reject':
      return moved('rejected');
    case 'reopen':
      return UNCHANGED;
    default:
      return assertNever(event, 'onboarding event');
  }
}

function fromVerified(event: OnboardingEvent): OnboardingOutcome {
  switch (event) {
    case 'requirements_met':
    case 'verify':
      return UNCHANGED;
    // Verification was of the information then present: a lapse sends the recipient back to collect it.
    case 'requirements_missing':
      return moved('pending_information');
    case 'reject':
      return moved('rejected');
    case 'reopen':
      return moved('in_review');
    default:
      return assertNever(event, 'onboarding event');
  }
}

function fromRejected(event: OnboardingEvent): OnboardingOutcome {
  switch (event) {
    case 'reject':
      return UNCHANGED;
    case 'requirements_met':
    case 'requirements_missing':
    case 'verify':
    case 'reopen':
      return refused(REJECTED_IS_FINAL);
    default:
      return assertNever(event, 'onboarding event');
  }
}

export class OnboardingTransitionError extends DomainError {
  constructor(from: OnboardingState, event: OnboardingEvent, reason: string) {
    super('onboarding_transition_refused', 'terminal', `cannot ${event} a ${from} recipient: ${reason}`, {
      param: 'event',
    });
    this.name = 'OnboardingTransitionError';
  }
}

/** The corridor policy's part for onboarding (config/corridors.json `requirements`). */
export interface OnboardingPolicy {
  onboarding: readonly RequirementCode[];
  /** Whether a valid tax form is required before funds move. */
  taxFormRequired: boolean;
}

/** What the recipient record holds that requirements look at (no values, only presence). */
export interface RecipientFacts {
  kind: RecipientKind;
  hasDateOfBirth: boolean;
  hasRegistrationNumber: boolean;
  hasAddress: boolean;
  hasTaxId: boolean;
  taxForm: TaxFormState;
}

/**
 * What is missing, in REQUIREMENT_CODES order. `date_of_birth` applies to individuals and
 * `business_registration` to businesses only: a policy asking both asks each of its own kind.
 */
export function missingRequirements(policy: OnboardingPolicy, facts: RecipientFacts): RequirementCode[] {
  const asked = new Set<RequirementCode>(policy.onboarding);
  if (policy.taxFormRequired) asked.add('tax_form');
  const missing: RequirementCode[] = [];
  for (const code of asked) if (!isMet(code, facts)) missing.push(code);
  return missing.sort((a, b) => REQUIREMENT_CODES.indexOf(a) - REQUIREMENT_CODES.indexOf(b));
}

function isMet(code: RequirementCode, facts: RecipientFacts): boolean {
  switch (code) {
    case 'tax_form':
      return facts.taxForm === 'valid' || facts.taxForm === 'not_required';
    case 'date_of_birth':
      return facts.kind !== 'individual' || facts.hasDateOfBirth;
    case 'business_registration':
      return facts.kind !== 'business' || facts.hasRegistrationNumber;
    case 'address':
      return facts.hasAddress;
    case 'tax_id':
      return facts.hasTaxId;
    default:
      return assertNever(code, 'requirement code');
  }
}

/** The event a change of requirements means for the state machine. */
export const requirementsEvent = (missing: readonly RequirementCode[]): OnboardingEvent =>
  missing.length === 0 ? 'requirements_met' : 'requirements_missing';
