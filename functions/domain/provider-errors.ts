import { DomainError, type ErrorCategory } from './domain-error';

/**
 * The provider module's one error hierarchy (Powertools' shape: every class sets `name` and
 * carries `cause`). Each class maps to what the caller should do next (stripe-node's lesson):
 *
 *   ProviderError                         base; `retryable` says whether the same call may be repeated
 *   ├─ ProviderUnavailableError           5xx, 429, connection refused/reset  → retry (same idempotency key)
 *   ├─ ProviderTimeoutError               no answer in time; the provider MAY have acted → retry (same key)
 *   ├─ ProviderProtocolError              an answer we cannot read; it MAY have acted → retry (same key)
 *   ├─ ProviderRejectedError              a 4xx refusal of this payout → stop, the payout fails
 *   ├─ ProviderIdempotencyConflictError   same key, different body: our bug → a human looks
 *   └─ ProviderAuthenticationError        401/403: our credentials or config → a human looks
 *
 * `submit` turns a rejection into a `rejected` result value (an operating outcome, not a crash);
 * the class exists so the adapter's classification is one table and `getStatus` can throw it.
 */
export abstract class ProviderError extends DomainError {
  readonly provider: string;
  /** True when repeating the same call (with the same idempotency key) is safe and may succeed. */
  abstract readonly retryable: boolean;
  /** HTTP status the provider answered, when it answered at all. */
  readonly httpStatus?: number;

  protected constructor(
    code: string,
    category: ErrorCategory,
    message: string,
    options: { provider: string; httpStatus?: number; cause?: unknown },
  ) {
    super(code, category, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProviderError';
    this.provider = options.provider;
    if (options.httpStatus !== undefined) this.httpStatus = options.httpStatus;
  }
}

export class ProviderUnavailableError extends ProviderError {
  readonly retryable = true;
  /** The provider's Retry-After, in seconds, when it sent one. */
  readonly retryAfterSeconds?: number;
  constructor(
    message: string,
    options: { provider: string; httpStatus?: number; retryAfterSeconds?: number; cause?: unknown },
  ) {
    super('provider_unavailable', 'retryable', message, options);
    this.name = 'ProviderUnavailableError';
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export class ProviderTimeoutError extends ProviderError {
  readonly retryable = true;
  readonly timeoutMs: number;
  constructor(message: string, options: { provider: string; timeoutMs: number; cause?: unknown }) {
    super('provider_timeout', 'retryable', message, options);
    this.name = 'ProviderTimeoutError';
    this.timeoutMs = options.timeoutMs;
  }
}

export class ProviderProtocolError extends ProviderError {
  readonly retryable = true;
  constructor(message: string, options: { provider: string; httpStatus?: number; cause?: unknown }) {
    super('provider_protocol_error', 'retryable', message, options);
    this.name = 'ProviderProtocolError';
  }
}

export class ProviderRejectedError extends ProviderError {
  readonly retryable = false;
  /** The provider's machine-readable reason (`account_closed`, `invalid_account_number`, …). */
  readonly reasonCode: string;
  constructor(
    message: string,
    options: { provider: string; reasonCode: string; httpStatus?: number; cause?: unknown },
  ) {
    super('provider_rejected', 'terminal', message, options);
    this.name = 'ProviderRejectedError';
    this.reasonCode = options.reasonCode;
  }
}

export class ProviderIdempotencyConflictError extends ProviderError {
  readonly retryable = false;
  constructor(message: string, options: { provider: string; httpStatus?: number; cause?: unknown }) {
    super('provider_idempotency_conflict', 'human_action_required', message, options);
    this.name = 'ProviderIdempotencyConflictError';
  }
}

export class ProviderAuthenticationError extends ProviderError {
  readonly retryable = false;
  constructor(message: string, options: { provider: string; httpStatus?: number; cause?: unknown }) {
    super('provider_authentication_failed', 'human_action_required', message, options);
    this.name = 'ProviderAuthenticationError';
  }
}

export function isProviderError(error: unknown): error is ProviderError {
  return error instanceof ProviderError;
}
