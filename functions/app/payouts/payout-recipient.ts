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
import { assertNever } from '../../domain/assert-never';
import type { ScreeningVerdict } from '../compliance/screen-recipient';

/** The recipient record a new payout pays: what the payout shows of it, and what its gates decide on. */
export interface PayoutRecipient {
  recipientId: string;
  name: string;
  email?: string;
  compliance: RecipientCompliance;
}

/**
 * What the create path does in RecipientsTable (RecipientsRepository): one consistent GetItem, and a
 * put-if-absent of the record behind an inline recipient the first time it is paid (with its screening
 * when it was screened clear before the write).
 */
export interface PayoutRecipientStore {
  get(tenantId: string, recipientId: string): Promise<RecipientItem | undefined>;
  create(recipient: Recipient, options?: { screening?: ScreeningSnapshot }): Promise<CreateRecipientResult>;
}

/** Screening as the create path uses it (app/compliance/screen-recipient.ts). */
export interface PayoutScreening {
  /** The list's verdict on a record not yet written: nothing written. */
  verdict(recipient: Omit<ScreenableRecipient, 'screeningVersion'>): Promise<ScreeningVerdict>;
  /** Writes a verdict on the written record (a case, its exception and snapshot for a match). */
  record(recipient: ScreenableRecipient, verdict: ScreeningVerdict): Promise<ScreeningSnapshot>;
  /** Screens a written record never screened: verdict and record in one. */
  screen(recipient: ScreenableRecipient): Promise<ScreeningSnapshot>;
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
  screening?: PayoutScreening;
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
      const screened =
        found === undefined
          ? await createdItem(deps, inlineRecipient(deps.corridors, tenantId, recipientId, payee, now))
          : await screenedItem(deps, found);
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

/**
 * The record behind a first-paid inline recipient, screened before it is written: a clear one is written once with
 * its snapshot (no recordClear UpdateItem after the put: 5 DynamoDB calls per create, not 6); a match is written
 * unscreened, then its case, exception and the holds' signal follow as for any screening hit. Another request that
 * created the record first wins the put-if-absent: its record is used, screened from its own fields if it is not yet.
 */
async function createdItem(deps: PayoutRecipientsDependencies, recipient: Recipient): Promise<RecipientItem> {
  if (deps.screening === undefined) return screenedItem(deps, (await deps.store.create(recipient)).item);
  const verdict = await deps.screening.verdict(recipient);
  switch (verdict.kind) {
    case 'clear': {
      const written = await deps.store.create(recipient, { screening: verdict.snapshot });
      return screenedItem(deps, written.item);
    }
    case 'matches': {
      const written = await deps.store.create(recipient);
      return written.kind === 'created' ? screenedItem(deps, written.item, verdict) : screenedItem(deps, written.item);
    }
    default:
      return assertNever(verdict);
  }
}

/**
 * The record with its screening: screened now if it never was (and a screening is wired), with `verdict` when it
 * was already screened in memory (the record this request just wrote), else from the record's own fields.
 */
async function screenedItem(
  deps: PayoutRecipientsDependencies,
  item: RecipientItem,
  verdict?: ScreeningVerdict,
): Promise<RecipientItem> {
  const unscreened = item.screening === undefined || item.screening.state === 'unscreened';
  if (!unscreened || deps.screening === undefined) return item;
  const screenable = screenableOf(item);
  try {
    const snapshot =
      verdict === undefined
        ? await deps.screening.screen(screenable)
        : await deps.screening.record(screenable, verdict);
    return { ...item, screening: snapshot };
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
