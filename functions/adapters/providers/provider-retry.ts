import { assertNever } from '../../domain/assert-never';
import {
  ProviderAuthenticationError,
  ProviderError,
  ProviderIdempotencyConflictError,
  ProviderProtocolError,
  ProviderRejectedError,
  ProviderTimeoutError,
  ProviderUnavailableError,
} from '../../domain/provider-errors';

/**
 * How provider adapters classify what came back and decide whether to try again inside one
 * invocation. stripe-node's shape: rules in order, capped, jittered, each with its one-line reason.
 * The SQS redelivery (visibility timeout, maxReceiveCount 5, then SubmissionDlq) is the outer
 * loop, so the in-process loop only smooths over blips.
 */

/** Delay before the first in-process retry; doubles per attempt (full jitter). */
export const RETRY_DELAY_MS_BASE = 250;
/** Upper bound of one in-process retry delay. */
export const RETRY_DELAY_MS_MAX = 2_000;
/** A Retry-After longer than this is left to the queue's redelivery instead of sleeping in the Lambda. */
export const RETRY_AFTER_SECONDS_MAX = 2;

/** `cancel` and `return` are the tenant's actions (issue 10): idempotent at the provider, answered to a waiting caller. */
export type Operation = 'submit' | 'status' | 'cancel' | 'return';

export interface RetryDecision {
  readonly retry: boolean;
  readonly reason: string;
  readonly delayMs: number;
}

/** The rules, in order of precedence. `attempt` is the attempt that just failed (1-based). */
export function retryDecision(
  error: unknown,
  operation: Operation,
  attempt: number,
  attemptsMax: number,
  random: () => number = Math.random,
): RetryDecision {
  const no = (reason: string): RetryDecision => ({ retry: false, reason, delayMs: 0 });
  const yes = (reason: string, retryAfterSeconds?: number): RetryDecision => {
    const backoffMs = Math.floor(random() * Math.min(RETRY_DELAY_MS_MAX, RETRY_DELAY_MS_BASE * 2 ** (attempt - 1)));
    return { retry: true, reason, delayMs: Math.max(backoffMs, (retryAfterSeconds ?? 0) * 1000) };
  };
  if (!(error instanceof ProviderError)) return no('not a provider failure: a programmer error must surface, not loop');
  if (attempt >= attemptsMax) return no('capped: the queue redelivery is the outer retry loop');
  if (error instanceof ProviderRejectedError) return no('a rejection is an answer, not a failure');
  if (error instanceof ProviderIdempotencyConflictError)
    return no('same key, different body is our bug: repeating cannot fix it');
  if (error instanceof ProviderAuthenticationError) return no('credentials or configuration: repeating cannot fix it');
  if (error instanceof ProviderTimeoutError) {
    switch (operation) {
      case 'status':
        return yes('a read is safe to repeat at once');
      case 'cancel':
      case 'return':
        return yes(
          'canceling a canceled payout, or a return with the same key, changes nothing: safe to repeat at once',
        );
      case 'submit':
        return no(
          'the provider may still be working on it: retry later from the queue, with the same key, not within this invocation',
        );
      default:
        return assertNever(operation, 'provider operation');
    }
  }
  if (error instanceof ProviderUnavailableError) {
    if (error.retryAfterSeconds !== undefined && error.retryAfterSeconds > RETRY_AFTER_SECONDS_MAX)
      return no('the provider asked for a longer pause than one invocation should sleep');
    return yes(
      '5xx, 429 and refused connections are transient, and the idempotency key makes a repeat harmless',
      error.retryAfterSeconds,
    );
  }
  if (error instanceof ProviderProtocolError)
    return yes('an unreadable answer may hide a success: repeat with the same key to read it again');
  return no('unclassified provider error');
}

export interface ErrorBodyShape {
  error?: { type?: string; code?: string; message?: string };
}

/**
 * Classifies a non-2xx answer. Rules in order; each line says why. Returns the error to throw,
 * or `not_found` (only meaningful for status reads).
 */
export function classifyHttpFailure(
  provider: string,
  operation: Operation,
  status: number,
  body: ErrorBodyShape | undefined,
  retryAfterHeader: string | null,
): ProviderError | 'not_found' {
  const code = body?.error?.code ?? `http_${status}`;
  const message = `${provider} answered ${status} ${code}${body?.error?.message ? `: ${body.error.message}` : ''}`;
  const retryAfterSeconds = parseRetryAfter(retryAfterHeader);
  // The provider is overloaded or down: transient by definition.
  if (status === 429 || status >= 500)
    return new ProviderUnavailableError(message, {
      provider,
      httpStatus: status,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
  // Our credentials or config are wrong: nothing about this payout.
  if (status === 401 || status === 403)
    return new ProviderAuthenticationError(message, { provider, httpStatus: status });
  // A read of something the provider does not hold is an answer.
  if (status === 404 && operation === 'status') return 'not_found';
  // Another request with this key is still running at the provider: wait and ask again.
  if (status === 409) return new ProviderUnavailableError(message, { provider, httpStatus: status });
  // Same key, different body: a bug on our side that a human must look at.
  if (status === 422 && body?.error?.type === 'idempotency_error')
    return new ProviderIdempotencyConflictError(message, { provider, httpStatus: status });
  // Any other 4xx on a submission is the provider refusing this payout.
  if (status >= 400 && status < 500 && operation === 'submit' && status !== 404)
    return new ProviderRejectedError(message, { provider, httpStatus: status, reasonCode: code });
  // Anything else (a 404 on submit, a 3xx, an odd 4xx on a read) means we are not talking to what we think.
  return new ProviderProtocolError(message, { provider, httpStatus: status });
}

/** Classifies what `fetch` threw: our own abort signal is a timeout, anything else a connection failure. */
export function classifyFetchError(provider: string, error: unknown, timeoutMs: number): ProviderError {
  const name = (error as { name?: string } | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError')
    return new ProviderTimeoutError(`${provider} did not answer within ${timeoutMs} ms`, {
      provider,
      timeoutMs,
      cause: error,
    });
  return new ProviderUnavailableError(
    `${provider} could not be reached: ${(error as Error | undefined)?.message ?? String(error)}`,
    { provider, cause: error },
  );
}

/** Retry-After in seconds (delta-seconds form only; an HTTP date is ignored). */
export function parseRetryAfter(header: string | null): number | undefined {
  if (header === null || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim());
}

export interface RetryLoopOptions {
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Told about each in-process retry (for logs and metrics). */
  readonly onRetry?: (details: {
    operation: Operation;
    attempt: number;
    error: ProviderError;
    reason: string;
    delayMs: number;
  }) => void;
}

/** Runs `call` until it succeeds or `retryDecision` says stop; the one loop every adapter shares. */
export async function withProviderRetries<T>(
  operation: Operation,
  attemptsMax: number,
  options: RetryLoopOptions,
  call: () => Promise<T>,
): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolveSleep) => setTimeout(resolveSleep, ms)));
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      const decision = retryDecision(error, operation, attempt, attemptsMax, options.random);
      if (!decision.retry) throw error;
      options.onRetry?.({
        operation,
        attempt,
        error: error as ProviderError,
        reason: decision.reason,
        delayMs: decision.delayMs,
      });
      await sleep(decision.delayMs);
    }
  }
}
