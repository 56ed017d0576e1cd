// The PayPal stand-in's error bodies, as PayPal documents them: the spec's `error` schema
// (name, message, debug_id, information_link, details[]) for the Payouts API, RFC 6749 §5.2
// `{ error, error_description }` for OAuth. Sources: openapi/payments_payouts_batch_v1.json
// (commit ec4d8f3, 2024-02-03) and PayPal developer docs "Payouts API: errors" and "Transaction
// activity log error and reason codes" (read 2026-12-01). Where PayPal publishes a name but no
// `details[].issue`, the issue text here is the stand-in's own and says so by being in this file only.
import { randomBytes } from 'node:crypto';
import type { PaypalErrorBody } from '../../../functions/adapters/providers/paypal-api';

const INFO = 'https://developer.paypal.com/docs/api/payments.payouts-batch/v1/#errors';
const debugId = () => randomBytes(7).toString('hex');

export function paypalError(
  name: string,
  message: string,
  details?: PaypalErrorBody['details'],
  links?: PaypalErrorBody['links'],
): PaypalErrorBody {
  return {
    name,
    message,
    debug_id: debugId(),
    information_link: INFO,
    ...(details === undefined ? {} : { details }),
    ...(links === undefined ? {} : { links }),
  };
}

export const STATUS_ERRORS: Readonly<Record<429 | 500 | 502 | 503, () => PaypalErrorBody>> = {
  429: () => paypalError('RATE_LIMIT_REACHED', 'Too many requests. Blocked due to rate limiting.'),
  500: () => paypalError('INTERNAL_SERVER_ERROR', 'An internal server error has occurred.'),
  // PayPal documents no 502 body; a gateway in front of it answers with its 500 shape.
  502: () => paypalError('INTERNAL_SERVER_ERROR', 'An internal server error has occurred.'),
  503: () => paypalError('SERVICE_UNAVAILABLE', 'Service Unavailable.'),
};

/** The spec's 400 (`error_400`): INVALID_REQUEST with the field and issue in details. */
export const validationError = (field: string, issue: string, description: string) =>
  paypalError('INVALID_REQUEST', 'Request is not well-formed, syntactically incorrect, or violates schema.', [
    { field, location: 'body', issue, description },
  ]);

export const notFound = () =>
  paypalError('RESOURCE_NOT_FOUND', 'The requested resource was not found.', [{ issue: 'INVALID_RESOURCE_ID' }]);

export const invalidToken = { error: 'invalid_token', error_description: 'Token signature verification failed' };
export const invalidClient = { error: 'invalid_client', error_description: 'Client Authentication failed' };

/**
 * Create-time refusals by the attribution a `reject` fault asks for: the spec's 422 (`error_422`,
 * UNPROCESSABLE_ENTITY, "failed business validation") with PayPal's published item error name as the
 * detail's issue. PayPal reports most such refusals per item after accepting a batch; the stand-in
 * plays them at the create so nothing is held, which is what the conformance contract asks of it.
 */
export const CREATE_REJECTIONS: Readonly<Record<'recipient_details' | 'provider', () => PaypalErrorBody>> = {
  recipient_details: () =>
    unprocessable('/items/0/receiver', 'RECEIVER_ACCOUNT_LOCKED', "Recipient's account locked or inactive."),
  provider: () =>
    unprocessable('/items/0', 'RISK_DECLINE', 'This transaction was declined by PayPal due to risk concerns.'),
};

function unprocessable(field: string, issue: string, description: string): PaypalErrorBody {
  return paypalError(
    'UNPROCESSABLE_ENTITY',
    'The requested action could not be performed, semantically incorrect, or failed business validation.',
    [{ field, location: 'body', issue, description }],
  );
}
