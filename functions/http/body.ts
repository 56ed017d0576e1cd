import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { API_BODY_DEPTH_MAX } from './http-limits';
import { assertNever } from '../domain/assert-never';
import { ApiError, badRequest } from './api-error';
import { parseStrictJsonBytes, type StrictJsonFailure } from './strict-json';

/**
 * The one body parser of the API's JSON routes (POST /payouts and every ops and reconciliation
 * POST). Checked in this order, the first failure answering, nothing read further and nothing
 * written: content type (415) → size in bytes (413) → UTF-8 (400 body_not_utf8) → JSON syntax
 * (400 body_not_json) → nesting depth (400 body_too_deep) → duplicate keys (400 duplicate_json_key,
 * `param` the key's dotted path) → a JSON object (400 body_not_object) → prototype keys anywhere
 * (400 forbidden_key). The schemas of each route then check fields (request-errors.ts).
 *
 * API Gateway (HTTP API) hands a JSON body over as a string and other content types base64-encoded
 * (`isBase64Encoded`); both are turned back into the bytes the client sent before anything else.
 */
/** Keys that reach an object's prototype when a body is merged or copied naively. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export interface JsonBodyOptions {
  bytesMax: number;
  /**
   * What an absent or empty body means: `{}` for actions whose every field is optional (an
   * assign with the defaults); `refuse` (the default) answers 400 body_not_json.
   */
  empty?: 'empty_object' | 'refuse';
}

type BodyEvent = Pick<APIGatewayProxyEventV2, 'headers' | 'body' | 'isBase64Encoded'>;

/** The bytes the client sent. A text body with a lone surrogate cannot have come from UTF-8 bytes. */
export function rawBodyOf(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): Uint8Array | undefined {
  const body = event.body ?? '';
  if (event.isBase64Encoded) return Buffer.from(body, 'base64');
  if (LONE_SURROGATE.test(body)) return undefined;
  return Buffer.from(body, 'utf8');
}

export function parseJsonBody(event: BodyEvent, options: JsonBodyOptions): Record<string, unknown> {
  if ((event.body === undefined || event.body === '') && options.empty === 'empty_object')
    return Object.create(null) as Record<string, unknown>;
  const mediaType = (event.headers?.['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new ApiError({
      status: 415,
      type: 'invalid_request_error',
      code: 'content_type_unsupported',
      category: 'terminal',
      message: 'Content-Type must be application/json',
    });
  }
  const bytes = rawBodyOf(event);
  if (bytes !== undefined && bytes.byteLength > options.bytesMax) {
    throw new ApiError({
      status: 413,
      type: 'invalid_request_error',
      code: 'body_too_large',
      category: 'terminal',
      message: `the body must be at most ${options.bytesMax} bytes`,
    });
  }
  const parsed =
    bytes === undefined
      ? ({ ok: false, failure: { code: 'body_not_utf8' } } as const)
      : parseStrictJsonBytes(bytes, API_BODY_DEPTH_MAX);
  if (!parsed.ok) throw bodyError(parsed.failure);
  const value = parsed.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw badRequest('body_not_object', 'the body must be a JSON object');
  const forbidden = findForbiddenKey(value, '');
  if (forbidden !== undefined) throw badRequest('forbidden_key', `the key ${forbidden} is not allowed`, forbidden);
  return value as Record<string, unknown>;
}

export function bodyError(failure: StrictJsonFailure): ApiError {
  switch (failure.code) {
    case 'body_not_utf8':
      return badRequest('body_not_utf8', 'the body is not valid UTF-8');
    case 'body_not_json':
      return badRequest('body_not_json', 'the body is not valid JSON');
    case 'body_too_deep':
      return badRequest('body_too_deep', `the body nests deeper than ${failure.depthMax} levels`);
    case 'duplicate_json_key':
      return new ApiError({
        status: 400,
        type: 'invalid_request_error',
        code: 'duplicate_json_key',
        category: 'terminal',
        message:
          `the key ${JSON.stringify(failure.key)} appears more than once in the same object ` +
          `(${failure.path}); send each key once`,
        param: failure.path,
        details: { fields: failure.paths },
      });
    default:
      return assertNever(failure, 'strict JSON failure');
  }
}

/** The strict parser already bounded the depth, so this walk is bounded too. */
function findForbiddenKey(value: unknown, path: string): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  for (const key of Object.keys(value)) {
    const keyPath = path === '' ? key : `${path}.${key}`;
    if (FORBIDDEN_KEYS.has(key)) return keyPath;
    const nested = findForbiddenKey((value as Record<string, unknown>)[key], keyPath);
    if (nested !== undefined) return nested;
  }
  return undefined;
}
