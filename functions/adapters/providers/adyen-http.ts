import {
  ProviderAuthenticationError,
  ProviderProtocolError,
  ProviderRejectedError,
  ProviderUnavailableError,
  type ProviderError,
} from '../../domain/provider-errors';
import { failureCodeOfAdyenRefusal } from '../../domain/adyen-reasons';
import type { ProviderName } from '../../shared/names';
import { ADYEN_API_KEY_HEADER, ADYEN_IDEMPOTENCY_IN_PROGRESS_ERROR_CODE, type AdyenErrorBody } from './adyen-api';
import { classifyFetchError, parseRetryAfter, type Operation } from './provider-retry';

/**
 * One HTTP exchange with Adyen's Transfers API and the classification of what came back. Adyen's error
 * bodies are not the `{ error: { code } }` shape provider-retry reads, so Adyen has its own table,
 * rules in order, each with its reason.
 */

export const ADYEN_PROVIDER = 'adyen' satisfies ProviderName;

export interface AdyenHttpAnswer {
  readonly status: number;
  readonly json: unknown;
}

export interface AdyenExchange {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly fetchFn: typeof fetch;
}

export async function adyenRequest(
  exchange: AdyenExchange,
  operation: Operation,
  request: { method: 'GET' | 'POST'; url: string; timeoutMs: number; headers?: Record<string, string>; body?: string },
): Promise<AdyenHttpAnswer | 'not_found'> {
  let response: Response;
  let text: string;
  try {
    response = await exchange.fetchFn(request.url, {
      method: request.method,
      headers: { accept: 'application/json', [ADYEN_API_KEY_HEADER]: exchange.apiKey, ...request.headers },
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    throw classifyFetchError(ADYEN_PROVIDER, error, request.timeoutMs);
  }
  const json = parseJson(text);
  if (response.status >= 200 && response.status < 300) {
    if (json === undefined) {
      const message = `adyen answered ${response.status} with a body that is not JSON`;
      throw new ProviderProtocolError(message, { provider: ADYEN_PROVIDER, httpStatus: response.status });
    }
    return { status: response.status, json };
  }
  const failure = classifyAdyenFailure(
    operation,
    response.status,
    asErrorBody(json),
    response.headers.get('retry-after'),
  );
  if (failure === 'not_found') return 'not_found';
  throw failure;
}

/** Adyen's documented error answers (ServiceError, TransferServiceRestServiceError) to what we do next. */
export function classifyAdyenFailure(
  operation: Operation,
  status: number,
  body: AdyenErrorBody | undefined,
  retryAfterHeader: string | null,
): ProviderError | 'not_found' {
  const errorCode = body?.errorCode;
  const text = body?.detail ?? body?.message ?? body?.title;
  const message = `adyen answered ${status}${errorCode === undefined ? '' : ` ${errorCode}`}${text ? `: ${text}` : ''}`;
  const provider = ADYEN_PROVIDER;
  const retryAfterSeconds = parseRetryAfter(retryAfterHeader);
  // Overloaded or down: transient by definition.
  if (status === 429 || status >= 500)
    return new ProviderUnavailableError(message, {
      provider,
      httpStatus: status,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
  // The same Idempotency-Key is still being processed: the same call is answered once it finishes.
  if (status === 422 && errorCode === ADYEN_IDEMPOTENCY_IN_PROGRESS_ERROR_CODE)
    return new ProviderUnavailableError(message, { provider, httpStatus: status });
  // Our API key or its roles (TransferService Webservice Initiate): nothing about this payout.
  if (status === 401 || status === 403)
    return new ProviderAuthenticationError(message, { provider, httpStatus: status });
  // A read of a transfer Adyen does not hold is an answer.
  if (status === 404 && operation === 'status') return 'not_found';
  // A 4xx refusal of the transfer itself: the payout fails, attributed by the fields Adyen names.
  if (status >= 400 && status < 500 && status !== 404 && operation === 'submit') {
    const fields = (body?.invalidFields ?? []).map((field) => field.name).filter((name) => typeof name === 'string');
    const reasonCode = failureCodeOfAdyenRefusal(errorCode, fields);
    return new ProviderRejectedError(message, { provider, httpStatus: status, reasonCode });
  }
  // Anything else (a 404 on submit, a 3xx, an odd 4xx on a read): we are not talking to what we think.
  return new ProviderProtocolError(message, { provider, httpStatus: status });
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

function asErrorBody(json: unknown): AdyenErrorBody | undefined {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const body = json as AdyenErrorBody;
  return Array.isArray(body.invalidFields) || body.invalidFields === undefined ? body : { ...body, invalidFields: [] };
}
