import { ProviderAuthenticationError, ProviderProtocolError } from '../../domain/provider-errors';
import { PAYPAL_PATHS, type PaypalTokenResponse } from './paypal-api';
import { classifyFetchError } from './provider-retry';

/**
 * PayPal's OAuth 2.0 client-credentials token (`POST /v1/oauth2/token`, Basic auth with the app's
 * client id and secret, `grant_type=client_credentials`). One token serves every call until it is
 * EXPIRY_MARGIN_SECONDS short of its `expires_in`, so a token never expires mid-request; a 401 on a
 * call drops it and the caller fetches one fresh token, once (PayPal may revoke a token early).
 * Concurrent callers share one in-flight fetch instead of each asking for a token.
 */

/** Refresh this long before PayPal says the token expires: covers clock skew and a slow request. */
export const TOKEN_EXPIRY_MARGIN_SECONDS = 60;
/** How long the token request may take. */
export const TOKEN_TIMEOUT_MS = 3_000;
const PROVIDER = 'paypal';

export interface PaypalCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface TokenSourceOptions {
  readonly baseUrl: string;
  readonly credentials: PaypalCredentials;
  readonly fetch: typeof fetch;
  readonly nowMs: () => number;
  readonly timeoutMs?: number;
}

export class PaypalTokenSource {
  private cached: { token: string; refreshAtMs: number } | undefined;
  private inFlight: Promise<string> | undefined;

  constructor(private readonly options: TokenSourceOptions) {}

  /** A valid access token: the cached one, or a fresh one. */
  async token(): Promise<string> {
    if (this.cached !== undefined && this.options.nowMs() < this.cached.refreshAtMs) return this.cached.token;
    this.inFlight ??= this.fetchToken().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Forgets `token` after PayPal refused it (a newer token fetched meanwhile is kept). */
  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  private async fetchToken(): Promise<string> {
    const { baseUrl, credentials } = this.options;
    const timeoutMs = this.options.timeoutMs ?? TOKEN_TIMEOUT_MS;
    const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64');
    let response: Response;
    let text: string;
    try {
      response = await this.options.fetch(`${baseUrl}${PAYPAL_PATHS.token}`, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw classifyFetchError(PROVIDER, error, timeoutMs);
    }
    if (response.status === 401 || response.status === 403 || response.status === 400) {
      // invalid_client / invalid_grant: our credentials, not this payout. The body's text is not
      // echoed: it is PayPal's, and a log line must never carry anything near a secret.
      throw new ProviderAuthenticationError(`paypal refused the client credentials (${response.status})`, {
        provider: PROVIDER,
        httpStatus: response.status,
      });
    }
    const body = parseToken(text);
    if (response.status !== 200 || body === undefined) {
      throw new ProviderProtocolError(`paypal token endpoint answered ${response.status} without a token`, {
        provider: PROVIDER,
        httpStatus: response.status,
      });
    }
    const lifetimeSeconds = Math.max(0, body.expires_in - TOKEN_EXPIRY_MARGIN_SECONDS);
    this.cached = { token: body.access_token, refreshAtMs: this.options.nowMs() + lifetimeSeconds * 1_000 };
    return body.access_token;
  }
}

function parseToken(text: string): PaypalTokenResponse | undefined {
  try {
    const value = JSON.parse(text) as Partial<PaypalTokenResponse>;
    return typeof value.access_token === 'string' &&
      value.access_token.length > 0 &&
      typeof value.expires_in === 'number' &&
      Number.isFinite(value.expires_in)
      ? (value as PaypalTokenResponse)
      : undefined;
  } catch {
    return undefined;
  }
}
