import type { CurrencyCode } from './money';
import type { MappedProviderState } from './provider-status';

/**
 * The provider port: what the submitter and the sweeper need from any payout provider. Adapters
 * (sandbox, stripe, …) implement it with injected fetch; the domain never sees HTTP.
 *
 * Idempotency (TigerBeetle's rule, DESIGN §5): we generate the payout id and store it before the
 * first call, and send it as the provider's idempotency key. Calling `submit` again for the same
 * payout — after a timeout, a 5xx, a crash, a duplicate queue message — returns the payout the
 * provider already holds and never creates a second one.
 */

/** Everything the provider needs to move the money. The destination is unmasked: this is the one place. */
export interface ProviderSubmission {
  /** Our internal payout id; also the provider idempotency key. */
  readonly payoutId: string;
  readonly amountMinor: number;
  readonly currency: CurrencyCode;
  readonly destination: ProviderDestination;
  readonly recipient: { readonly name: string; readonly email?: string };
  readonly description?: string;
  /** Passed through to the provider; `payout_id` is always added so the provider's report carries it. */
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface ProviderDestination {
  readonly country: string;
  readonly method: string;
  /** Account fields in full: `iban`, `routing_number` + `account_number`, `sort_code` + `account_number`, … */
  readonly fields: Readonly<Record<string, string>>;
}

/**
 * The answer to a submission. A rejection is an operating outcome, so it is a value; transport
 * failures are thrown as retryable `ProviderError`s (see provider-errors.ts).
 */
export type SubmitResult =
  | {
      readonly kind: 'accepted';
      readonly providerReference: string;
      /** The provider's state at the time of the answer, mapped (usually `accepted`). */
      readonly state: MappedProviderState;
      /** True when the provider answered from its idempotency record (a retry of an earlier call). */
      readonly replayed: boolean;
      readonly feeMinor?: number;
      /** The provider's transaction id, when its answer already names one (PayPal's item `transaction_id`). */
      readonly providerTransactionId?: string;
    }
  | {
      readonly kind: 'rejected';
      /** Machine-readable reason from the provider (`account_closed`, …). */
      readonly reasonCode: string;
      readonly reason: string;
    };

export interface StatusQuery {
  readonly payoutId: string;
  /** Looked up directly when known; otherwise the provider is searched by our payout id. */
  readonly providerReference?: string;
}

export type StatusResult =
  | {
      readonly kind: 'found';
      readonly providerReference: string;
      readonly state: MappedProviderState;
      readonly feeMinor?: number;
      readonly failureCode?: string;
      /** When the provider says the current state began; ISO 8601 UTC. */
      readonly stateSince?: string;
      /** The provider's transaction id, where it has one beside the reference (PayPal's item `transaction_id`). */
      readonly providerTransactionId?: string;
      /** How many payouts the provider holds for this payout id: more than 1 is a duplicate at the provider. */
      readonly countAtProvider: number;
      /** The provider's amount and currency (upper-case ISO 4217), when it reports them: checked for ownership. */
      readonly amountMinor?: number;
      readonly currency?: string;
    }
  | { readonly kind: 'not_found' };

/** Ask the provider to stop a payout it accepted but has not paid (the tenant's cancel, issue 10). */
export interface CancelRequest {
  readonly payoutId: string;
  readonly providerReference: string;
}

/**
 * The answer to a cancel. Outcomes are values (TigerBeetle's split); transport failures are thrown
 * as retryable ProviderErrors, and asking again is safe: canceling a canceled payout is `canceled`.
 */
export type CancelResult =
  | {
      readonly kind: 'canceled';
      readonly providerReference: string;
      /** The provider's state now, mapped (a `provider_canceled` event). */
      readonly state: MappedProviderState;
      /** What the provider says the payout is for: checked for ownership before anything moves. */
      readonly amountMinor?: number;
      readonly currency?: string;
    }
  /** The provider paid it, or is past the point where it can stop it. */
  | { readonly kind: 'too_late'; readonly providerState: string }
  | { readonly kind: 'not_found' }
  /** This provider cannot cancel payouts at all. */
  | { readonly kind: 'unsupported' };

/** Ask the provider to return a paid payout (an approved reversal, issue 10). */
export interface ReturnRequest {
  readonly payoutId: string;
  readonly providerReference: string;
  /** Our reversal id: the provider's idempotency key, so a repeat never returns the money twice. */
  readonly reversalId: string;
  readonly amountMinor: number;
  readonly currency: CurrencyCode;
}

export type ReturnResult =
  /** The provider will return it; the payout becomes `reversed` when it confirms (webhook or poll). */
  | { readonly kind: 'accepted'; readonly providerReference: string; readonly replayed: boolean }
  | { readonly kind: 'refused'; readonly reasonCode: string; readonly reason: string }
  | { readonly kind: 'unsupported' };

export interface ProviderPort {
  /** The provider's name as stored on the payout and used in webhook routes (`sandbox`, `stripe`). */
  readonly provider: string;
  submit(submission: ProviderSubmission): Promise<SubmitResult>;
  getStatus(query: StatusQuery): Promise<StatusResult>;
  cancel(request: CancelRequest): Promise<CancelResult>;
  requestReturn(request: ReturnRequest): Promise<ReturnResult>;
}
