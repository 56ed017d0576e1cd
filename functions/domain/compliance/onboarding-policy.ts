import { findCorridor, type CorridorMatrix } from '../corridors';
import type { RequirementCode } from './contract';
import type { OnboardingPolicy } from './onboarding';

/**
 * A recipient's policy is the union of its destinations' corridors: a recipient paid in two
 * corridors meets both. A destination whose corridor is not listed asks nothing here (create refuses
 * such a destination before it is stored).
 */
export function recipientPolicy(
  matrix: CorridorMatrix,
  destinations: readonly { country: string; currency: string; method: string }[],
): OnboardingPolicy {
  const onboarding = new Set<RequirementCode>();
  let taxFormRequired = false;
  for (const destination of destinations) {
    const corridor = findCorridor(matrix, destination.country, destination.currency, destination.method);
    const requirements = corridor?.requirements;
    if (requirements === undefined) continue;
    for (const code of requirements.onboarding) onboarding.add(code);
    if (requirements.tax_form === 'required') taxFormRequired = true;
  }
  return { onboarding: [...onboarding], taxFormRequired };
}
