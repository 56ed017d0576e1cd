import { complianceOf } from '../../adapters/recipients/compliance-source';
import type { RecipientItem } from '../../adapters/recipients/recipients-records';
import type { RecipientCompliance } from '../../domain/compliance/contract';
import { isRecipientId } from '../../domain/compliance/recipient-record';
import type { CorridorMatrix } from '../../domain/corridors';
import { ApiError } from '../../http/api-error';

/** The recipient record a new payout pays: what the payout shows of it, and what its gates decide on. */
export interface PayoutRecipient {
  recipientId: string;
  name: string;
  email?: string;
  compliance: RecipientCompliance;
}

/** What the create path reads of RecipientsTable (RecipientsRepository.get: one consistent GetItem). */
export interface PayoutRecipientReads {
  get(tenantId: string, recipientId: string): Promise<RecipientItem | undefined>;
}

export interface PayoutRecipients {
  /** The tenant's record by id; a malformed id, an unknown one and another tenant's one are the same 404. */
  named(tenantId: string, recipientId: string): Promise<PayoutRecipient>;
}

export interface PayoutRecipientsDependencies {
  store: PayoutRecipientReads;
  corridors: CorridorMatrix;
  /** YYYY-MM-DD (UTC): a W-8 that expired overnight reads `expired` on the next payout. */
  today(): string;
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
  };
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
