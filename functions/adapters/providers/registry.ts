import type { ProviderPort } from '../../domain/provider-port';
import { PROVIDER_NAME as SANDBOX, sandboxProviderFromEnv, type SandboxProviderOptions } from './sandbox-provider';

/**
 * Provider adapters by the name stored on each payout (`payout.provider`), built from the
 * environment once per cold start. The submitter and the sweeper both use this, so a payout is
 * always sent to and re-asked from the same provider. Stripe joins here when its adapter exists.
 */
export type ProviderRegistry = Readonly<Record<string, ProviderPort>>;

export function providersFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  options: { sandbox?: Partial<SandboxProviderOptions> } = {},
): ProviderRegistry {
  return { [SANDBOX]: sandboxProviderFromEnv(env, options.sandbox) };
}
