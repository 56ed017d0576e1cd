import { App, Stack } from 'aws-cdk-lib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import corridorMatrix from '../../config/corridors.json';
import { ENV } from '../../functions/shared/names';
import { corridorProviderProblems, ProviderCredentialsConstruct } from '../../lib/provider-credentials';
import { CDK_OUT_DIR } from '../../local/paths.js';
import { synthesize } from '../../local/template/synth.js';

// Issue 14: the corridors choose the provider, and a corridor's provider must have an adapter and a secret.
const corridor = (provider: string) => ({ country: 'US', currency: 'USD', method: 'ach', provider });

type Resource = { Type: string; Properties?: Record<string, unknown> };
let resources: Record<string, Resource>;

beforeAll(async () => {
  await synthesize({ onlyIfStale: true });
  const template = JSON.parse(readFileSync(join(CDK_OUT_DIR, 'PayoutPlatform-dev.template.json'), 'utf8'));
  resources = template.Resources as Record<string, Resource>;
});

describe('corridor providers', () => {
  it('the checked-in matrix names only providers the registry can build', () => {
    expect(corridorProviderProblems(corridorMatrix.corridors)).toEqual([]);
    // Issue 14: a PayPal corridor (US/USD/paypal) and an Adyen one (NL/EUR/bank_transfer) beside Stripe's.
    expect(new Set(corridorMatrix.corridors.map((c) => c.provider))).toEqual(
      new Set(['sandbox', 'stripe', 'paypal', 'adyen']),
    );
  });

  it.each([
    ['an unknown provider', 'wise', "provider 'wise' is not a known provider"],
    ['a provider name with another case', 'Stripe', "provider 'Stripe' is not a known provider"],
  ])('synth fails for %s', (_name, provider, problem) => {
    expect(corridorProviderProblems([corridor(provider)])).toEqual([`corridor US/USD/ach: ${problem}`]);
    const stack = new Stack(new App(), 'CorridorCheck');
    expect(() => new ProviderCredentialsConstruct(stack, 'Credentials', { corridors: [corridor(provider)] })).toThrow(
      problem,
    );
  });

  it('creates one secret per corridor provider that needs one, and none for the sandbox', () => {
    const stack = new Stack(new App(), 'CorridorSecrets');
    const built = new ProviderCredentialsConstruct(stack, 'Credentials', {
      corridors: [
        corridor('sandbox'),
        corridor('stripe'),
        { ...corridor('stripe'), method: 'stripe_connect' },
        { ...corridor('paypal'), method: 'paypal' },
        { ...corridor('adyen'), country: 'NL', currency: 'EUR' },
      ],
    });
    expect([...built.secrets.keys()]).toEqual(['stripe', 'paypal', 'adyen']);
  });

  it.each([
    ['stripe', ENV.stripeCredentialsArn],
    ['paypal', ENV.paypalCredentialsArn],
    ['adyen', ENV.adyenCredentialsArn],
  ])('the stack holds the %s secret, and only each registry function its ARN and read access', (provider, arnEnv) => {
    const secrets = Object.entries(resources).filter(
      ([id, r]) =>
        r.Type === 'AWS::SecretsManager::Secret' && id.startsWith(`ProviderCredentials${provider}Credentials`),
    );
    expect(secrets).toHaveLength(1);
    const secretId = secrets[0]![0];
    const holders = Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .filter(([, r]) => {
        const variables = (r.Properties?.['Environment'] as { Variables?: Record<string, unknown> })?.Variables ?? {};
        return JSON.stringify(variables[arnEnv]) === JSON.stringify({ Ref: secretId });
      })
      .map(([id]) => id.replace(/Function[0-9A-F]{8}$/, ''));
    expect(holders.sort()).toEqual(['OpsSweep', 'PayoutsPayoutActions', 'PayoutsSubmitPayout']);
    const readers = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .filter((r) => JSON.stringify(r.Properties).includes(`"Ref":"${secretId}"`));
    expect(readers.length).toBe(3);
  });
});
