import type { PaypalBatchState, PaypalItemState } from '../../domain/paypal-status';

/**
 * PayPal Payouts on the wire, the subset we send and read. Source: PayPal's published specs,
 * paypal/paypal-rest-api-specifications (commit ec4d8f3, 2024-02-03; read 2026-12-01):
 * openapi/payments_payouts_batch_v1.json and, for the token, PayPal's "Get started: authentication"
 * developer page (client credentials, `POST /v1/oauth2/token`). Shared by our adapter and the local
 * stand-in (local/providers/paypal), the way a provider's API reference is one document.
 */
export const PAYPAL_PATHS = {
  token: '/v1/oauth2/token',
  payouts: '/v1/payments/payouts',
  batch: (payoutBatchId: string) => `/v1/payments/payouts/${encodeURIComponent(payoutBatchId)}`,
  item: (payoutItemId: string) => `/v1/payments/payouts-item/${encodeURIComponent(payoutItemId)}`,
  cancelItem: (payoutItemId: string) => `/v1/payments/payouts-item/${encodeURIComponent(payoutItemId)}/cancel`,
} as const;

/** The spec's idempotency header ("The server stores keys for 30 days"). */
export const PAYPAL_REQUEST_ID_HEADER = 'paypal-request-id';
/** The spec's batch limit: `items` maxItems. */
export const PAYPAL_BATCH_ITEMS_MAX = 15_000;
/** The spec's page_size maximum for the batch GET. */
export const PAYPAL_PAGE_SIZE_MAX = 1_000;
/** sender_item_id maxLength in the spec; sender_batch_id allows 256. */
export const PAYPAL_SENDER_ITEM_ID_CHARS_MAX = 63;

export interface PaypalMoney {
  readonly currency: string;
  /** A decimal string in major units ("12.34"; "1200" for JPY). */
  readonly value: string;
}

export interface PaypalCreateItem {
  readonly recipient_type: 'EMAIL' | 'PHONE' | 'PAYPAL_ID';
  readonly amount: PaypalMoney;
  readonly receiver: string;
  readonly sender_item_id: string;
  readonly note?: string;
}

export interface PaypalCreatePayoutRequest {
  readonly sender_batch_header: {
    readonly sender_batch_id: string;
    readonly email_subject?: string;
    readonly recipient_type?: 'EMAIL' | 'PHONE' | 'PAYPAL_ID';
  };
  readonly items: readonly PaypalCreateItem[];
}

export interface PaypalLink {
  readonly href: string;
  readonly rel: string;
  readonly method?: string;
}

export interface PaypalBatchHeader {
  readonly payout_batch_id: string;
  readonly batch_status: PaypalBatchState | string;
  readonly time_created?: string;
  readonly time_completed?: string;
  readonly sender_batch_header: { readonly sender_batch_id?: string; readonly email_subject?: string };
  readonly amount?: PaypalMoney;
  readonly fees?: PaypalMoney;
}

/** 201 of POST /v1/payments/payouts: the header only, no items. */
export interface PaypalCreatePayoutResponse {
  readonly batch_header: PaypalBatchHeader;
  readonly links?: readonly PaypalLink[];
}

export interface PaypalItemError {
  readonly name: string;
  readonly message?: string;
  readonly debug_id?: string;
  readonly information_link?: string;
}

export interface PaypalItem {
  readonly payout_item_id: string;
  readonly transaction_id?: string;
  readonly transaction_status?: PaypalItemState | string;
  readonly payout_item_fee?: PaypalMoney;
  readonly payout_batch_id: string;
  readonly sender_batch_id?: string;
  readonly payout_item: {
    readonly recipient_type?: string;
    readonly amount: PaypalMoney;
    readonly receiver: string;
    readonly sender_item_id?: string;
    readonly note?: string;
  };
  readonly time_processed?: string;
  readonly errors?: PaypalItemError;
  readonly links?: readonly PaypalLink[];
}

/** 200 of GET /v1/payments/payouts/{id}?page=&page_size=&total_required=. */
export interface PaypalBatch {
  readonly batch_header: PaypalBatchHeader;
  readonly items: readonly PaypalItem[];
  readonly total_items?: number;
  readonly total_pages?: number;
  readonly links?: readonly PaypalLink[];
}

/** Every non-2xx answer of the Payouts API (spec `error`; name, message, debug_id required). */
export interface PaypalErrorBody {
  readonly name: string;
  readonly message: string;
  readonly debug_id: string;
  readonly information_link?: string;
  readonly details?: ReadonlyArray<{
    readonly field?: string;
    readonly value?: string;
    readonly location?: 'body' | 'path' | 'query';
    readonly issue: string;
    readonly description?: string;
    /** On a reused sender_batch_id: the HATEOAS link to the original batch. */
    readonly link?: readonly PaypalLink[];
  }>;
  readonly links?: readonly PaypalLink[];
}

/** The token endpoint's answer (OAuth 2.0 client credentials, RFC 6749 §5.1) and its error (§5.2). */
export interface PaypalTokenResponse {
  readonly access_token: string;
  readonly token_type: string;
  readonly expires_in: number;
  readonly scope?: string;
  readonly app_id?: string;
  readonly nonce?: string;
}
export interface PaypalTokenError {
  readonly error: string;
  readonly error_description?: string;
}

/** Error names PayPal documents for the Payouts API that we act on (developer docs, Payouts errors). */
export const PAYPAL_ERROR_NAMES = {
  /** sender_batch_id reused within 30 days (also any other business rule). */
  userBusinessError: 'USER_BUSINESS_ERROR',
  validationError: 'VALIDATION_ERROR',
  insufficientFunds: 'INSUFFICIENT_FUNDS',
  rateLimit: 'RATE_LIMIT_REACHED',
  internal: 'INTERNAL_SERVER_ERROR',
  unavailable: 'SERVICE_UNAVAILABLE',
  notFound: 'RESOURCE_NOT_FOUND',
  invalidResourceId: 'INVALID_RESOURCE_ID',
  authentication: 'AUTHENTICATION_FAILURE',
  notAuthorized: 'NOT_AUTHORIZED',
  /** Cancel of an item that is not UNCLAIMED. */
  itemIncorrectStatus: 'ITEM_INCORRECT_STATUS',
  itemAlreadyCancelled: 'ITEM_ALREADY_CANCELLED',
} as const;

/**
 * A reused sender_batch_id: 400 USER_BUSINESS_ERROR with this `details[].field` and a link to the
 * original batch (spec: "rejects the request with an error message that shows the duplicate
 * sender_batch_id and includes a HATEOAS link to the original payout").
 */
export const DUPLICATE_SENDER_BATCH_ID_FIELD = 'SENDER_BATCH_ID';
export const DUPLICATE_SENDER_BATCH_ID_ISSUE = 'Batch with given sender_batch_id already exists';
