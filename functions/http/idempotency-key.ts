import * as z from 'zod';
import { badRequest } from './api-error';
import { IDEMPOTENCY_KEY_CHARS_MAX, IDEMPOTENCY_KEY_PATTERN } from './schemas';
import type { HttpResult } from './response';

/**
 * The Idempotency-Key header of every state-changing action, read like create's
 * (create-payout-request.ts): required, 1 to 255 printable ASCII characters. Checked after the
 * principal and before the body, so a missing key is refused before anything is parsed or read.
 */
export { IDEMPOTENCY_KEY_CHARS_MAX, IDEMPOTENCY_KEY_PATTERN } from './schemas';

/** What a concurrent duplicate is told to wait before it retries (409 + Retry-After). */
export const IDEMPOTENCY_IN_PROGRESS_RETRY_AFTER_SECONDS = 1;

export function idempotencyKeyOf(headers: Readonly<Record<string, string | undefined>> | undefined): string {
  const key = headers?.['idempotency-key'];
  if (key === undefined || key === '')
    throw badRequest('idempotency_key_missing', 'the Idempotency-Key header is required', 'Idempotency-Key');
  if (key.length > IDEMPOTENCY_KEY_CHARS_MAX || !IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw badRequest(
      'idempotency_key_invalid',
      `Idempotency-Key must be 1 to ${IDEMPOTENCY_KEY_CHARS_MAX} printable ASCII characters`,
      'Idempotency-Key',
    );
  }
  return key;
}

/** The header as the OpenAPI registry documents it on every action route. */
export function idempotencyKeyHeader(what: string) {
  return {
    name: 'Idempotency-Key',
    required: true,
    description:
      `1 to ${IDEMPOTENCY_KEY_CHARS_MAX} printable ASCII characters, unique per ${what}. The same key and body ` +
      'replays the first answer (Idempotent-Replayed: true); the same key with another body is refused ' +
      '(422 idempotency_key_reused, naming the fields); a duplicate while the first is running gets 409 with Retry-After.',
    schema: z.string().min(1).max(IDEMPOTENCY_KEY_CHARS_MAX).regex(IDEMPOTENCY_KEY_PATTERN),
  };
}

/** An answer as the idempotent section stored it: the body is the stored string, sent as it is. */
export interface StoredAnswer {
  statusCode: number;
  bodyText: string;
  headers: Record<string, string>;
  replayed?: boolean;
}

export function storedAnswerResult(stored: StoredAnswer, requestId: string): HttpResult {
  return {
    statusCode: stored.statusCode,
    headers: {
      'content-type': 'application/json',
      ...stored.headers,
      'request-id': requestId,
      ...(stored.replayed === true ? { 'idempotent-replayed': 'true' } : {}),
    },
    body: stored.bodyText,
  };
}
