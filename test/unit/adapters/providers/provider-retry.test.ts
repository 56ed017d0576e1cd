// The adapter's error classification and retry rules, as tables in their order of precedence.
import { describe, expect, it } from 'vitest';
import {
  ProviderAuthenticationError,
  ProviderIdempotencyConflictError,
  ProviderProtocolError,
  ProviderRejectedError,
  ProviderTimeoutError,
  ProviderUnavailableError,
  ProviderError,
} from '../../../../functions/domain/provider-errors.js';
import { DomainError } from '../../../../functions/domain/domain-error.js';
import {
  RETRY_AFTER_SECONDS_MAX,
  RETRY_DELAY_MS_MAX,
  classifyFetchError,
  classifyHttpFailure,
  parseRetryAfter,
  retryDecision,
} from '../../../../functions/adapters/providers/provider-retry.js';

const P = 'sandbox';

describe('classifyHttpFailure', () => {
  it.each([
    // status, operation, error body type, expected class/outcome, retryable
    [500, 'submit', 'api_error', ProviderUnavailableError, true],
    [502, 'submit', undefined, ProviderUnavailableError, true],
    [503, 'status', 'api_error', ProviderUnavailableError, true],
    [504, 'submit', undefined, ProviderUnavailableError, true],
    [429, 'submit', undefined, ProviderUnavailableError, true],
    [409, 'submit', 'idempotency_error', ProviderUnavailableError, true],
    [401, 'submit', undefined, ProviderAuthenticationError, false],
    [403, 'status', undefined, ProviderAuthenticationError, false],
    [422, 'submit', 'idempotency_error', ProviderIdempotencyConflictError, false],
    [422, 'submit', 'invalid_request_error', ProviderRejectedError, false],
    [402, 'submit', 'payout_rejected', ProviderRejectedError, false],
    [400, 'submit', 'invalid_request_error', ProviderRejectedError, false],
    [404, 'submit', 'not_found', ProviderProtocolError, true],
    [400, 'status', 'invalid_request_error', ProviderProtocolError, true],
    [302, 'submit', undefined, ProviderProtocolError, true],
  ] as const)('%i on %s (%s) → %o', (status, operation, type, expected, retryable) => {
    const outcome = classifyHttpFailure(
      P,
      operation,
      status,
      type === undefined ? undefined : { error: { type, code: 'some_code', message: 'm' } },
      null,
    );
    expect(outcome).toBeInstanceOf(expected);
    const error = outcome as ProviderError;
    expect(error.retryable).toBe(retryable);
    expect(error.httpStatus).toBe(status);
    expect(error.provider).toBe(P);
    expect(error).toBeInstanceOf(DomainError);
    expect(error.name).toBe((expected as { name: string }).name);
  });

  it('404 on a status read is not_found, not an error', () => {
    expect(
      classifyHttpFailure(P, 'status', 404, { error: { type: 'not_found', code: 'resource_missing' } }, null),
    ).toBe('not_found');
  });

  it('a rejection carries the provider reason code', () => {
    const error = classifyHttpFailure(
      P,
      'submit',
      402,
      { error: { type: 'payout_rejected', code: 'invalid_account_number', message: 'bad' } },
      null,
    ) as ProviderRejectedError;
    expect(error.reasonCode).toBe('invalid_account_number');
    expect(error.category).toBe('terminal');
  });

  it('Retry-After (seconds) is kept on unavailable errors; an HTTP date is ignored', () => {
    expect((classifyHttpFailure(P, 'submit', 503, undefined, '7') as ProviderUnavailableError).retryAfterSeconds).toBe(
      7,
    );
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('classifyFetchError', () => {
  it.each([
    [
      Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }),
      ProviderTimeoutError,
    ],
    [Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }), ProviderTimeoutError],
    [
      new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      }),
      ProviderUnavailableError,
    ],
    [
      new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) }),
      ProviderUnavailableError,
    ],
  ])('%s → %o, with the original as cause', (thrown, expected) => {
    const error = classifyFetchError(P, thrown, 5_000);
    expect(error).toBeInstanceOf(expected);
    expect(error.cause).toBe(thrown);
    expect(error.retryable).toBe(true);
  });
});

describe('retryDecision (rules in order)', () => {
  const unavailable = new ProviderUnavailableError('503', { provider: P, httpStatus: 503 });
  const timeout = new ProviderTimeoutError('slow', { provider: P, timeoutMs: 5_000 });
  it.each([
    ['a non-provider error', new Error('bug'), 'submit', 1, false],
    ['the cap', unavailable, 'submit', 2, false],
    ['a rejection', new ProviderRejectedError('no', { provider: P, reasonCode: 'x' }), 'submit', 1, false],
    ['an idempotency conflict', new ProviderIdempotencyConflictError('422', { provider: P }), 'submit', 1, false],
    ['an auth failure', new ProviderAuthenticationError('401', { provider: P }), 'status', 1, false],
    ['a submit timeout', timeout, 'submit', 1, false],
    ['a status timeout', timeout, 'status', 1, true],
    ['a 503', unavailable, 'submit', 1, true],
    [
      'a long Retry-After',
      new ProviderUnavailableError('429', {
        provider: P,
        httpStatus: 429,
        retryAfterSeconds: RETRY_AFTER_SECONDS_MAX + 1,
      }),
      'submit',
      1,
      false,
    ],
    ['a protocol error', new ProviderProtocolError('garbled', { provider: P }), 'submit', 1, true],
  ] as const)('%s → retry %s', (_label, error, operation, attempt, retry) => {
    const decision = retryDecision(error, operation, attempt, 2, () => 0.5);
    expect(decision.retry).toBe(retry);
    expect(decision.reason.length).toBeGreaterThan(10);
  });

  it('delays are jittered, capped, and honour a short Retry-After', () => {
    const delays = [1, 2, 3, 4, 5, 10].map(
      (attempt) => retryDecision(unavailable, 'status', attempt, 100, () => 0.999).delayMs,
    );
    expect(delays.every((delay) => delay <= RETRY_DELAY_MS_MAX)).toBe(true);
    expect(delays.at(-1)).toBe(Math.floor(0.999 * RETRY_DELAY_MS_MAX));
    expect(retryDecision(unavailable, 'submit', 1, 2, () => 0).delayMs).toBe(0);
    const withRetryAfter = new ProviderUnavailableError('429', { provider: P, httpStatus: 429, retryAfterSeconds: 1 });
    expect(retryDecision(withRetryAfter, 'submit', 1, 2, () => 0).delayMs).toBe(1_000);
  });
});
