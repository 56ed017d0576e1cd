import type * as z from 'zod';
import { describeTextRefusal, INVALID_TEXT_CODE, type TextRefusal } from '../domain/text';
import { ApiError, badRequest } from './api-error';

/**
 * Zod issues → the one ApiError a request gets. The schemas put an error *code* in each check's
 * message (`amount_not_integer`); this maps codes to the DESIGN §3 body. Order of precedence:
 * 1. unknown fields or query parameters, all of them named (`param` the first, `fields` every one):
 *    a misspelt name is the likeliest cause of every other error;
 * 2. the first other issue: a missing body field (`field_missing`), a text rule (`invalid_text`
 *    with its `reason`, domain/text.ts), or the check's own code.
 */
export interface RequestErrorOptions {
  /** `body` fields are `field_unknown`/`field_missing`; `query` parameters are `parameter_unknown`. */
  kind: 'body' | 'query';
  /** Human text per code; codes without one get "<param> is invalid: <code in words>". */
  messages?: Readonly<Record<string, (param: string) => string>>;
}

export function requestErrorOf(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  options: RequestErrorOptions,
): ApiError {
  // Shallowest first (stable), so `param` names a top-level field before a nested one.
  const unknown = issues
    .flatMap((issue) => (issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : []))
    .sort((a, b) => a.length - b.length)
    .map(pathOf);
  if (unknown.length > 0) {
    const body = options.kind === 'body';
    const code = body ? 'field_unknown' : 'parameter_unknown';
    const message =
      unknown.length === 1
        ? `${unknown[0]} is not ${body ? 'a field of this request' : 'a query parameter of this route'}`
        : `${unknown.join(', ')} are not ${body ? 'fields of this request' : 'query parameters of this route'}`;
    return new ApiError({
      status: 400,
      type: 'invalid_request_error',
      code,
      category: 'terminal',
      message,
      param: unknown[0]!,
      details: { fields: unknown },
    });
  }
  const issue = issues[0]!;
  const param = pathOf(issue.path);
  if (options.kind === 'body' && issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined)
    return badRequest('field_missing', `${param} is required`, param);
  if (issue.code === 'custom' && issue.message === INVALID_TEXT_CODE)
    return invalidTextError(param, issue.params as unknown as TextRefusal);
  const code = /^[a-z_]+$/.test(issue.message) ? issue.message : 'parameter_invalid';
  const message =
    options.messages?.[code]?.(param) ??
    `${param} is invalid: ${code === 'parameter_invalid' ? issue.message : code.replace(/_/g, ' ')}`;
  return badRequest(code, message, param);
}

/** 400 invalid_text: `param` breaks one of domain/text.ts's rules, named in `reason`. */
export function invalidTextError(param: string, refusal: TextRefusal): ApiError {
  return new ApiError({
    status: 400,
    type: 'invalid_request_error',
    code: INVALID_TEXT_CODE,
    category: 'terminal',
    message: `${param} ${describeTextRefusal(refusal)}`,
    param,
    details: { reason: refusal.reason },
  });
}

export function pathOf(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (node, key) =>
      node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined,
    input,
  );
}
