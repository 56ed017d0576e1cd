import { ApiError } from '../../http/api-error';

/**
 * The recipients routes' own refusals. A recipient id that is not the caller's tenant's answers
 * exactly like one that does not exist (the key names the tenant: it is never read and filtered).
 */
export function recipientNotFound(): ApiError {
  return new ApiError({
    status: 404,
    type: 'not_found_error',
    code: 'recipient_not_found',
    category: 'terminal',
    message: 'no such recipient in this tenant',
    param: 'recipientId',
  });
}

/** Another write moved the record between this request's read and its write: nothing was written. */
export function recipientChanged(): ApiError {
  return new ApiError({
    status: 409,
    type: 'conflict_error',
    code: 'recipient_changed',
    category: 'retryable',
    message: 'the recipient changed while this request was written; nothing was written, retry',
  });
}

export function onboardingRefused(code: string, message: string): ApiError {
  return new ApiError({ status: 409, type: 'conflict_error', code, category: 'terminal', message, param: 'decision' });
}

/** Four-eyes between the tenant and compliance: the principal that created a recipient never decides it. */
export function deciderIsCreator(): ApiError {
  return new ApiError({
    status: 403,
    type: 'permission_error',
    code: 'decider_is_creator',
    category: 'terminal',
    message: 'the principal that created this recipient cannot decide its onboarding',
  });
}
