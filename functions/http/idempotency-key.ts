import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { badRequest } from './api-error';
import { IDEMPOTENCY_KEY_CHARS_MAX, IDEMPOTENCY_KEY_PATTERN } from './schemas';

/**
 * The Idempotency-Key header of a state-changing request, with create's rules (POST /payouts):
 * required (400 idempotency_key_missing), 1 to IDEMPOTENCY_KEY_CHARS_MAX printable ASCII
 * characters (400 idempotency_key_invalid). Checked before the body, as create does.
 */
export function idempotencyKeyOf(event: Pick<APIGatewayProxyEventV2, 'headers'>): string {
  const key = event.headers?.['idempotency-key'];
  if (key === undefined || key === '') {
    throw badRequest('idempotency_key_missing', 'the Idempotency-Key header is required', 'Idempotency-Key');
  }
  if (key.length > IDEMPOTENCY_KEY_CHARS_MAX || !IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw badRequest(
      'idempotency_key_invalid',
      `Idempotency-Key must be 1 to ${IDEMPOTENCY_KEY_CHARS_MAX} printable ASCII characters`,
      'Idempotency-Key',
    );
  }
  return key;
}
