import type * as z from 'zod';
import type { FunctionName, Scope } from '../../shared/names';
import type { FailureSemantics } from '../internal-error';

/**
 * The shape of an entry of the route registry (openapi-routes.ts, and the route files it gathers,
 * e.g. corrections-routes.ts), apart from the registry so a route file can name it without
 * importing the registry that imports it.
 */
export const TAGS = {
  payouts: 'Create, read and act on payouts: approve, cancel, reverse (tenant-scoped)',
  batches: 'Batches of up to 15,000 payouts: submit, read item by item, approve, retry (tenant-scoped)',
  corridors: 'The launch corridor matrix',
  recipients: 'Recipients, their onboarding and tax forms (tenant-scoped)',
  ledger: 'Ledger balances (operators)',
  webhooks: 'Provider webhook intake (signature-authenticated)',
  ops: 'Operator routes: cross-tenant payout lookup, exceptions, corrections, DLQ, redrive and replay (audited)',
  reconciliation: 'Reconciliation runs and finance exports',
  audit: 'The tamper-evident audit trail (compliance)',
  meta: 'This document and the ops console page',
} as const;
export type Tag = keyof typeof TAGS;

/** Statuses a route may answer with the error body, besides those the document adds to every route. */
export type RouteErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 503;
export type ResponseHeader = 'Idempotent-Replayed' | 'Retry-After' | 'Location';

export interface OpenApiRoute {
  method: 'get' | 'post';
  path: string;
  functionName: FunctionName;
  /** null: no JWT (the description says why). */
  scope: Scope | null;
  operationId: string;
  summary: string;
  description: string;
  tags: Tag[];
  /** One schema per `{name}` of the path (a test holds them equal). */
  pathParameters?: Record<string, z.ZodType>;
  /** A strict object: the document then says unknown parameters are refused. */
  query?: z.ZodObject;
  /** Request headers the route reads. */
  headers?: Array<{ name: string; required: boolean; description: string; schema: z.ZodType }>;
  requestBody?: {
    schema: z.ZodType;
    /** false: an empty body means `{}`. */
    required: boolean;
    /** The handler reads the raw bytes whatever the Content-Type (webhooks: the signature covers them). */
    anyContentType?: true;
    /** The handler's own limit, if it has one; API Gateway's 10 MB applies before it. */
    bodyBytesMax?: number;
    examples?: Record<string, unknown>;
  };
  /** Success status → its body. */
  responses: Record<
    number,
    { description: string; schema: z.ZodType; mediaType?: 'text/html'; headers?: ResponseHeader[] }
  >;
  /** Error status → when (its codes). */
  errors: Partial<Record<RouteErrorStatus, string>>;
  /** Response headers of an error status (e.g. Retry-After on a 409). */
  errorHeaders?: Partial<Record<RouteErrorStatus | 500, ResponseHeader[]>>;
  /**
   * What an unforeseen failure means (handlers/http/internal-error.ts), so the document's 500 says
   * its category. Default: `read` for a GET, `operator_action` for a POST (httpHandler's default).
   */
  failure?: FailureSemantics;
  /** false: the route calls no AWS service (a static answer), so it never answers 503. */
  callsAws?: false;
}

/** The refusal every tenant route documents for a token without its tenant. */
export const TENANT_403 = 'tenant_missing: the token carries no valid tenant_id claim';

/** An operator route's 403: API Gateway checks the scope, and the handler checks it again. */
export const OPERATOR_403 = 'insufficient_scope: the handler checks the scope again';
