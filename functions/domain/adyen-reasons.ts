/**
 * Adyen's `Transfer.reason` values (TransferService-v4.json, aa014f0, 2026-07-01) in our failure codes
 * (failure-source.ts), so a failed or returned Adyen payout is attributed to the recipient, the provider
 * or our platform like any other. Only the reasons a bank payout can carry are listed; any other reason is
 * passed on as `adyen_<reason>`, which failure-source attributes to the provider (ask Adyen first).
 */
const FAILURE_CODE_BY_REASON: Readonly<Record<string, string>> = {
  counterpartyAccountClosed: 'account_closed',
  counterpartyAccountBlocked: 'account_frozen',
  counterpartyAccountNotFound: 'no_account',
  invalidAccount: 'invalid_account_number',
  invalidToAccount: 'invalid_account_number',
  transferInstrumentDoesNotExist: 'invalid_account_number',
  counterpartyAddressRequired: 'incorrect_account_holder_address',
  refusedByCounterpartyBank: 'declined',
  counterpartyBankTimedOut: 'provider_timeout',
  counterpartyBankUnavailable: 'service_unavailable',
  internalTimeout: 'provider_timeout',
  routeNotFound: 'could_not_process',
  unableToRouteTransaction: 'could_not_process',
  error: 'could_not_process',
  // Limits and transaction rules live at Adyen: support starts by asking Adyen which one refused it.
  amountLimitExceeded: 'declined',
  declinedByTransactionRule: 'declined',
  balanceAccountTemporarilyBlockedByTransactionRule: 'declined',
  // Our balance account at Adyen (its funds, its id in our configuration): ours to fix.
  notEnoughBalance: 'insufficient_funds',
  invalidFromAccount: 'resource_missing',
  fraud: 'compliance_review_failed',
};

/** A reason Adyen sends on a payout that is still fine (`approved`, `pending`): not a failure. */
const NOT_A_FAILURE = new Set(['approved', 'pending', 'pendingApproval', 'pendingExecution', 'unknown']);

/** Our failure code for an Adyen reason, or undefined when the reason says nothing failed. */
export function failureCodeOfAdyenReason(reason: string | undefined): string | undefined {
  if (reason === undefined || reason === '' || NOT_A_FAILURE.has(reason)) return undefined;
  return Object.hasOwn(FAILURE_CODE_BY_REASON, reason) ? FAILURE_CODE_BY_REASON[reason] : `adyen_${reason}`;
}

/**
 * A 422 refusal of POST /transfers: `invalidFields` naming the counterparty means the recipient's bank
 * details are wrong (Adyen validates IBANs, sort codes and routing numbers); anything else is Adyen
 * refusing for its own reason, passed on with its errorCode.
 */
export function failureCodeOfAdyenRefusal(errorCode: string | undefined, invalidFieldNames: readonly string[]): string {
  if (invalidFieldNames.some((name) => name.startsWith('counterparty'))) return 'invalid_account_number';
  return `adyen_${errorCode ?? 'refused'}`;
}
