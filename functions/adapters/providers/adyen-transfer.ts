import { ProviderProtocolError } from '../../domain/provider-errors';
import type { ProviderSubmission } from '../../domain/provider-port';
import type { AdyenBankAccount, AdyenFindTransfersResponse, AdyenTransfer } from './adyen-api';
import { ADYEN_PROVIDER } from './adyen-http';

/**
 * Our destination fields into Adyen's `counterparty.bankAccount`, and Adyen's transfer answers checked
 * for the fields we rely on. Account identification shapes: TransferService-v4.json
 * (IbanAccountIdentification, USLocalAccountIdentification, UKLocalAccountIdentification; aa014f0).
 */

export type BankAccountResult =
  | { readonly kind: 'bank_account'; readonly bankAccount: AdyenBankAccount }
  | { readonly kind: 'unsupported'; readonly reason: string };

export function bankAccountOf(submission: ProviderSubmission): BankAccountResult {
  const fields = submission.destination.fields;
  const accountHolder = {
    fullName: submission.recipient.name,
    ...(submission.recipient.email === undefined ? {} : { email: submission.recipient.email }),
  };
  const iban = fields['iban'];
  const accountNumber = fields['account_number'];
  // IBAN first: a destination with an IBAN is paid to it even when a local number is also on file.
  if (iban !== undefined)
    return {
      kind: 'bank_account',
      bankAccount: { accountHolder, accountIdentification: { type: 'iban', iban: iban.replace(/ /g, '') } },
    };
  if (accountNumber !== undefined && fields['routing_number'] !== undefined)
    return {
      kind: 'bank_account',
      bankAccount: {
        accountHolder,
        accountIdentification: { type: 'usLocal', accountNumber, routingNumber: fields['routing_number'] },
      },
    };
  if (accountNumber !== undefined && fields['sort_code'] !== undefined)
    return {
      kind: 'bank_account',
      bankAccount: {
        accountHolder,
        accountIdentification: { type: 'ukLocal', accountNumber, sortCode: fields['sort_code'].replace(/-/g, '') },
      },
    };
  const names = Object.keys(fields).sort().join(', ');
  return {
    kind: 'unsupported',
    reason: `adyen bank payouts take an IBAN, US account + routing or UK sort code; got ${names}`,
  };
}

const CURRENCY_PATTERN = /^[A-Z]{3}$/;

/** A transfer without an id, a status or a readable amount is a protocol error: it may hide a success. */
export function parseTransfer(value: unknown): AdyenTransfer {
  const transfer = value as Partial<AdyenTransfer> | undefined;
  const amount = transfer?.amount;
  if (
    typeof transfer?.id !== 'string' ||
    transfer.id === '' ||
    typeof transfer.status !== 'string' ||
    typeof amount?.value !== 'number' ||
    !Number.isSafeInteger(amount.value) ||
    amount.value < 0 ||
    typeof amount.currency !== 'string' ||
    !CURRENCY_PATTERN.test(amount.currency)
  ) {
    throw new ProviderProtocolError('adyen answered a transfer without an id, a status and an amount', {
      provider: ADYEN_PROVIDER,
    });
  }
  // A status we do not know is kept as it came (mapAdyenState maps it to `unknown`), never guessed.
  return transfer as AdyenTransfer;
}

export function parseTransferPage(value: unknown): { transfers: AdyenTransfer[]; next?: string } {
  const page = value as AdyenFindTransfersResponse | undefined;
  if (page === null || typeof page !== 'object' || (page.data !== undefined && !Array.isArray(page.data)))
    throw new ProviderProtocolError('adyen answered a transfer list without data', { provider: ADYEN_PROVIDER });
  const next = page._links?.next?.href;
  return { transfers: (page.data ?? []).map(parseTransfer), ...(typeof next === 'string' ? { next } : {}) };
}

/** When the current status began: its latest event's date, else the transfer's update time. */
export function stateSinceOf(transfer: AdyenTransfer): string | undefined {
  const events = (transfer.events ?? []).filter((event) => event.status === transfer.status);
  const last = events[events.length - 1];
  const candidate = last?.updateDate ?? last?.bookingDate ?? transfer.updatedAt;
  return candidate !== undefined && !Number.isNaN(Date.parse(candidate))
    ? new Date(candidate).toISOString()
    : undefined;
}
