import type { ProviderPort } from '../../domain/provider-port';
import { AdyenProvider, type AdyenProviderOptions } from './adyen-provider';
import { credentialedProvider } from './credentialed-provider';
import { PaypalProvider, PROVIDER_NAME as PAYPAL, type PaypalProviderOptions } from './paypal-provider';
import {
  adyenCredentialsFromEnv,
  paypalCredentialsFromEnv,
  stripeCredentialsFromEnv,
  type SecretLoader,
} from './provider-credentials';
import { PROVIDER_NAME as SANDBOX, sandboxProviderFromEnv, type SandboxProviderOptions } from './sandbox-provider';
import { PROVIDER_NAME as STRIPE, StripeProvider, type StripeProviderOptions } from './stripe-provider';

/**
 * Provider adapters by the name stored on each payout (`payout.provider`, chosen by the corridor), built
 * from the environment once per cold start. The submitter, the sweeper and the tenant's actions all use
 * this, so a payout is always sent to and re-asked from the same provider. A provider whose credentials
 * the stage does not hold is absent: its payouts are logged and left for the queue, never sent elsewhere.
 */
export type ProviderRegistry = Readonly<Record<string, ProviderPort>>;

const ADYEN = 'adyen';
/** Every provider the registry can build (PROVIDER_SETUP in shared/names.ts must agree: a unit test holds it). */
export const REGISTRY_PROVIDERS = [SANDBOX, STRIPE, PAYPAL, ADYEN] as const;

/**
 * The live APIs, used when a credentials entry names no `base_url`. Test credentials name their sandbox
 * (PayPal's and Adyen's test hosts differ from live; docs/providers/README.md), so a test key can never
 * pay for real, and a live key sent to a test host is refused there.
 */
export const PAYPAL_LIVE_BASE_URL = 'https://api-m.paypal.com';
export const ADYEN_LIVE_BASE_URL = 'https://balanceplatform-api-live.adyen.com/btl/v4';

type ConnectionOptions = 'baseUrl' | 'credentials' | 'apiKey' | 'balanceAccountId';

export interface RegistryOptions {
  sandbox?: Partial<SandboxProviderOptions>;
  stripe?: Partial<Omit<StripeProviderOptions, 'credentials'>>;
  paypal?: Partial<Omit<PaypalProviderOptions, ConnectionOptions>>;
  adyen?: Partial<Omit<AdyenProviderOptions, ConnectionOptions>>;
  /** Reads a Secrets Manager secret (the handler's client); required where a *_CREDENTIALS_ARN is set. */
  loadSecret?: SecretLoader;
}

export function providersFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  options: RegistryOptions = {},
): ProviderRegistry {
  const registry: Record<string, ProviderPort> = { [SANDBOX]: sandboxProviderFromEnv(env, options.sandbox) };
  const stripe = stripeCredentialsFromEnv(env, options.loadSecret);
  if (stripe !== undefined) registry[STRIPE] = new StripeProvider({ ...options.stripe, credentials: stripe });
  const paypal = paypalCredentialsFromEnv(env, options.loadSecret);
  if (paypal !== undefined)
    registry[PAYPAL] = credentialedProvider(PAYPAL, paypal, ({ clientId, clientSecret, baseUrl }) => {
      const credentials = { clientId, clientSecret };
      return new PaypalProvider({ ...options.paypal, baseUrl: baseUrl ?? PAYPAL_LIVE_BASE_URL, credentials });
    });
  const adyen = adyenCredentialsFromEnv(env, options.loadSecret);
  if (adyen !== undefined)
    registry[ADYEN] = credentialedProvider(ADYEN, adyen, ({ apiKey, balanceAccountId, baseUrl }) => {
      const connection = { apiKey, balanceAccountId, baseUrl: baseUrl ?? ADYEN_LIVE_BASE_URL };
      return new AdyenProvider({ ...options.adyen, ...connection });
    });
  return registry;
}
