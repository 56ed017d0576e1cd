import { complianceOf } from '../../adapters/recipients/compliance-source';
import type { CreateRecipientResult } from '../../adapters/recipients/recipients-repository';
import type { RecipientItem } from '../../adapters/recipients/recipients-records';
import { screenableOf } from '../recipients/screenable-recipient';
import type { ScreenableRecipient } from '../../adapters/screening/screening-cases-repository';
import type { RecipientCompliance, ScreeningSnapshot } from '../../domain/compliance/contract';
import { missingRequirements } from '../../domain/compliance/onboarding';
import { recipientPolicy } from '../../domain/compliance/onboarding-policy';
import { inlineRecipientId, isRecipientId, type Recipient } from '../../domain/compliance/recipient-record';
import type { CorridorMatrix } from '../../domain/corridors';
import type { Destination } from '../../domain/recipient';
import { ApiError } from '../../http/api-error';

/** The recipient record a new payout pays: what the payout shows of it, and what its gates decide on. */
export interface PayoutRecipient {
  recipientId: string;
  name: string;
  email?: string;
  compliance: RecipientCompliance;
}

/**
 * What the create path does in RecipientsTable (RecipientsRepository): one consistent GetItem, and a
 * put-if-absent of the record behind an inline recipient the first time it is paid.
 */
export interface PayoutRecipientStore {
  get(tenantId: string, recipientId: string): Promise<RecipientItem | undefined>;
  create(recipient: Recipient): Promise<CreateRecipientResult>;
}

/** Who an inline payout pays, as the request sent it (the destination canonical and unmasked). */
export interface InlinePayee {
  name: string;
  email?: string;
  destination: Destination;
  currency: string;
}

export interface PayoutRecipients {
  /** The tenant's record by id; a malformed id, an unknown one and another tenant's one are the same 404. */
  named(tenantId: string, recipientId: string): Promise<PayoutRecipient>;
  /** The record behind an inline recipient: found, or made and screened (a retry or a later payout finds it). */
  inline(tenantId: string, payee: InlinePayee, now: string): Promise<PayoutRecipient>;
}

export interface PayoutRecipientsDependencies {
  store: PayoutRecipientStore;
  corridors: CorridorMatrix;
  /** YYYY-MM-DD (UTC): a W-8 that expired overnight reads `expired` on the next payout. */
  today(): string;
  /**
   * Screens a record never screened (app/compliance/screen-recipient.ts: a clear snapshot, or a case, its
   * exception and snapshot). A failure is thrown: the payout is not created and the client's retry screens
   * again, rather than a payout held behind a screening nothing will run. Absent: records stay unscreened
   * and the gates hold their payouts for compliance.
   */
  screen?: (recipient: ScreenableRecipient) => Promise<ScreeningSnapshot>;
}

export function payoutRecipients(deps: PayoutRecipientsDependencies): PayoutRecipients {
  return {
    named: async (tenantId, recipientId) => {
      // An id no create could have minted names no recipient: answered without a read.
      if (!isRecipientId(recipientId)) throw recipientNotFound();
      const item = await deps.store.get(tenantId, recipientId);
      if (item === undefined) throw recipientNotFound();
      return payoutRecipientOf(item, complianceOf(item, deps.corridors, deps.today()));
    },
    inline: async (tenantId, payee, now) => {
      const recipientId = inlineRecipientId(tenantId, payee.name, payee.destination);
      const found = await deps.store.get(tenantId, recipientId);
      const item =
        found ?? (await deps.store.create(inlineRecipient(deps.corridors, tenantId, recipientId, payee, now))).item;
      const screened = await screenedItem(deps, item);
      // The payout shows the name and email as this request sent them (create-payout.ts#shownRecipient).
      return payoutRecipientOf(screened, complianceOf(screened, deps.corridors, deps.today()));
    },
  };
}

/**
 * A new record behind an inline recipient. An inline recipient says only a name and an account, so it is an
 * individual in its bank's country; its onboarding is what its corridor's policy asks (verified when it asks
 * nothing, else pending_information with the requirements), its screening is still to be done.
 */
function inlineRecipient(
  corridors: CorridorMatrix,
  tenantId: string,
  recipientId: string,
  payee: InlinePayee,
  now: string,
): Recipient {
  const { destination, currency } = payee;
  const policy = recipientPolicy(corridors, [{ country: destination.country, currency, method: destination.method }]);
  const requirements = missingRequirements(policy, {
    kind: 'individual',
    hasDateOfBirth: false,
    hasRegistrationNumber: false,
    hasAddress: false,
    hasTaxId: false,
    taxForm: policy.taxFormRequired ? 'missing' : 'not_required',
  });
  return {
    tenantId,
    recipientId,
    kind: 'individual',
    name: payee.name,
    country: destination.country,
    contact: payee.email === undefined ? {} : { email: payee.email },
    destinations: [{ ...destination, currency }],
    onboarding: { state: requirements.length === 0 ? 'verified' : 'pending_information', requirements },
    origin: 'inline',
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
}

/** The record with its screening: screened now if it never was (and a screening is wired). */
async function screenedItem(deps: PayoutRecipientsDependencies, item: RecipientItem): Promise<RecipientItem> {
  const unscreened = item.screening === undefined || item.screening.state === 'unscreened';
  if (!unscreened || deps.screen === undefined) return item;
  try {
    return { ...item, screening: await deps.screen(screenableOf(item)) };
  } catch (error) {
    // Another request for the same recipient screened it first: its snapshot is the one to use.
    if ((error as { name?: string } | null)?.name !== 'ScreeningSnapshotChangedError') throw error;
    return (await deps.store.get(item.tenantId, item.recipientId)) ?? item;
  }
}

export function payoutRecipientOf(item: RecipientItem, compliance: RecipientCompliance): PayoutRecipient {
  const email = item.contact.email;
  return {
    recipientId: item.recipientId,
    name: item.name,
    ...(email === undefined ? {} : { email }),
    compliance,
  };
}

/** Until RecipientsTable is wired (tests and tools that build the create without it): no record is found. */
export const NO_PAYOUT_RECIPIENTS: PayoutRecipients = {
  named: async () => {
    throw recipientNotFound();
  },
  inline: async () => {
    throw new Error('no recipient records: the create was built without RecipientsTable');
  },
};

// Another tenant's recipient answers exactly like one that does not exist.
export function recipientNotFound(): ApiError {
  return new ApiError({
    status: 404,
    type: 'not_found_error',
    code: 'recipient_not_found',
    category: 'terminal',
    message: 'no such recipient in this tenant',
    param: 'recipient_id',
  });
}
