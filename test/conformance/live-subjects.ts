import { ENV } from '../../functions/shared/names';
import type { ConformanceSubject } from './subject';
import { adyenLiveSubject, paypalLiveSubject } from './subjects/live-sandboxes';
import { stripeLiveSubject } from './subjects/stripe';

/**
 * Live sandboxes for `npm run provider-check -- <provider>` (bin/provider-check.ts): the environment
 * variables each needs, and its subject built from them. One entry per provider; docs/providers/README.md
 * says how to get each provider's sandbox credentials.
 */
export interface LiveTarget {
  readonly variables: readonly string[];
  subject(env: NodeJS.ProcessEnv): ConformanceSubject;
}

export const LIVE_TARGETS: Readonly<Record<string, LiveTarget>> = {
  stripe: {
    variables: [ENV.stripeSandboxSecretKey, ENV.stripeSandboxAccount],
    subject: (env) =>
      stripeLiveSubject({ secretKey: env[ENV.stripeSandboxSecretKey]!, account: env[ENV.stripeSandboxAccount]! }),
  },
  paypal: {
    variables: [ENV.paypalSandboxClientId, ENV.paypalSandboxClientSecret],
    subject: (env) =>
      paypalLiveSubject({
        clientId: env[ENV.paypalSandboxClientId]!,
        clientSecret: env[ENV.paypalSandboxClientSecret]!,
      }),
  },
  adyen: {
    variables: [ENV.adyenSandboxApiKey, ENV.adyenSandboxBalanceAccount],
    subject: (env) =>
      adyenLiveSubject({
        apiKey: env[ENV.adyenSandboxApiKey]!,
        balanceAccountId: env[ENV.adyenSandboxBalanceAccount]!,
      }),
  },
};

/** The variables a provider's live check lacks in `env` (all of them for a provider with no live target). */
export function missingVariables(provider: string, env: NodeJS.ProcessEnv): readonly string[] | undefined {
  const target = LIVE_TARGETS[provider];
  return target?.variables.filter((name) => (env[name] ?? '') === '');
}
