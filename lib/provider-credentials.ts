import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { isProviderName, PROVIDER_SETUP, type ProviderName } from '../functions/shared/names';
import type { PayoutFunction } from './payout-function';

/**
 * Provider credentials (issue 14): one Secrets Manager secret per provider a corridor names that needs
 * one (PROVIDER_SETUP), read by the functions that hold the provider registry. Ops writes the value
 * (`{ "secret_key": "sk_live_…" }` for Stripe) and rotates it as docs/providers/README.md says. Synth
 * fails when a corridor names a provider without an adapter: a payout there could never be sent.
 */
export interface CorridorProviderRef {
  readonly country: string;
  readonly currency: string;
  readonly method: string;
  readonly provider: string;
}

/** Every reason the corridor matrix cannot be deployed, one line each; empty when it can. */
export function corridorProviderProblems(corridors: readonly CorridorProviderRef[]): string[] {
  return corridors.flatMap((corridor) => {
    const where = `corridor ${corridor.country}/${corridor.currency}/${corridor.method}`;
    if (!isProviderName(corridor.provider))
      return [`${where}: provider '${corridor.provider}' is not a known provider`];
    if (!PROVIDER_SETUP[corridor.provider].adapter)
      return [`${where}: provider '${corridor.provider}' has no adapter in the registry`];
    return [];
  });
}

export interface ProviderCredentialsProps {
  readonly corridors: readonly CorridorProviderRef[];
}

export class ProviderCredentialsConstruct extends Construct {
  /** The secret of each corridor provider that needs one. */
  readonly secrets: ReadonlyMap<ProviderName, { secret: secretsmanager.Secret; arnEnv: string }>;

  constructor(scope: Construct, id: string, props: ProviderCredentialsProps) {
    super(scope, id);
    const problems = corridorProviderProblems(props.corridors);
    if (problems.length > 0) throw new Error(`config/corridors.json cannot be deployed:\n${problems.join('\n')}`);
    const secrets = new Map<ProviderName, { secret: secretsmanager.Secret; arnEnv: string }>();
    for (const provider of new Set(props.corridors.map((corridor) => corridor.provider as ProviderName))) {
      const { credentials } = PROVIDER_SETUP[provider];
      if (credentials === 'none') continue;
      const secret = new secretsmanager.Secret(this, `${provider}Credentials`, {
        description: `${provider} API credentials for payouts (docs/providers/README.md): written and rotated by ops`,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'The provider issues the key, so Secrets Manager cannot rotate it: ops rolls it at the provider and writes the new value (docs/providers/README.md).',
      });
      secrets.set(provider, { secret, arnEnv: credentials.arnEnv });
    }
    this.secrets = secrets;
  }

  /** Gives each function every provider secret: the ARN in its environment and read access. */
  grantTo(functions: readonly PayoutFunction[]): void {
    for (const { secret, arnEnv } of this.secrets.values())
      for (const fn of functions) {
        fn.function.addEnvironment(arnEnv, secret.secretArn);
        secret.grantRead(fn.function);
      }
  }
}
