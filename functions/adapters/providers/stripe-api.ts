/**
 * Stripe's payout API as JSON on the wire: the fields our adapter and the local stand-in
 * (local/providers/stripe/) rely on. Read from stripe/openapi at commit f6c2a48 (openapi/fixtures3.json,
 * the `payout` resource; spec3.json itself was not in the mirror) and the `stripe` SDK 23.1.0's types
 * generated from the same spec (OPENAPI_VERSION v2596), on 2026-12-01. Type-only: no SDK code is bundled.
 */

export const STRIPE_API_VERSION = '2026-10-28.endive';

export const STRIPE_PATHS = {
  payouts: '/v1/payouts',
  payout: (id: string) => `/v1/payouts/${encodeURIComponent(id)}`,
  cancel: (id: string) => `/v1/payouts/${encodeURIComponent(id)}/cancel`,
  reverse: (id: string) => `/v1/payouts/${encodeURIComponent(id)}/reverse`,
} as const;

export const STRIPE_HEADERS = {
  account: 'stripe-account',
  version: 'stripe-version',
  idempotencyKey: 'idempotency-key',
  /** Stripe answers `true` when it replayed a stored answer for the Idempotency-Key. */
  replayed: 'idempotent-replayed',
  requestId: 'request-id',
} as const;

/** The largest page GET /v1/payouts answers (`limit` is 1–100). */
export const STRIPE_LIST_LIMIT_MAX = 100;

/** A payout as Stripe answers it (the subset we read; unknown fields are kept by JSON and ignored). */
export interface StripePayout {
  id: string;
  object: 'payout';
  amount: number;
  currency: string;
  /** `pending`, `in_transit`, `paid`, `failed`, `canceled`; a paid payout may later turn `failed`. */
  status: string;
  created: number;
  arrival_date: number;
  automatic: boolean;
  balance_transaction: string | null;
  description: string | null;
  destination: string | null;
  failure_balance_transaction: string | null;
  failure_code: string | null;
  failure_message: string | null;
  livemode: boolean;
  metadata: Record<string, string>;
  method: string;
  original_payout: string | null;
  reversed_by: string | null;
  reconciliation_status: string;
  source_type: string;
  statement_descriptor: string | null;
  type: 'bank_account' | 'card';
}

export interface StripeList<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

/** Stripe's documented error types (https://docs.stripe.com/api/errors). */
export const STRIPE_ERROR_TYPES = ['api_error', 'card_error', 'idempotency_error', 'invalid_request_error'] as const;
export type StripeErrorType = (typeof STRIPE_ERROR_TYPES)[number];

export interface StripeErrorBody {
  error: {
    type: string;
    code?: string;
    message?: string;
    param?: string;
    doc_url?: string;
    request_log_url?: string;
  };
}

/** Stripe's form encoding: `a[b]=c` for nested objects, as its SDKs send them. */
export function formEncode(
  params: Readonly<Record<string, string | number | Readonly<Record<string, string>>>>,
): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (typeof value === 'object')
      for (const [inner, text] of Object.entries(value)) form.append(`${key}[${inner}]`, text);
    else form.append(key, String(value));
  }
  return form.toString();
}
