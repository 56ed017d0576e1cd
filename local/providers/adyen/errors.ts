// Adyen's error bodies, as the Transfers API documents them.
//
// Source: Adyen/adyen-openapi json/TransferService-v4.json (aa014f0, 2026-07-01; read 2026-12-01): 401 answers
// `ServiceError` { status, errorCode, message, errorType }; 403, 422 and 500 answer
// `TransferServiceRestServiceError` (RFC 7807) { type, title, detail, status, errorCode, invalidFields?,
// requestId? }; https://docs.adyen.com/errors (read 2026-12-01): "The error responses use the RFC 7807
// format". The spec documents the fields, not a list of errorCode values for /transfers: the codes below
// marked "stand-in" are the stand-in's own. 429 is not in the spec; it answers the RFC 7807 shape, no
// Retry-After (Adyen documents none).
import { ADYEN_IDEMPOTENCY_IN_PROGRESS_ERROR_CODE } from '../../../functions/adapters/providers/adyen-api';
import type { AdyenRestServiceError, AdyenServiceError } from '../../../functions/adapters/providers/adyen-api';

const PROBLEM_BASE = 'https://docs.adyen.com/errors/';

export function unauthorized(): { status: 401; body: AdyenServiceError } {
  return {
    status: 401,
    body: { status: 401, errorCode: '000', message: 'HTTP Status Response - Unauthorized', errorType: 'security' },
  };
}

export function problem(
  status: number,
  errorCode: string,
  title: string,
  detail: string,
  invalidFields?: AdyenRestServiceError['invalidFields'],
): { status: number; body: AdyenRestServiceError } {
  const slug = title.toLowerCase().replace(/[^a-z]+/g, '-');
  return {
    status,
    body: {
      type: `${PROBLEM_BASE}${slug}`,
      title,
      detail,
      status,
      errorCode,
      requestId: `REQ${Date.now().toString(36).toUpperCase()}`,
      ...(invalidFields === undefined ? {} : { invalidFields }),
    },
  };
}

/** An injected 5xx or 429 (stand-in codes). */
export function unavailable(status: number): { status: number; body: AdyenRestServiceError } {
  return status === 429
    ? problem(429, '00_429', 'Too Many Requests', 'The request rate limit was exceeded.')
    : problem(status, '00_500', 'Internal Server Error', 'The server could not process the request.');
}

/** The bank details are invalid: Adyen names the counterparty field (stand-in code 30_112). */
export function invalidCounterparty(field: string, value: string) {
  return problem(422, '30_112', 'Invalid Transfer Information', `Invalid ${field}`, [
    { name: field, value, message: 'The bank account details are not valid.' },
  ]);
}

/** Adyen refuses for its own reason, naming no field of ours (stand-in code 30_031). */
export function refusedByAdyen() {
  return problem(422, '30_031', 'Transfer Refused', 'The transfer was refused: a transaction rule blocked it.');
}

export function validation(detail: string, field: string, value: string) {
  return problem(422, '00_422', 'Invalid Transfer Information', detail, [{ name: field, value, message: detail }]);
}

export function inProgress() {
  return problem(
    422,
    ADYEN_IDEMPOTENCY_IN_PROGRESS_ERROR_CODE,
    'Request already processed or in progress',
    'A request with this Idempotency-Key is still being processed.',
  );
}

export function notFound(transferId: string) {
  return problem(404, '00_404', 'Entity Not Found', `Transfer ${transferId} does not exist.`);
}
