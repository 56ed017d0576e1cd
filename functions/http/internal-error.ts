import { ApiError } from './api-error';

/**
 * A failure no route mapped, answered honestly: the category must say what a retry can do, and
 * the message must fit the route it answers. The rule, in order:
 *
 * 1. A known-transient AWS failure — throttling, a 5xx, a timeout, a dropped connection, the
 *    error codes the AWS SDK's own retry strategy treats as transient (@smithy/core
 *    service-error-classification), still failing after the SDK's retries — is 503
 *    `temporarily_unavailable`, `retryable`, with Retry-After: the same request can succeed soon.
 * 2. Anything else is a defect or an unknown, 500 `internal_error`. A DynamoDB
 *    ValidationException is a bug (we sent a request DynamoDB refuses); retrying repeats it. What
 *    the caller should do then depends on what the route may have done:
 *    - `read` (GET): nothing changed and a retry repeats the failure: `terminal`.
 *    - `idempotent_create` (POST /payouts): the outcome may be unknown and the Idempotency-Key
 *      makes a retry safe; retrying with the same key is how the caller learns whether the payout
 *      exists, so `retryable` is the honest answer (deterministic failures are *returned* by the
 *      create service, stored and replayed as human_action_required; they never reach here).
 *    - `idempotent_action` (the tenant's payout actions, issue 10): likewise, a retry with the same
 *      Idempotency-Key is safe (the action key lock applies it at most once): `retryable`.
 *    - `operator_action` (ops POSTs): the action may be partly applied (a redrive moves messages
 *      one by one): `human_action_required`, check its audit trail before repeating it.
 *    - `webhook_delivery` (POST /webhooks/{provider}): nothing was acknowledged, the provider
 *      redelivers and intake deduplicates: `retryable`.
 */
export type FailureSemantics =
  'read' | 'idempotent_create' | 'idempotent_action' | 'operator_action' | 'webhook_delivery';

/** What a caller waits before retrying a transient failure; the SDK has already retried with backoff. */
export const TRANSIENT_FAILURE_RETRY_AFTER_SECONDS = 1;
const CAUSE_DEPTH_MAX = 5;

const THROTTLING_ERROR_NAMES = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
/** Timeouts, and the service-side names of a 5xx when no status code came with the error. */
const TRANSIENT_ERROR_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  // DynamoDB: another transaction holds an item; the same transaction can succeed a moment later.
  'TransactionConflictException',
  // Ours (adapters/payouts-errors.ts): the payout kept changing under every conditional attempt —
  // a webhook and a tenant's action at once. Nothing was written; the same request can succeed.
  'TransitionConflictError',
]);
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
const TRANSIENT_STATUS_CODES = new Set([429, 500, 502, 503, 504]);

interface AwsErrorShape {
  name?: unknown;
  code?: unknown;
  cause?: unknown;
  $fault?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

export function isTransientFailure(error: unknown, depth = 0): boolean {
  if (error === null || typeof error !== 'object' || depth > CAUSE_DEPTH_MAX) return false;
  const e = error as AwsErrorShape;
  const name = typeof e.name === 'string' ? e.name : '';
  if (name === 'AbortError' || name === 'ValidationException') return false;
  if (THROTTLING_ERROR_NAMES.has(name) || TRANSIENT_ERROR_NAMES.has(name)) return true;
  if (e.$retryable !== undefined || e.$fault === 'server') return true;
  if (typeof e.$metadata?.httpStatusCode === 'number' && TRANSIENT_STATUS_CODES.has(e.$metadata.httpStatusCode))
    return true;
  if (typeof e.code === 'string' && TRANSIENT_NETWORK_CODES.has(e.code)) return true;
  return isTransientFailure(e.cause, depth + 1);
}

const TRANSIENT_MESSAGES: Record<FailureSemantics, string> = {
  read: 'A service we depend on is briefly unavailable; retry after the Retry-After delay',
  idempotent_create:
    'A service we depend on is briefly unavailable; retry after the Retry-After delay ' +
    'with the same Idempotency-Key (it never creates a second payout)',
  idempotent_action:
    'A service we depend on is briefly unavailable; retry after the Retry-After delay ' +
    'with the same Idempotency-Key (the action is applied at most once)',
  operator_action:
    'A service we depend on is briefly unavailable; ' +
    'the action may be partly applied. Retry after the Retry-After delay',
  webhook_delivery:
    'The event was not accepted because a service we depend on is briefly unavailable; ' +
    'redeliver it (deliveries are deduplicated)',
};

const UNKNOWN_FAILURES: Record<FailureSemantics, Pick<ApiError, 'category' | 'message'>> = {
  read: {
    category: 'terminal',
    message: 'An internal error occurred; retrying will not help until it is fixed. Quote the request id to support',
  },
  idempotent_create: {
    category: 'retryable',
    message:
      'An internal error occurred and the outcome is unknown; ' +
      'retry with the same Idempotency-Key to learn it (it never creates a second payout)',
  },
  idempotent_action: {
    category: 'retryable',
    message:
      'An internal error occurred and the outcome is unknown; ' +
      'retry with the same Idempotency-Key to learn it (the action is applied at most once)',
  },
  operator_action: {
    category: 'human_action_required',
    message:
      'An internal error occurred; the action may be partly applied. ' +
      'Check its audit trail (request id) before repeating it',
  },
  webhook_delivery: {
    category: 'retryable',
    message: 'The event was not accepted because of an internal error; redeliver it (deliveries are deduplicated)',
  },
};

/** The category and message of an unknown failure on a route of these semantics (GET /openapi.json states them). */
export function unknownFailureOf(semantics: FailureSemantics): Pick<ApiError, 'category' | 'message'> {
  return UNKNOWN_FAILURES[semantics];
}

export function internalError(error: unknown, semantics: FailureSemantics): ApiError {
  if (isTransientFailure(error)) {
    return new ApiError({
      status: 503,
      type: 'api_error',
      code: 'temporarily_unavailable',
      category: 'retryable',
      message: TRANSIENT_MESSAGES[semantics],
      headers: { 'retry-after': String(TRANSIENT_FAILURE_RETRY_AFTER_SECONDS) },
      cause: error,
    });
  }
  const { category, message } = UNKNOWN_FAILURES[semantics];
  return new ApiError({ status: 500, type: 'api_error', code: 'internal_error', category, message, cause: error });
}
