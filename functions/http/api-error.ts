import type { ErrorCategory } from '../domain/domain-error';
import { DomainError } from '../domain/domain-error';

/**
 * The HTTP edge's error hierarchy. An ApiError carries everything the error body of DESIGN §3
 * needs; `fromDomainError` maps domain errors without string matching on messages.
 */
export const ERROR_TYPES = [
  'invalid_request_error',
  'authentication_error',
  'permission_error',
  'not_found_error',
  'idempotency_error',
  'conflict_error',
  'rate_limit_error',
  'api_error',
] as const;
export type ErrorType = (typeof ERROR_TYPES)[number];

export interface ApiErrorInit {
  status: number;
  type: ErrorType;
  code: string;
  category: ErrorCategory;
  message: string;
  param?: string;
  /** Extra machine-readable detail, e.g. the fields that differ on an idempotency key reuse. */
  details?: Record<string, unknown>;
  headers?: Record<string, string>;
  cause?: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly type: ErrorType;
  readonly code: string;
  readonly category: ErrorCategory;
  readonly param?: string;
  readonly details?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(init: ApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ApiError';
    this.status = init.status;
    this.type = init.type;
    this.code = init.code;
    this.category = init.category;
    if (init.param !== undefined) this.param = init.param;
    if (init.details !== undefined) this.details = init.details;
    if (init.headers !== undefined) this.headers = init.headers;
  }
}

/** Operating errors of the domain are the caller's to fix (4xx); the category says how. */
export function fromDomainError(error: DomainError, status = 422): ApiError {
  return new ApiError({
    status,
    type: 'invalid_request_error',
    code: error.code,
    category: error.category,
    message: error.message,
    ...(error.param === undefined ? {} : { param: error.param }),
    cause: error,
  });
}

export const notFound = (what: string): ApiError =>
  new ApiError({
    status: 404,
    type: 'not_found_error',
    code: 'resource_not_found',
    category: 'terminal',
    message: `${what} not found`,
  });

export const badRequest = (code: string, message: string, param?: string): ApiError =>
  new ApiError({
    status: 400,
    type: 'invalid_request_error',
    code,
    category: 'terminal',
    message,
    ...(param === undefined ? {} : { param }),
  });
