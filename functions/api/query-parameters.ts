import type { z } from 'zod';
import { badRequest, type ApiError } from '../handlers/http/api-error';

/** Validates query parameters with a schema whose messages are error codes (see schemas.ts). */
export function parseQuery<S extends z.ZodType>(schema: S, query: Record<string, string | undefined> | undefined): z.infer<S> {
  const result = schema.safeParse(query ?? {});
  if (result.success) return result.data;
  throw queryError(result.error.issues[0]!);
}

function queryError(issue: z.core.$ZodIssue): ApiError {
  const param = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') return badRequest('parameter_unknown', `${issue.keys[0]} is not a query parameter of this route`, issue.keys[0]);
  const code = /^[a-z_]+$/.test(issue.message) ? issue.message : 'parameter_invalid';
  return badRequest(code, `${param} is invalid`, param);
}
