import type { RecipientCompliance, RecipientComplianceSource, TaxFormState } from '../../domain/compliance/contract';
import { missingRequirements, type RecipientFacts } from '../../domain/compliance/onboarding';
import { recipientPolicy } from '../../domain/compliance/onboarding-policy';
import { taxFormSnapshot } from '../../domain/compliance/tax-forms';
import type { CorridorMatrix } from '../../domain/corridors';
import type { RecipientItem } from './recipients-records';

/** What the source reads: one consistent GetItem of the record (RecipientsRepository.get). */
export interface RecipientReads {
  get(tenantId: string, recipientId: string): Promise<RecipientItem | undefined>;
}

/**
 * The contract's RecipientComplianceSource: the states the holds decide on, never a number or a tax
 * id. The tax form's state and the requirements are computed at read time against `today`, so a W-8
 * that expired overnight shows `expired` on the next payout without a job having to notice.
 */
export function recipientComplianceSource(
  reads: RecipientReads,
  corridors: CorridorMatrix,
  today: () => string,
): RecipientComplianceSource {
  return {
    get: async (tenantId, recipientId) => {
      const item = await reads.get(tenantId, recipientId);
      return item === undefined ? undefined : complianceOf(item, corridors, today());
    },
  };
}

export function complianceOf(item: RecipientItem, corridors: CorridorMatrix, today: string): RecipientCompliance {
  const policy = recipientPolicy(corridors, item.maskedDestinations);
  const taxForm = taxFormSnapshot(item.latestTaxForm, policy.taxFormRequired, today);
  const requirements = missingRequirements(policy, recipientFacts(item, taxForm.state));
  return {
    tenantId: item.tenantId,
    recipientId: item.recipientId,
    kind: item.kind,
    country: item.country,
    onboarding: { state: item.onboarding.state, requirements },
    taxForm,
    screening: item.screening ?? { state: 'unscreened' },
  };
}

/** What the requirements look at of a stored recipient: presence only, never a value. */
export function recipientFacts(
  item: Pick<RecipientItem, 'kind' | 'dateOfBirth' | 'registrationNumber' | 'address' | 'latestTaxForm'>,
  taxForm: TaxFormState,
): RecipientFacts {
  return {
    kind: item.kind,
    hasDateOfBirth: item.dateOfBirth !== undefined,
    hasRegistrationNumber: item.registrationNumber !== undefined,
    hasAddress: item.address !== undefined,
    hasTaxId: item.latestTaxForm?.tinLast4 !== undefined,
    taxForm,
  };
}
