import { recipientFacts } from '../../adapters/recipients/compliance-source';
import { RecipientVersionConflictError } from '../../adapters/recipients/recipients-repository';
import type { RecipientItem, TaxFormItem } from '../../adapters/recipients/recipients-records';
import { recipientPolicy } from '../../domain/compliance/onboarding-policy';
import type { Recipient } from '../../domain/compliance/recipient-record';
import { onboardingAfterChange } from '../../domain/compliance/recipient-onboarding';
import {
  checkTaxFormFits,
  TAX_FORM_VERSION_MAX,
  TaxFormError,
  taxFormExpiresOn,
  taxFormSnapshot,
  type TaxFormCapture,
} from '../../domain/compliance/tax-forms';
import { normalizeTin } from '../../domain/compliance/tin';
import { DomainError } from '../../domain/domain-error';
import { fromDomainError } from '../../http/api-error';
import { recipientChanged, recipientNotFound } from './recipient-errors';
import { isoNow, todayOf, type RecipientsDeps } from './recipients-deps';

/**
 * POST /recipients/{recipientId}/tax-forms. Refused before anything is written, each with its code
 * (422): a form that does not fit the recipient (a W-9 for a non-US recipient, a W-8 for a US one, the
 * W-8 variant of the other kind, a signature in the future, an expired W-8: tax-forms.ts), then a
 * malformed TIN (wrong length, all zeros, a never-issued SSN area, group or serial, an ITIN outside the
 * IRS ranges, an unassigned EIN prefix: tin.ts). A valid form is a new version (never an overwrite) in
 * one transaction with the record's newest-form summary and its onboarding, conditional on the version
 * read: a concurrent writer is 409 recipient_changed, retryable.
 */
export interface CaptureTaxFormInput {
  tenantId: string;
  recipientId: string;
  capture: TaxFormCapture;
  requestId: string;
}

export interface CapturedTaxForm {
  form: TaxFormItem;
  recipient: RecipientItem;
}

const LAST_DIGITS = 4;

export async function captureTaxForm(deps: RecipientsDeps, input: CaptureTaxFormInput): Promise<CapturedTaxForm> {
  const item = await deps.recipients.get(input.tenantId, input.recipientId);
  if (item === undefined) throw recipientNotFound();
  const today = todayOf(deps);
  const at = isoNow(deps);
  const { capture } = input;
  const tin = checkedTin(capture, item, today);
  const version = (item.latestTaxForm?.version ?? 0) + 1;
  if (version > TAX_FORM_VERSION_MAX)
    throw fromDomainError(
      new TaxFormError('tax_form_versions_exhausted', 'this recipient has no tax form version left'),
    );
  const expiresOn = taxFormExpiresOn(capture.formType, capture.signedAt);
  const tinLast4 = tin === undefined ? undefined : tin.slice(-LAST_DIGITS);
  const latestTaxForm: NonNullable<Recipient['latestTaxForm']> = {
    formType: capture.formType,
    version,
    ...(expiresOn === undefined ? {} : { expiresOn }),
    ...(tinLast4 === undefined ? {} : { tinLast4 }),
  };
  const policy = recipientPolicy(deps.corridors, item.maskedDestinations);
  const taxForm = taxFormSnapshot(latestTaxForm, policy.taxFormRequired, today);
  const onboarding = onboardingAfterChange(
    item.onboarding.state,
    policy,
    recipientFacts({ ...item, latestTaxForm }, taxForm.state),
  );
  const form = formOf(input, { version, at, expiresOn, tinLast4 });
  try {
    const stored = await deps.recipients.captureTaxForm({
      form,
      ...(tin === undefined ? {} : { tin }),
      expectedVersion: item.version,
      onboarding,
      at,
    });
    const recipient = { ...item, latestTaxForm, onboarding, updatedAt: at, version: item.version + 1 };
    return { form: stored, recipient };
  } catch (error) {
    if (error instanceof RecipientVersionConflictError) throw recipientChanged();
    throw error;
  }
}

/** The form's fit to its recipient first (which form it is), then its TIN's shape; the normalised TIN or none. */
function checkedTin(capture: TaxFormCapture, item: RecipientItem, today: string): string | undefined {
  try {
    checkTaxFormFits(capture, { recipientCountry: item.country, recipientKind: item.kind, today });
    return capture.formType === 'W-9' ? normalizeTin(capture.tinType, capture.tin) : capture.foreignTin;
  } catch (error) {
    if (error instanceof DomainError) throw fromDomainError(error);
    throw error;
  }
}

function formOf(
  input: CaptureTaxFormInput,
  at: { version: number; at: string; expiresOn: string | undefined; tinLast4: string | undefined },
): Omit<TaxFormItem, 'pk' | 'sk' | 'sealedTin'> {
  const { capture } = input;
  return {
    tenantId: input.tenantId,
    recipientId: input.recipientId,
    version: at.version,
    formType: capture.formType,
    signer: capture.signer,
    signedAt: capture.signedAt,
    capturedAt: at.at,
    ...(at.expiresOn === undefined ? {} : { expiresOn: at.expiresOn }),
    ...(at.tinLast4 === undefined ? {} : { tinLast4: at.tinLast4 }),
    ...(capture.formType === 'W-9'
      ? { tinType: capture.tinType }
      : {
          country: capture.country,
          ...(capture.treatyClaim === undefined ? {} : { treatyClaim: capture.treatyClaim }),
        }),
    requestId: input.requestId,
  };
}
