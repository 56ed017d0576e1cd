import type { OnboardingState, RequirementCode } from './contract';
import {
  missingRequirements,
  onboardingTransition,
  requirementsEvent,
  type OnboardingPolicy,
  type RecipientFacts,
} from './onboarding';

/**
 * Where a recipient's onboarding starts and where a change of its facts (a tax form captured) moves it.
 * Pure: the policy is the union of its destinations' corridors (onboarding-policy.ts), the facts are
 * presence only. The state machine is onboarding.ts's; this only says which event a change means.
 */
export interface OnboardingStatus {
  state: OnboardingState;
  requirements: RequirementCode[];
}

/** True when the corridors ask nothing at all of the recipient: there is nothing for compliance to review. */
const asksNothing = (policy: OnboardingPolicy): boolean => policy.onboarding.length === 0 && !policy.taxFormRequired;

/**
 * A new recipient: `pending_information` with what is missing; `in_review` when the policy asks something
 * and the create already carried all of it (compliance verifies what was given); `verified` when the
 * policy asks nothing (no corridor of its destinations names a requirement, so no review is owed).
 */
export function initialOnboarding(policy: OnboardingPolicy, facts: RecipientFacts): OnboardingStatus {
  const requirements = missingRequirements(policy, facts);
  if (requirements.length > 0) return { state: 'pending_information', requirements };
  return { state: asksNothing(policy) ? 'verified' : 'in_review', requirements };
}

/**
 * After a change of facts: the requirements are computed again and the state machine is asked for the
 * event they mean (`requirements_met` / `requirements_missing`). A refusal (a rejected recipient) and an
 * `unchanged` keep the state; the requirements are always the fresh ones.
 */
export function onboardingAfterChange(
  current: OnboardingState,
  policy: OnboardingPolicy,
  facts: RecipientFacts,
): OnboardingStatus {
  const requirements = missingRequirements(policy, facts);
  const outcome = onboardingTransition(current, requirementsEvent(requirements));
  return { state: outcome.kind === 'moved' ? outcome.to : current, requirements };
}
