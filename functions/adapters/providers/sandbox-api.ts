import type { SandboxPayoutState } from '../../domain/provider-status';

/**
 * The sandbox provider's HTTP API as JSON on the wire (docs/sandbox-provider.md). Shared by our
 * adapter and by the sandbox server in local/sandbox, the way a provider publishes its API
 * reference: one definition, so the two cannot drift. Field names are snake_case like Stripe's.
 */

export const SANDBOX_PATHS = {
  payouts: '/v1/payouts',
  payout: (providerReference: string) => `/v1/payouts/${encodeURIComponent(providerReference)}`,
  /** Stops a payout that is accepted or in transit; 409 payout_not_cancelable once it paid. */
  cancel: (providerReference: string) => `/v1/payouts/${encodeURIComponent(providerReference)}/cancel`,
  /** Returns a paid payout (Idempotency-Key: our reversal id); `returned` follows one step later. */
  return: (providerReference: string) => `/v1/payouts/${encodeURIComponent(providerReference)}/return`,
  advance: '/v1/test/advance',
  triggers: '/v1/test/triggers',
  health: '/healthz',
} as const;

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';
export const REQUEST_ID_HEADER = 'request-id';

/** Provider references look like Stripe's object ids. */
export const SANDBOX_REFERENCE_PREFIX = 'sbx_po_';

/** POST /v1/payouts body. */
export interface SandboxCreatePayoutRequest {
  amount: number;
  currency: string;
  destination: { country: string; method: string; fields: Record<string, string> };
  recipient: { name: string; email?: string };
  description?: string;
  /** `payout_id` (ours) is required: the settlement report and `?payout_id=` search use it. */
  metadata: Record<string, string> & { payout_id: string };
}

/** A payout as the sandbox returns it. Times are ISO 8601 UTC on the sandbox's (advanceable) clock. */
export interface SandboxPayout {
  id: string;
  object: 'payout';
  amount: number;
  fee: number;
  currency: string;
  status: SandboxPayoutState;
  failure_code: string | null;
  failure_message: string | null;
  /** Our payout id (also the idempotency key it was created with). */
  payout_id: string;
  idempotency_key: string;
  /** The destination with account fields masked to the last four characters. */
  destination: { country: string; method: string; fields: Record<string, string> };
  metadata: Record<string, string>;
  created: string;
  /** When the payout entered each state it has been in. */
  status_transitions: Partial<Record<SandboxPayoutState, string>>;
  /** Settlement batch the payout is paid in (for the settlement report); null until paid. */
  batch_id: string | null;
  /** The Idempotency-Key of the return requested of it (our reversal id), once one was. */
  return_id?: string | null;
}

export interface SandboxList<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
}

/** Every non-2xx answer. */
export interface SandboxErrorBody {
  error: {
    type: 'invalid_request_error' | 'idempotency_error' | 'payout_rejected' | 'api_error' | 'not_found';
    code: string;
    message: string;
    param?: string;
    /** On a refused cancel or return: the payout's state at the sandbox. */
    payout_status?: string;
  };
}

/** POST /v1/test/advance body and answer. */
export interface SandboxAdvanceRequest {
  seconds: number;
}
export interface SandboxAdvanceResponse {
  now: string;
  changed: Array<{ id: string; from: SandboxPayoutState; to: SandboxPayoutState }>;
}
