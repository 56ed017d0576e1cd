import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod';
import { payableCorridor, validateDestination, type Corridor, type CorridorMatrix } from '../domain/corridors';
import { DomainError } from '../domain/domain-error';
import type { Destination } from '../domain/recipient';
import type { RecipientField } from '../domain/recipient-fields';
import { badRequest, fromDomainError, type ApiError } from './api-error';
import { parseJsonBody } from './body';
import { CREATE_BODY_BYTES_MAX } from './http-limits';
import { pathOf, requestErrorOf, valueAt } from './request-errors';
import {
  IDEMPOTENCY_KEY_CHARS_MAX,
  IDEMPOTENCY_KEY_PATTERN,
  payoutRequestBodySchema,
  SERVER_OWNED_FIELDS,
  type PayoutRequestBody,
} from './schemas';

/** Whom the payout pays: the person inline, or a recipient record by id (exactly one was sent). */
export type PayoutRecipientRef =
  { kind: 'inline'; name: string; email?: string } | { kind: 'record'; recipientId: string };

export interface CreatePayoutRequest {
  idempotencyKey: string;
  body: PayoutRequestBody;
  recipient: PayoutRecipientRef;
  corridor: Corridor;
  /** Canonical (IBAN compacted) and unmasked: goes to the destination item only. */
  destination: Destination;
}

export interface CreateRequestConfig {
  amountMaxMinor: number;
  corridors: CorridorMatrix;
}

/**
 * HTTP event → a valid create request, or an ApiError. Checked in this order, so a request with
 * several faults always gets the same first error: Idempotency-Key, the body (content type, size,
 * UTF-8, strict JSON, prototype keys: http/body.ts), server-owned fields, schema (unknown fields
 * first, then each field's rules), the recipient (inline or by id, one of them), corridor, account fields. Nothing here writes.
 */
export function parseCreatePayoutRequest(
  event: Pick<APIGatewayProxyEventV2, 'headers' | 'body' | 'isBase64Encoded'>,
  config: CreateRequestConfig,
): CreatePayoutRequest {
  const headers = event.headers ?? {};
  const idempotencyKey = headers['idempotency-key'];
  if (idempotencyKey === undefined || idempotencyKey === '')
    throw badRequest('idempotency_key_missing', 'the Idempotency-Key header is required', 'Idempotency-Key');
  if (idempotencyKey.length > IDEMPOTENCY_KEY_CHARS_MAX || !IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey)) {
    throw badRequest(
      'idempotency_key_invalid',
      `Idempotency-Key must be 1 to ${IDEMPOTENCY_KEY_CHARS_MAX} printable ASCII characters`,
      'Idempotency-Key',
    );
  }
  const parsed = parseJsonBody(event, { bytesMax: CREATE_BODY_BYTES_MAX });
  const serverOwned = SERVER_OWNED_FIELDS.find((field) => Object.hasOwn(parsed, field));
  if (serverOwned !== undefined)
    throw badRequest('field_server_owned', `${serverOwned} is set by the server and cannot be sent`, serverOwned);

  const result = payoutRequestBodySchema(config.amountMaxMinor).safeParse(parsed);
  if (!result.success) throw apiErrorOf(result.error.issues, parsed, config.amountMaxMinor);
  const body = result.data;
  const recipient = recipientRefOf(body);
  try {
    const { country, method, ...fields } = body.destination;
    const corridor = payableCorridor(config.corridors, country, body.currency, method);
    const destination = validateDestination(
      corridor,
      country,
      method,
      fields as Partial<Record<RecipientField, string>>,
    );
    return { idempotencyKey, body, recipient, corridor, destination };
  } catch (error) {
    if (error instanceof DomainError) throw fromDomainError(error);
    throw error;
  }
}

/** Exactly one of `recipient` and `recipient_id`: neither is a missing field, both is a conflict. */
function recipientRefOf(body: PayoutRequestBody): PayoutRecipientRef {
  if (body.recipient !== undefined && body.recipient_id !== undefined)
    throw badRequest('recipient_conflict', 'send either recipient or recipient_id, not both', 'recipient_id');
  if (body.recipient_id !== undefined) return { kind: 'record', recipientId: body.recipient_id };
  if (body.recipient === undefined)
    throw badRequest('field_missing', 'recipient (or recipient_id) is required', 'recipient');
  const { name, email } = body.recipient;
  return email === undefined ? { kind: 'inline', name } : { kind: 'inline', name, email };
}

/** Human text per code; the schemas put the code in each check's message. */
const MESSAGES: Record<string, (max: number) => string> = {
  amount_not_integer: () => 'amount must be an integer count of minor units',
  amount_not_positive: () => 'amount must be greater than zero',
  amount_above_maximum: (max) => `amount must be at most ${max} minor units`,
  currency_unsupported: () => 'currency must be a supported upper-case ISO 4217 code',
};

function apiErrorOf(issues: readonly z.core.$ZodIssue[], body: unknown, amountMaxMinor: number): ApiError {
  const first = issues[0]!;
  const value = valueAt(body, first.path);
  // An integer past 2^53 has already lost precision in JSON.parse: it is too large, not fractional.
  const unsafeInteger = typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value);
  if (pathOf(first.path) === 'amount' && unsafeInteger && !issues.some((i) => i.code === 'unrecognized_keys')) {
    return badRequest('amount_above_maximum', MESSAGES['amount_above_maximum']!(amountMaxMinor), 'amount');
  }
  const messages = Object.fromEntries(
    Object.entries(MESSAGES).map(([code, message]) => [code, () => message(amountMaxMinor)]),
  );
  return requestErrorOf(issues, body, { kind: 'body', messages });
}
