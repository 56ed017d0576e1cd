import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ENV } from '../../shared/names';

/**
 * Provider credentials, one secret per provider (docs/providers/README.md): in AWS a Secrets Manager
 * secret per provider (STRIPE_CREDENTIALS_ARN, …), in the twin one local file of every provider's
 * (PROVIDER_CREDENTIALS_FILE, gitignored; config/provider-credentials.example.json shows the shape).
 * Read lazily and cached per container for CREDENTIALS_CACHE_MAX_AGE_SECONDS, so a rotation reaches
 * warm containers within that time. The values never reach a log line or an error message: errors
 * name the provider and the field, never the text.
 */
export const CREDENTIALS_CACHE_MAX_AGE_SECONDS = 300;

export class ProviderCredentialsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProviderCredentialsError';
  }
}

export interface StripeCredentials {
  readonly secretKey: string;
  /** The twin's stand-in; https://api.stripe.com when absent. */
  readonly baseUrl?: string;
}

/** Reads a Secrets Manager secret's text by ARN (the handler injects its client). */
export type SecretLoader = (secretArn: string) => Promise<string>;

export interface PaypalCredentialsEntry {
  readonly clientId: string;
  readonly clientSecret: string;
  /** The twin's stand-in; PayPal's live API when absent (PAYPAL_API_BASE_URL). */
  readonly baseUrl?: string;
}

export interface AdyenCredentialsEntry {
  readonly apiKey: string;
  /** Our balance account the payouts are paid from: part of the secret, so a stage cannot pay from another's. */
  readonly balanceAccountId: string;
  /** The twin's stand-in; Adyen's live Balance Platform API when absent (ADYEN_API_BASE_URL). */
  readonly baseUrl?: string;
}

/** Where each provider's credentials come from, and how its entry is read. */
interface CredentialsSpec<T> {
  readonly provider: 'stripe' | 'paypal' | 'adyen';
  readonly arnEnv: string;
  parse(record: Record<string, unknown>): T;
}

/** A credentials source: lazy, cached for CREDENTIALS_CACHE_MAX_AGE_SECONDS; undefined when the stage has none. */
export type CredentialsSource<T> = () => Promise<T>;

/** The Stripe credentials source for this function, or undefined when the stage has none. */
export function stripeCredentialsFromEnv(
  env: NodeJS.ProcessEnv,
  loadSecret: SecretLoader | undefined,
  nowMs: () => number = Date.now,
): CredentialsSource<StripeCredentials> | undefined {
  return credentialsFromEnv(STRIPE_SPEC, env, loadSecret, nowMs);
}

export function paypalCredentialsFromEnv(
  env: NodeJS.ProcessEnv,
  loadSecret: SecretLoader | undefined,
  nowMs: () => number = Date.now,
): CredentialsSource<PaypalCredentialsEntry> | undefined {
  return credentialsFromEnv(PAYPAL_SPEC, env, loadSecret, nowMs);
}

export function adyenCredentialsFromEnv(
  env: NodeJS.ProcessEnv,
  loadSecret: SecretLoader | undefined,
  nowMs: () => number = Date.now,
): CredentialsSource<AdyenCredentialsEntry> | undefined {
  return credentialsFromEnv(ADYEN_SPEC, env, loadSecret, nowMs);
}

function credentialsFromEnv<T>(
  spec: CredentialsSpec<T>,
  env: NodeJS.ProcessEnv,
  loadSecret: SecretLoader | undefined,
  nowMs: () => number,
): CredentialsSource<T> | undefined {
  const file = env[ENV.providerCredentialsFile];
  const arn = env[spec.arnEnv];
  // The twin's file holds every provider's entry; a provider without one is absent, as without a secret.
  if (file !== undefined && file !== '')
    return cached(async () => spec.parse(entryOf(await readFile(resolve(file), 'utf8'), spec.provider)), nowMs);
  if (arn === undefined || arn === '') return undefined;
  // Failing on use, not at build: the function's other providers keep working, and a call says why.
  if (loadSecret === undefined)
    return () => Promise.reject(new ProviderCredentialsError(`${spec.arnEnv} is set but no loader`));
  return cached(async () => spec.parse(parseObject(await loadSecret(arn), spec.provider)), nowMs);
}

function entryOf(text: string, provider: string): Record<string, unknown> {
  const entry = parseObject(text, provider)[provider];
  if (entry === null || typeof entry !== 'object')
    throw new ProviderCredentialsError(`the credentials file has no ${provider} entry`);
  return entry as Record<string, unknown>;
}

const STRIPE_SPEC: CredentialsSpec<StripeCredentials> = {
  provider: 'stripe',
  arnEnv: ENV.stripeCredentialsArn,
  parse(record) {
    const secretKey = record['secret_key'];
    if (typeof secretKey !== 'string' || !/^(sk|rk)_(test|live)_\S+$/.test(secretKey))
      throw new ProviderCredentialsError('stripe credentials: secret_key is missing or not an sk_/rk_ key');
    return { secretKey, ...baseUrlOf(record, 'stripe') };
  },
};

const PAYPAL_SPEC: CredentialsSpec<PaypalCredentialsEntry> = {
  provider: 'paypal',
  arnEnv: ENV.paypalCredentialsArn,
  parse(record) {
    const clientId = requiredString(record, 'client_id', 'paypal');
    const clientSecret = requiredString(record, 'client_secret', 'paypal');
    return { clientId, clientSecret, ...baseUrlOf(record, 'paypal') };
  },
};

const ADYEN_SPEC: CredentialsSpec<AdyenCredentialsEntry> = {
  provider: 'adyen',
  arnEnv: ENV.adyenCredentialsArn,
  parse(record) {
    const apiKey = requiredString(record, 'api_key', 'adyen');
    const balanceAccountId = requiredString(record, 'balance_account_id', 'adyen');
    return { apiKey, balanceAccountId, ...baseUrlOf(record, 'adyen') };
  },
};

/** A non-empty string field; the error names the field, never its value. */
function requiredString(record: Record<string, unknown>, field: string, provider: string): string {
  const value = record[field];
  if (typeof value !== 'string' || value.trim() === '' || /\s/.test(value))
    throw new ProviderCredentialsError(`${provider} credentials: ${field} is missing or not a single token`);
  return value;
}

function baseUrlOf(record: Record<string, unknown>, provider: string): { baseUrl?: string } {
  const baseUrl = record['base_url'];
  if (baseUrl === undefined) return {};
  if (typeof baseUrl !== 'string' || !/^https?:\/\/\S+$/.test(baseUrl))
    throw new ProviderCredentialsError(`${provider} credentials: base_url is not an http(s) URL`);
  return { baseUrl };
}

function parseObject(text: string, provider: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The parser's message may quote the text: it is not passed on.
    throw new ProviderCredentialsError(`${provider} credentials are not valid JSON`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ProviderCredentialsError(`${provider} credentials must be a JSON object`);
  return parsed as Record<string, unknown>;
}

function cached<T>(load: () => Promise<T>, nowMs: () => number): () => Promise<T> {
  let held: { value: Promise<T>; loadedAtMs: number } | undefined;
  return () => {
    if (held === undefined || nowMs() - held.loadedAtMs > CREDENTIALS_CACHE_MAX_AGE_SECONDS * 1_000) {
      const value = load();
      held = { value, loadedAtMs: nowMs() };
      // A failed load is not cached: the next call asks again.
      value.catch(() => (held = undefined));
    }
    return held.value;
  };
}
