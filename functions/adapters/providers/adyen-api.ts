/**
 * The slice of Adyen's Transfers API (Balance Platform) v4 that the adapter and the stand-in speak.
 *
 * Source: Adyen/adyen-openapi json/TransferService-v4.json (commit aa014f0, 2026-07-01; read 2026-12-01):
 * `TransferInfo` (POST /transfers body), `Transfer` (its 200/202 answer), `TransferData` (GET /transfers/{id}
 * and the items of GET /transfers), `FindTransfersResponse` with `_links.next.href` (cursor paging),
 * `ServiceError` (401) and `TransferServiceRestServiceError` (RFC 7807: 403, 422, 500). Idempotency:
 * https://docs.adyen.com/development-resources/api-idempotency (read 2026-12-01): `Idempotency-Key` of at
 * most 64 characters, valid for at least 31 days, the first answer returned to a repeat.
 *
 * Hand-written, not the SDK's classes: those carry runtime enums (`TransferInfo.CategoryEnum`) that a
 * type-only import cannot use, and the SDK's TransfersApi alone is 146,669 B minified (the whole index
 * 2,477,698 B) against a 700 KB bundle budget. The conformance suite drives the stand-in through the SDK,
 * so a shape here that the SDK cannot parse fails there.
 */

export const ADYEN_TEST_BASE_URL = 'https://balanceplatform-api-test.adyen.com/btl/v4';
export const ADYEN_PATHS = {
  transfers: '/transfers',
  transfer: (transferId: string) => `/transfers/${encodeURIComponent(transferId)}`,
} as const;
export const ADYEN_API_KEY_HEADER = 'x-api-key';
export const ADYEN_IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** Adyen's documented limit on an Idempotency-Key. */
export const ADYEN_IDEMPOTENCY_KEY_CHARS_MAX = 64;
/** GET /transfers: "maximum of 100 items … by default 10". */
export const ADYEN_LIST_PAGE_SIZE_MAX = 100;
/** GET /transfers: createdSince "not earlier than 6 months before the createdUntil date". */
export const ADYEN_LIST_WINDOW_DAYS_MAX = 180;
/**
 * Adyen's errorCode for a request whose Idempotency-Key is still being processed (HTTP 422): "request
 * already processed or in progress". Transient: the same call with the same key is answered later.
 */
export const ADYEN_IDEMPOTENCY_IN_PROGRESS_ERROR_CODE = '704';

export interface AdyenAmount {
  currency: string;
  /** Minor units (Adyen's `value`), an integer. */
  value: number;
}

export type AdyenAccountIdentification =
  | { type: 'iban'; iban: string; bic?: string }
  | { type: 'usLocal'; accountNumber: string; routingNumber: string; accountType?: 'checking' | 'savings' }
  | { type: 'ukLocal'; accountNumber: string; sortCode: string };

export interface AdyenBankAccount {
  accountHolder: { fullName: string; email?: string; reference?: string };
  accountIdentification: AdyenAccountIdentification;
}

/** POST /transfers body (TransferInfo): only the fields a bank payout uses. */
export interface AdyenTransferInfo {
  amount: AdyenAmount;
  balanceAccountId: string;
  category: 'bank';
  counterparty: { bankAccount: AdyenBankAccount };
  priority: 'regular' | 'fast' | 'instant' | 'crossBorder' | 'wire';
  /** Ours: the payout id, so Adyen's webhooks, lists and reports carry it back. */
  reference: string;
  referenceForBeneficiary?: string;
  description?: string;
}

/** One accounting or tracking event of a transfer (TransferEvent). */
export interface AdyenTransferEvent {
  id?: string;
  type?: 'accounting' | 'tracking';
  status?: string;
  reason?: string;
  bookingDate?: string;
  valueDate?: string;
  updateDate?: string;
}

/** Transfer (POST answer) and TransferData (GET answers, webhook `data`): the fields we read. */
export interface AdyenTransfer {
  id: string;
  status: string;
  amount: AdyenAmount;
  category: string;
  direction?: 'incoming' | 'outgoing';
  reference?: string;
  reason?: string;
  creationDate?: string;
  createdAt?: string;
  updatedAt?: string;
  balanceAccount?: { id: string };
  counterparty?: unknown;
  events?: AdyenTransferEvent[];
  sequenceNumber?: number;
  type?: string;
}

export interface AdyenFindTransfersResponse {
  data?: AdyenTransfer[];
  _links?: { next?: { href: string }; prev?: { href: string } };
}

/** 401 (ServiceError). */
export interface AdyenServiceError {
  status?: number;
  errorCode?: string;
  message?: string;
  errorType?: string;
  pspReference?: string;
}

/** 403, 422, 500 (TransferServiceRestServiceError, RFC 7807). */
export interface AdyenRestServiceError {
  type?: string;
  title?: string;
  detail?: string;
  status?: number;
  errorCode?: string;
  requestId?: string;
  invalidFields?: Array<{ name: string; value: string; message: string }>;
}

export type AdyenErrorBody = AdyenServiceError & AdyenRestServiceError;
