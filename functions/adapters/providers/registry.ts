import type { ProviderPort } from '../../domain/provider-port';
import { stripeCredentialsFromEnv, type SecretLoader } from './provider-credentials';
import { PROVIDER_NAME as SANDBOX, sandboxProviderFromEnv, type SandboxProviderOptions } from './sandbox-provider';
import { PROVIDER_NAME as STRIPE, StripeProvider, type StripeProviderOptions } from './stripe-provider';

/**
 * Provider adapters by the name stored on each payout (`payout.provider`, chosen by the corridor), built
 * from the environment once per cold start. The submitter, the sweeper and the tenant's actions all use
 * this, so a payout is always sent to and re-asked from the same provider. A provider whose credentials
 * the stage does not hold is absent: its payouts are logged and left for the queue, never sent elsewhere.
 */
export type ProviderRegistry = Readonly<Record<string, ProviderPort>>;

/** Every provider the registry can build (PROVIDER_SETUP in shared/names.ts must agree: a unit test holds it). */
export const REGISTRY_PROVIDERS = [SANDBOX, STRIPE] as const;

export interface RegistryOptions {
  sandbox?: Partial<SandboxProviderOptions>;
  stripe?: Partial<Omit<StripeProviderOptions, 'credentials'>>;
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
  return registry;
}
