import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ProviderAuthenticationError } from '../../../../functions/domain/provider-errors';
import { providersFromEnv, REGISTRY_PROVIDERS } from '../../../../functions/adapters/providers/registry';
import { ENV, PROVIDER_NAMES, PROVIDER_SETUP } from '../../../../functions/shared/names';

// Issue 14: the registry builds every provider PROVIDER_SETUP says has an adapter, from its credentials.
const SECRET_KEY = 'sk_test_registry_5bq7ZrX0never_logged';
const baseEnv = { [ENV.sandboxProviderUrl]: 'http://127.0.0.1:1' };
const credentialsFile = (content: unknown): string => {
  const path = join(mkdtempSync(join(tmpdir(), 'provider-credentials-')), 'provider-credentials.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
const answering = (status: number, body: unknown) =>
  vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
const payout = { id: 'po_1', object: 'payout', status: 'paid', amount: 100, currency: 'usd', failure_code: null };

describe('provider registry', () => {
  it('builds exactly the providers that PROVIDER_SETUP says have an adapter', () => {
    const withAdapter = PROVIDER_NAMES.filter((name) => PROVIDER_SETUP[name].adapter);
    expect([...REGISTRY_PROVIDERS].sort()).toEqual([...withAdapter].sort());
  });

  it('leaves Stripe out when the stage holds no Stripe credentials', () => {
    expect(Object.keys(providersFromEnv(baseEnv))).toEqual(['sandbox']);
  });

  it("reads the twin's credentials file, and Stripe is called with its key", async () => {
    const fetch = answering(200, payout);
    const file = credentialsFile({ stripe: { secret_key: SECRET_KEY, base_url: 'http://127.0.0.1:2' } });
    const registry = providersFromEnv({ ...baseEnv, [ENV.providerCredentialsFile]: file }, { stripe: { fetch } });
    const status = await registry['stripe']!.getStatus({ payoutId: 'p', providerReference: 'acct_1A/po_1' });
    expect(status).toMatchObject({ kind: 'found', providerReference: 'acct_1A/po_1' });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('http://127.0.0.1:2/v1/payouts/po_1');
    expect(init.headers).toMatchObject({ authorization: `Bearer ${SECRET_KEY}`, 'stripe-account': 'acct_1A' });
  });

  it('reads Secrets Manager lazily, once per cache period', async () => {
    const loadSecret = vi.fn(async () => JSON.stringify({ secret_key: SECRET_KEY }));
    const fetch = answering(200, payout);
    const registry = providersFromEnv(
      { ...baseEnv, [ENV.stripeCredentialsArn]: 'arn:aws:secretsmanager:eu-west-1:1:secret:stripe' },
      { loadSecret, stripe: { fetch } },
    );
    expect(loadSecret).not.toHaveBeenCalled();
    for (let i = 0; i < 3; i += 1) await registry['stripe']!.getStatus({ payoutId: 'p', providerReference: 'po_1' });
    expect(loadSecret).toHaveBeenCalledTimes(1);
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it.each([
    ['not JSON', `{"stripe": {"secret_key": "${SECRET_KEY}"`],
    ['no stripe entry', { paypal: {} }],
    ['a key that is not a Stripe key', { stripe: { secret_key: `pk_${SECRET_KEY}` } }],
  ])('credentials that are %s fail as a human-action error that never quotes them', async (_name, content) => {
    const registry = providersFromEnv({ ...baseEnv, [ENV.providerCredentialsFile]: credentialsFile(content) });
    const error = await registry['stripe']!.getStatus({ payoutId: 'p', providerReference: 'po_1' }).catch((e) => e);
    expect(error).toBeInstanceOf(ProviderAuthenticationError);
    expect((error as Error).message).not.toContain(SECRET_KEY);
    expect(JSON.stringify(error)).not.toContain(SECRET_KEY);
  });
});
