import * as z from 'zod';
import type { ApiError } from './api-error';
import { requestErrorOf, type RequestErrorOptions } from './request-errors';

/**
 * Validates query parameters with a schema whose messages are error codes (see schemas.ts). Every
 * route's query schema is strict: a parameter the route does not take is refused by name (400
 * parameter_unknown), never ignored, so a misspelt filter cannot silently widen a listing.
 */
export function parseQuery<S extends z.ZodType>(
  schema: S,
  query: Record<string, string | undefined> | undefined,
  messages?: RequestErrorOptions['messages'],
): z.infer<S> {
  const result = schema.safeParse(query ?? {});
  if (result.success) return result.data;
  throw queryError(result.error, query ?? {}, messages);
}

export function queryError(error: z.ZodError, query: unknown, messages?: RequestErrorOptions['messages']): ApiError {
  return requestErrorOf(error.issues, query, { kind: 'query', ...(messages === undefined ? {} : { messages }) });
}

/** Routes that take no query parameter at all (GET /payouts/{payoutId}, /reconciliations/{date}, …). */
export const noQuerySchema = z.object({}).strict();
