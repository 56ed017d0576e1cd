import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { badRequest } from '../http/api-error';

/** Ops request bodies are small JSON objects; anything else is refused before it reaches a repository. */
export const OPS_BODY_BYTES_MAX = 16 * 1024;

export function parseJsonBody(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): Record<string, unknown> {
  if (event.body === undefined || event.body === '') return {};
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(text) > OPS_BODY_BYTES_MAX) throw badRequest('body_too_large', `request bodies are limited to ${OPS_BODY_BYTES_MAX} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest('invalid_json', 'request body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw badRequest('invalid_json', 'request body must be a JSON object');
  // No prototype games: the keys we read are plain data.
  return Object.assign(Object.create(null) as Record<string, unknown>, parsed);
}
