import type { Recipient, RecipientDestination } from '../../domain/compliance/recipient-record';
import type { ScreeningSnapshot, TaxFormType } from '../../domain/compliance/contract';
import { maskDestination } from '../../domain/recipient';
import type { SealedSecrets } from './envelope';

/**
 * The RecipientsTable item layout (domain/compliance/contract.ts). Destinations are stored twice:
 * sealed (the one place their clear values can be recovered from, by a function granted the key) and
 * masked (what every view shows, read without a key). A tax id is stored only sealed, with its last four.
 */
export const RECIPIENT_SK = 'RECIPIENT';
export const recipientPk = (tenantId: string, recipientId: string): string =>
  `TENANT#${tenantId}#RECIPIENT#${recipientId}`;
/** gsi1: a tenant's recipients, newest first; gsi2: the same, by onboarding state. */
export const tenantListPk = (tenantId: string): string => `TENANT#${tenantId}#RECIPIENTS`;
export const onboardingListPk = (tenantId: string, state: string): string =>
  `TENANT#${tenantId}#RECIPIENTS#ONBOARDING#${state}`;
export const listSk = (createdAt: string, recipientId: string): string => `${createdAt}#${recipientId}`;

/** The encryption context of a recipient's secrets: binds each ciphertext to its tenant and record. */
export const secretsContext = (tenantId: string, recipientId: string): Record<string, string> => ({
  tenant_id: tenantId,
  recipient_id: recipientId,
});

export interface RecipientItem extends Omit<Recipient, 'destinations'> {
  pk: string;
  sk: typeof RECIPIENT_SK;
  gsi1pk: string;
  gsi1sk: string;
  gsi2pk: string;
  gsi2sk: string;
  maskedDestinations: RecipientDestination[];
  sealedDestinations: SealedSecrets;
  /**
   * Salted per-field hashes of the creating request (POST /recipients; app/payouts/field-hashes.ts): a
   * reused key with another body is refused naming the fields, with no account number kept in clear.
   */
  requestFieldHashes?: Record<string, string>;
  /** Owned by the screening adapters (contract.ts); absent until the first screening. */
  screening?: ScreeningSnapshot;
  screeningVersion?: number;
  /** The compliance operator who last decided its onboarding (RecipientsRepository.decideOnboarding). */
  onboardingDecidedBy?: string;
}

export interface TaxFormItem {
  pk: string;
  sk: string;
  tenantId: string;
  recipientId: string;
  version: number;
  formType: TaxFormType;
  signer: string;
  signedAt: string;
  capturedAt: string;
  expiresOn?: string;
  /** W-9: `SSN` | `EIN` | `ITIN`. */
  tinType?: string;
  tinLast4?: string;
  /** W-8: the country of citizenship or organization, the treaty claim. */
  country?: string;
  treatyClaim?: { country: string; article: string; rateBasisPoints: number };
  /** The TIN (W-9) or foreign TIN (W-8), sealed under the record's context. */
  sealedTin?: SealedSecrets;
  requestId: string;
}

export function maskedDestinations(destinations: readonly RecipientDestination[]): RecipientDestination[] {
  return destinations.map((destination) => ({ currency: destination.currency, ...maskDestination(destination) }));
}

export function toRecipientItem(
  recipient: Recipient,
  sealedDestinations: SealedSecrets,
  requestFieldHashes?: Record<string, string>,
): RecipientItem {
  const { destinations, ...rest } = recipient;
  const sk = listSk(recipient.createdAt, recipient.recipientId);
  return {
    ...rest,
    pk: recipientPk(recipient.tenantId, recipient.recipientId),
    sk: RECIPIENT_SK,
    gsi1pk: tenantListPk(recipient.tenantId),
    gsi1sk: sk,
    gsi2pk: onboardingListPk(recipient.tenantId, recipient.onboarding.state),
    gsi2sk: sk,
    maskedDestinations: maskedDestinations(destinations),
    sealedDestinations,
    ...(requestFieldHashes === undefined ? {} : { requestFieldHashes }),
  };
}
