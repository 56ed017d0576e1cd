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

/** The Stripe credentials source for this function, or undefined when the stage has none. */
export function stripeCredentialsFromEnv(
  env: NodeJS.ProcessEnv,
  loadSecret: SecretLoader | undefined,
  nowMs: () => number = Date.now,
): (() => Promise<StripeCredentials>) | undefined {
  const file = env[ENV.providerCredentialsFile];
  const arn = env[ENV.stripeCredentialsArn];
  if (file !== undefined && file !== '')
    return cached(async () => entryOf(await readFile(resolve(file), 'utf8'), 'stripe'), nowMs);
  if (arn === undefined || arn === '') return undefined;
  if (loadSecret === undefined) throw new ProviderCredentialsError(`${ENV.stripeCredentialsArn} is set but no loader`);
  return cached(async () => stripeCredentialsOf(parseObject(await loadSecret(arn), 'stripe')), nowMs);
}

function entryOf(text: string, provider: string): StripeCredentials {
  const entry = parseObject(text, provider)[provider];
  if (entry === null || typeof entry !== 'object')
    throw new ProviderCredentialsError(`the credentials file has no ${provider} entry`);
  return stripeCredentialsOf(entry as Record<string, unknown>);
}

function stripeCredentialsOf(record: Record<string, unknown>): StripeCredentials {
  const secretKey = record['secret_key'];
  const baseUrl = record['base_url'];
  if (typeof secretKey !== 'string' || !/^(sk|rk)_(test|live)_\S+$/.test(secretKey))
    throw new ProviderCredentialsError('stripe credentials: secret_key is missing or not an sk_/rk_ key');
  if (baseUrl !== undefined && (typeof baseUrl !== 'string' || !/^https?:\/\/\S+$/.test(baseUrl)))
    throw new ProviderCredentialsError('stripe credentials: base_url is not an http(s) URL');
  return { secretKey, ...(baseUrl === undefined ? {} : { baseUrl }) };
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
