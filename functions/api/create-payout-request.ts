import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import { enabledCorridor, validateDestination, type Corridor, type CorridorMatrix } from '../domain/corridors';
import { DomainError } from '../domain/domain-error';
import type { Destination } from '../domain/recipient';
import type { RecipientField } from '../domain/recipient-fields';
import { ApiError, badRequest, fromDomainError } from '../handlers/http/api-error';
import { createPayoutBodySchema, SERVER_OWNED_FIELDS, type CreatePayoutBody } from './schemas';

/** Largest create body accepted, in bytes of the decoded body. A payout is well under 4 KiB. */
export const CREATE_BODY_BYTES_MAX = 16_384;
export const IDEMPOTENCY_KEY_CHARS_MAX = 255;
/** Printable ASCII (space to tilde), as Stripe and the IETF Idempotency-Key draft allow. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x20-\x7e]+$/;
/** Keys that can reach an object's prototype when a body is merged or copied naively. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Depth at which the key walk stops; the schema allows three levels, so deeper is refused. */
const BODY_DEPTH_MAX = 8;

export interface CreatePayoutRequest {
  idempotencyKey: string;
  body: CreatePayoutBody;
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
 * several faults always gets the same first error: Idempotency-Key, content type, size, JSON,
 * prototype keys, server-owned fields, schema, corridor, account fields. Nothing here writes.
 */
export function parseCreatePayoutRequest(event: Pick<APIGatewayProxyEventV2, 'headers' | 'body' | 'isBase64Encoded'>, config: CreateRequestConfig): CreatePayoutRequest {
  const headers = event.headers ?? {};
  const idempotencyKey = headers['idempotency-key'];
  if (idempotencyKey === undefined || idempotencyKey === '') throw badRequest('idempotency_key_missing', 'the Idempotency-Key header is required', 'Idempotency-Key');
  if (idempotencyKey.length > IDEMPOTENCY_KEY_CHARS_MAX || !IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey)) {
    throw badRequest('idempotency_key_invalid', `Idempotency-Key must be 1 to ${IDEMPOTENCY_KEY_CHARS_MAX} printable ASCII characters`, 'Idempotency-Key');
  }
  const mediaType = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new ApiError({ status: 415, type: 'invalid_request_error', code: 'content_type_unsupported', category: 'terminal', message: 'Content-Type must be application/json' });
  }
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64') : Buffer.from(event.body ?? '', 'utf8');
  if (raw.byteLength > CREATE_BODY_BYTES_MAX) {
    throw new ApiError({ status: 413, type: 'invalid_request_error', code: 'body_too_large', category: 'terminal', message: `the body must be at most ${CREATE_BODY_BYTES_MAX} bytes` });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw badRequest('body_not_json', 'the body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw badRequest('body_not_object', 'the body must be a JSON object');
  const forbidden = findForbiddenKey(parsed, '', 0);
  if (forbidden !== undefined) throw badRequest('forbidden_key', `the key ${forbidden} is not allowed`, forbidden);
  const serverOwned = SERVER_OWNED_FIELDS.find((field) => Object.hasOwn(parsed as object, field));
  if (serverOwned !== undefined) throw badRequest('field_server_owned', `${serverOwned} is set by the server and cannot be sent`, serverOwned);

  const result = createPayoutBodySchema(config.amountMaxMinor).safeParse(parsed);
  if (!result.success) throw apiErrorOf(result.error.issues[0]!, parsed, config.amountMaxMinor);
  const body = result.data;
  try {
    const { country, method, ...fields } = body.destination;
    const corridor = enabledCorridor(config.corridors, country, body.currency, method);
    const destination = validateDestination(corridor, country, method, fields as Partial<Record<RecipientField, string>>);
    return { idempotencyKey, body, corridor, destination };
  } catch (error) {
    if (error instanceof DomainError) throw fromDomainError(error);
    throw error;
  }
}

function findForbiddenKey(value: unknown, path: string, depth: number): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (depth > BODY_DEPTH_MAX) return path;
  for (const key of Object.keys(value)) {
    const keyPath = path === '' ? key : `${path}.${key}`;
    if (FORBIDDEN_KEYS.has(key)) return keyPath;
    const nested = findForbiddenKey((value as Record<string, unknown>)[key], keyPath, depth + 1);
    if (nested !== undefined) return nested;
  }
  return undefined;
}

/** Human text per code; the schemas put the code in each check's message. */
const MESSAGES: Record<string, (max: number) => string> = {
  amount_not_integer: () => 'amount must be an integer count of minor units',
  amount_not_positive: () => 'amount must be greater than zero',
  amount_above_maximum: (max) => `amount must be at most ${max} minor units`,
  currency_unsupported: () => 'currency must be a supported upper-case ISO 4217 code',
};

function apiErrorOf(issue: z.core.$ZodIssue, body: unknown, amountMaxMinor: number): ApiError {
  const path = issue.path.map(String).join('.');
  const value = issue.path.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined), body);
  if (issue.code === 'unrecognized_keys') {
    const param = path === '' ? issue.keys[0]! : `${path}.${issue.keys[0]!}`;
    return badRequest('field_unknown', `${param} is not a field of this request`, param);
  }
  if (issue.code === 'invalid_type' && value === undefined) return badRequest('field_missing', `${path} is required`, path);
  // An integer past 2^53 has already lost precision in JSON.parse: it is too large, not fractional.
  if (path === 'amount' && typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) {
    return badRequest('amount_above_maximum', MESSAGES['amount_above_maximum']!(amountMaxMinor), path);
  }
  const code = /^[a-z_]+$/.test(issue.message) ? issue.message : 'parameter_invalid';
  const message = MESSAGES[code]?.(amountMaxMinor) ?? `${path} is invalid: ${code === 'parameter_invalid' ? issue.message : code.replace(/_/g, ' ')}`;
  return badRequest(code, message, path);
}
