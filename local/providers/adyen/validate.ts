// What the Adyen stand-in checks in a POST /transfers body before it records anything: the fields
// TransferInfo requires (amount, category, counterparty), the bank-payout fields we rely on, and the
// account identification each `type` requires (IbanAccountIdentification: iban; USLocalAccountIdentification:
// accountNumber, routingNumber (9 digits); UKLocalAccountIdentification: accountNumber (8 digits), sortCode
// (6 digits)). Source: Adyen/adyen-openapi json/TransferService-v4.json (aa014f0, 2026-07-01; read 2026-12-01).
import type { AdyenTransferInfo } from '../../../functions/adapters/providers/adyen-api';
import * as errors from './errors';

export type Checked =
  | { readonly kind: 'valid'; readonly info: AdyenTransferInfo }
  | { readonly kind: 'invalid'; readonly answer: { status: number; body: unknown } };

const ACCOUNT = 'counterparty.bankAccount.accountIdentification';

export function validateTransferInfo(text: string): Checked {
  let body: Partial<AdyenTransferInfo>;
  try {
    body = JSON.parse(text) as Partial<AdyenTransferInfo>;
  } catch {
    return invalid('The request body is not JSON', 'body', text.slice(0, 64));
  }
  const amount = body.amount;
  if (amount === undefined || !Number.isSafeInteger(amount.value) || amount.value <= 0)
    return invalid('amount.value must be a positive integer of minor units', 'amount.value', String(amount?.value));
  if (typeof amount.currency !== 'string' || !/^[A-Z]{3}$/.test(amount.currency))
    return invalid('amount.currency must be an ISO 4217 code', 'amount.currency', String(amount.currency));
  if (body.category !== 'bank')
    return invalid('category must be bank for a bank payout', 'category', String(body.category));
  if (typeof body.balanceAccountId !== 'string' || body.balanceAccountId === '')
    return invalid('balanceAccountId is required', 'balanceAccountId', '');
  const bankAccount = body.counterparty?.bankAccount;
  if (bankAccount === undefined) return invalid('counterparty.bankAccount is required', 'counterparty', '');
  if (!bankAccount.accountHolder?.fullName)
    return invalid('accountHolder.fullName is required', 'counterparty.bankAccount.accountHolder.fullName', '');
  const problem = accountProblem(bankAccount.accountIdentification as unknown as Record<string, unknown> | undefined);
  if (problem !== undefined)
    return { kind: 'invalid', answer: errors.invalidCounterparty(problem.field, problem.value) };
  return { kind: 'valid', info: body as AdyenTransferInfo };
}

function accountProblem(id: Record<string, unknown> | undefined): { field: string; value: string } | undefined {
  const text = (name: string) => (typeof id?.[name] === 'string' ? (id[name] as string) : '');
  switch (id?.['type']) {
    case 'iban':
      return /^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(text('iban'))
        ? undefined
        : { field: `${ACCOUNT}.iban`, value: text('iban') };
    case 'usLocal':
      if (!/^\d{9}$/.test(text('routingNumber')))
        return { field: `${ACCOUNT}.routingNumber`, value: text('routingNumber') };
      return /^\d{2,17}$/.test(text('accountNumber'))
        ? undefined
        : { field: `${ACCOUNT}.accountNumber`, value: text('accountNumber') };
    case 'ukLocal':
      if (!/^\d{6}$/.test(text('sortCode'))) return { field: `${ACCOUNT}.sortCode`, value: text('sortCode') };
      return /^\d{8}$/.test(text('accountNumber'))
        ? undefined
        : { field: `${ACCOUNT}.accountNumber`, value: text('accountNumber') };
    default:
      return { field: `${ACCOUNT}.type`, value: String(id?.['type']) };
  }
}

function invalid(detail: string, field: string, value: string): Checked {
  return { kind: 'invalid', answer: errors.validation(detail, field, value) };
}
