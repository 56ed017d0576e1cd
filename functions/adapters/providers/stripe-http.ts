import {
  ProviderIdempotencyConflictError,
  ProviderProtocolError,
  type ProviderError,
} from '../../domain/provider-errors';
import { classifyFetchError, classifyHttpFailure, type ErrorBodyShape, type Operation } from './provider-retry';
import { STRIPE_API_VERSION, STRIPE_HEADERS, type StripeErrorBody } from './stripe-api';

/**
 * One exchange with Stripe's API under one timeout, classified by Stripe's documented error types
 * (https://docs.stripe.com/api/errors): `api_error` and 429 (`rate_limit`) are transient, retried with
 * the same Idempotency-Key; `idempotency_error` (a key reused with other parameters, any status) is our
 * bug; 401/403 are credentials; `card_error` (402) and `invalid_request_error` (400) on a create are
 * Stripe refusing this payout; a 404 on a read is an answer.
 */

const PROVIDER = 'stripe';

export interface StripeConnection {
  readonly baseUrl: string;
  readonly secretKey: string;
  readonly fetch: typeof fetch;
}

export interface StripeRequest {
  readonly operation: Operation;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly timeoutMs: number;
  /** The connected account (`Stripe-Account`); absent for the platform's own account. */
  readonly account?: string | undefined;
  readonly idempotencyKey?: string;
  /** Form-encoded, as Stripe's v1 API takes it. */
  readonly body?: string;
  /** Statuses that are outcomes of the operation (a refused cancel), handed back to read. */
  readonly answers?: readonly number[];
}

export interface StripeAnswer {
  readonly status: number;
  readonly json: unknown;
  readonly replayed: boolean;
}

export async function stripeRequest(connection: StripeConnection, request: StripeRequest): Promise<StripeAnswer> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${connection.secretKey}`,
    [STRIPE_HEADERS.version]: STRIPE_API_VERSION,
    ...(request.account === undefined ? {} : { [STRIPE_HEADERS.account]: request.account }),
    ...(request.idempotencyKey === undefined ? {} : { [STRIPE_HEADERS.idempotencyKey]: request.idempotencyKey }),
    ...(request.body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
  };
  let response: Response;
  let text: string;
  try {
    response = await connection.fetch(`${connection.baseUrl}${request.path}`, {
      method: request.method,
      headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    throw classifyFetchError(PROVIDER, error, request.timeoutMs);
  }
  const json = parseJson(text);
  const replayed = response.headers.get(STRIPE_HEADERS.replayed) === 'true';
  if ((response.status >= 200 && response.status < 300) || request.answers?.includes(response.status)) {
    if (json === undefined)
      throw new ProviderProtocolError(`stripe answered ${response.status} with a body that is not JSON`, {
        provider: PROVIDER,
        httpStatus: response.status,
      });
    return { status: response.status, json, replayed };
  }
  const failure = classifyStripeFailure(request.operation, response.status, json, response.headers.get('retry-after'));
  if (failure === 'not_found') return { status: 404, json, replayed };
  throw failure;
}

export function classifyStripeFailure(
  operation: Operation,
  status: number,
  json: unknown,
  retryAfter: string | null,
): ProviderError | 'not_found' {
  const error = (json as Partial<StripeErrorBody> | undefined)?.error;
  // Stripe answers a reused key with other parameters as 400 idempotency_error: repeating cannot fix it.
  if (error?.type === 'idempotency_error' && status !== 409)
    return new ProviderIdempotencyConflictError(`stripe answered ${status} idempotency_error: ${error.message ?? ''}`, {
      provider: PROVIDER,
      httpStatus: status,
    });
  const body: ErrorBodyShape | undefined =
    error === undefined
      ? undefined
      : { error: { type: error.type, code: error.code ?? error.type, message: error.message } };
  return classifyHttpFailure(PROVIDER, operation, status, body, retryAfter);
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
