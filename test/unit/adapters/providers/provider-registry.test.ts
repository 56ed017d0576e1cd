import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ProviderAuthenticationError } from '../../../../functions/domain/provider-errors';
import { providersFromEnv, REGISTRY_PROVIDERS } from '../../../../functions/adapters/providers/registry';
import { ENV, PROVIDER_NAMES, PROVIDER_SETUP } from '../../../../functions/shared/names';
import type { ProviderSubmission } from '../../../../functions/domain/provider-port';
import { startAdyenStandIn } from '../../../../local/providers/adyen/server';
import { startPaypalStandIn } from '../../../../local/providers/paypal/server';

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

// Issue 14: PayPal and Adyen are built by the registry from their own credentials, each against its stand-in.
const PAYPAL_SECRET = 'paypal-client-secret-registry-never-logged';
const ADYEN_KEY = 'AQE_adyen_registry_key_never_logged';
const submission = (payoutId: string, destination: ProviderSubmission['destination']): ProviderSubmission => ({
  payoutId,
  amountMinor: 2_500,
  currency: destination.country === 'US' ? 'USD' : 'EUR',
  destination,
  recipient: { name: 'Registry Recipient', email: 'recipient@example.com' },
});

describe('provider registry: PayPal and Adyen', () => {
  it('leaves PayPal and Adyen out when the stage holds no secret for them', () => {
    const env = { ...baseEnv, [ENV.stripeCredentialsArn]: 'arn:aws:secretsmanager:eu-west-1:1:secret:stripe' };
    expect(Object.keys(providersFromEnv(env)).sort()).toEqual(['sandbox', 'stripe']);
  });

  it('builds PayPal from its entry: submits to and re-asks the stand-in with one OAuth token', async () => {
    const standIn = await startPaypalStandIn({ clientId: 'cid', clientSecret: PAYPAL_SECRET, webhookId: 'WH-1' });
    try {
      const file = credentialsFile({
        paypal: { client_id: 'cid', client_secret: PAYPAL_SECRET, base_url: standIn.baseUrl },
      });
      const paypal = providersFromEnv({ ...baseEnv, [ENV.providerCredentialsFile]: file })['paypal']!;
      expect(paypal.provider).toBe('paypal');
      const payoutId = 'po_registry_paypal_000000001';
      const result = await paypal.submit(
        submission(payoutId, { country: 'US', method: 'paypal', fields: { email: 'r@example.com' } }),
      );
      expect(result).toMatchObject({ kind: 'accepted' });
      const reference = (result as { providerReference: string }).providerReference;
      const status = await paypal.getStatus({ payoutId, providerReference: reference });
      expect(status).toMatchObject({ kind: 'found', providerReference: reference, amountMinor: 2_500 });
      const tokens = standIn.controls.requests().filter((request) => request.path === '/v1/oauth2/token');
      // The adapter (and its token cache) is kept while the credentials are unchanged.
      expect(tokens).toHaveLength(1);
      expect(standIn.controls.countFor(payoutId)).toBe(1);
    } finally {
      await standIn.close();
    }
  });

  it("builds Adyen from its Secrets Manager secret, read lazily, paying from the secret's balance account", async () => {
    const standIn = await startAdyenStandIn({ apiKey: ADYEN_KEY });
    try {
      const secret = { api_key: ADYEN_KEY, balance_account_id: 'BA0000000000000000000REG1', base_url: standIn.baseUrl };
      const loadSecret = vi.fn(async () => JSON.stringify(secret));
      const env = { ...baseEnv, [ENV.adyenCredentialsArn]: 'arn:aws:secretsmanager:eu-west-1:1:secret:adyen' };
      const adyen = providersFromEnv(env, { loadSecret })['adyen']!;
      expect(loadSecret).not.toHaveBeenCalled();
      const payoutId = 'po_registry_adyen_0000000001';
      const result = await adyen.submit(
        submission(payoutId, { country: 'NL', method: 'bank_transfer', fields: { iban: 'NL91ABNA0417164300' } }),
      );
      expect(result).toMatchObject({ kind: 'accepted' });
      const created = standIn.requests().find((request) => request.method === 'POST');
      expect(JSON.parse(created!.body)).toMatchObject({
        balanceAccountId: secret.balance_account_id,
        reference: payoutId,
      });
      expect(created!.headers['idempotency-key']).toBe(payoutId);
      expect(loadSecret).toHaveBeenCalledTimes(1);
    } finally {
      await standIn.close();
    }
  });

  it.each([
    ['paypal', { paypal: { client_id: 'cid' } }, PAYPAL_SECRET],
    ['paypal', { paypal: { client_id: 'cid', client_secret: `${PAYPAL_SECRET} two words` } }, PAYPAL_SECRET],
    ['adyen', { adyen: { api_key: ADYEN_KEY } }, ADYEN_KEY],
    ['adyen', { adyen: { api_key: ADYEN_KEY, balance_account_id: 'BA1', base_url: 'ftp://x' } }, ADYEN_KEY],
    ['adyen', { stripe: { secret_key: SECRET_KEY } }, ADYEN_KEY],
  ])('bad %s credentials fail on use as a human-action error that never quotes them', async (name, content, text) => {
    const registry = providersFromEnv({ ...baseEnv, [ENV.providerCredentialsFile]: credentialsFile(content) });
    const error = await registry[name]!.getStatus({ payoutId: 'p', providerReference: 'r' }).catch((e) => e);
    expect(error).toBeInstanceOf(ProviderAuthenticationError);
    expect((error as ProviderAuthenticationError).category).toBe('human_action_required');
    expect(`${(error as Error).message} ${JSON.stringify(error)}`).not.toContain(text);
  });
});
