import { ProviderProtocolError } from '../../domain/provider-errors';
import type { PaypalErrorBody } from './paypal-api';
import type { PaypalTokenSource } from './paypal-auth';
import { classifyFetchError, classifyHttpFailure, type Operation } from './provider-retry';

/**
 * One authenticated exchange with PayPal: bearer token, one timeout for the whole answer, a 401
 * answered by one fresh token and one repeat, and every failure classified by the shared table
 * (provider-retry.ts) after PayPal's error body is read into its shape.
 */
const PROVIDER = 'paypal';

export interface PaypalExchange {
  readonly operation: Operation;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly timeoutMs: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Statuses that are answers of this operation (a refused cancel), returned instead of thrown. */
  readonly answers?: readonly number[];
}

export interface PaypalAnswer {
  readonly status: number;
  readonly json: unknown;
}

export class PaypalHttp {
  constructor(
    private readonly baseUrl: string,
    private readonly tokens: PaypalTokenSource,
    private readonly fetchFn: typeof fetch,
  ) {}

  async exchange(exchange: PaypalExchange): Promise<PaypalAnswer | 'not_found'> {
    const token = await this.tokens.token();
    const first = await this.send(exchange, token);
    if (first.status !== 401) return this.read(exchange, first);
    // PayPal revoked or expired the token early: one fresh token, one repeat (the request id keeps it safe).
    this.tokens.invalidate(token);
    return this.read(exchange, await this.send(exchange, await this.tokens.token()));
  }

  private async send(
    exchange: PaypalExchange,
    token: string,
  ): Promise<{ status: number; text: string; retryAfter: string | null }> {
    try {
      const response = await this.fetchFn(`${this.baseUrl}${exchange.path}`, {
        method: exchange.method,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...exchange.headers },
        ...(exchange.body === undefined ? {} : { body: exchange.body }),
        signal: AbortSignal.timeout(exchange.timeoutMs),
      });
      return { status: response.status, text: await response.text(), retryAfter: response.headers.get('retry-after') };
    } catch (error) {
      throw classifyFetchError(PROVIDER, error, exchange.timeoutMs);
    }
  }

  private read(
    exchange: PaypalExchange,
    answer: { status: number; text: string; retryAfter: string | null },
  ): PaypalAnswer | 'not_found' {
    const json = parseJson(answer.text);
    if ((exchange.answers ?? []).includes(answer.status)) return { status: answer.status, json };
    if (answer.status >= 200 && answer.status < 300) {
      if (json === undefined)
        throw new ProviderProtocolError(`paypal answered ${answer.status} with a body that is not JSON`, {
          provider: PROVIDER,
          httpStatus: answer.status,
        });
      return { status: answer.status, json };
    }
    const failure = classifyHttpFailure(
      PROVIDER,
      exchange.operation,
      answer.status,
      errorShape(json),
      answer.retryAfter,
    );
    if (failure === 'not_found') return 'not_found';
    throw failure;
  }
}

/**
 * PayPal's `{ name, message, debug_id, details[] }` in the shared table's shape: the fine-grained
 * `details[0].issue` is the reason code when there is one (`RECEIVER_UNREGISTERED`), else `name`.
 * The debug_id goes into the message: it is what PayPal support asks for.
 */
export function errorShape(json: unknown): { error: { code?: string; message?: string } } | undefined {
  const body = json as Partial<PaypalErrorBody> | undefined;
  if (body === undefined || typeof body !== 'object' || typeof body.name !== 'string') return undefined;
  const issue = Array.isArray(body.details) ? body.details[0]?.issue : undefined;
  const code = typeof issue === 'string' && /^[A-Z0-9_]+$/.test(issue) ? issue : body.name;
  const debug = typeof body.debug_id === 'string' ? ` (debug_id ${body.debug_id})` : '';
  return { error: { code, message: `${body.message ?? body.name}${debug}` } };
}

export function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
