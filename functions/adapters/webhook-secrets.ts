import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SECRETS_PER_PROVIDER_MAX } from '../domain/webhook-signatures';

/**
 * Webhook signing secrets per provider: `{ "sandbox": ["whsec_…"], "stripe": ["whsec_…"] }`, two
 * entries during a rotation. From WEBHOOK_SECRETS_FILE in the twin, else from Secrets Manager
 * (WEBHOOK_SECRETS_ARN). Cached per container for WEBHOOK_SECRETS_CACHE_MAX_AGE_SECONDS: a
 * rotation reaches every warm container within that time, and a burst of webhooks costs no
 * Secrets Manager calls.
 */
export const WEBHOOK_SECRETS_CACHE_MAX_AGE_SECONDS = 300;

export type WebhookSecrets = Readonly<Record<string, readonly string[]>>;

export class WebhookSecretsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WebhookSecretsError';
  }
}

export interface WebhookSecretsSource {
  secretsFor(provider: string, nowMs: number): Promise<readonly string[]>;
}

export function parseWebhookSecrets(json: string): WebhookSecrets {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new WebhookSecretsError('webhook secrets are not valid JSON', { cause: error });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new WebhookSecretsError('webhook secrets must be an object of provider → list');
  const secrets: Record<string, string[]> = {};
  for (const [provider, list] of Object.entries(parsed)) {
    // Secrets Manager's generated bootstrap key and other non-list entries are not providers.
    if (!Array.isArray(list)) continue;
    const valid = list.filter((s): s is string => typeof s === 'string' && s.length > 0);
    if (valid.length > SECRETS_PER_PROVIDER_MAX)
      throw new WebhookSecretsError(`provider ${provider} has more than ${SECRETS_PER_PROVIDER_MAX} secrets`);
    secrets[provider] = valid;
  }
  return secrets;
}

export class CachedWebhookSecrets implements WebhookSecretsSource {
  private cached: { secrets: WebhookSecrets; loadedAtMs: number } | undefined;

  constructor(
    private readonly load: () => Promise<string>,
    private readonly maxAgeSeconds = WEBHOOK_SECRETS_CACHE_MAX_AGE_SECONDS,
  ) {}

  async secretsFor(provider: string, nowMs: number): Promise<readonly string[]> {
    if (this.cached === undefined || nowMs - this.cached.loadedAtMs > this.maxAgeSeconds * 1_000) {
      this.cached = { secrets: parseWebhookSecrets(await this.load()), loadedAtMs: nowMs };
    }
    return this.cached.secrets[provider] ?? [];
  }
}

export function fileSecrets(path: string): CachedWebhookSecrets {
  return new CachedWebhookSecrets(() => readFile(resolve(path), 'utf8'));
}

export function secretsManagerSecrets(client: SecretsManagerClient, secretArn: string): CachedWebhookSecrets {
  return new CachedWebhookSecrets(async () => {
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    if (out.SecretString === undefined) throw new WebhookSecretsError('webhook secret has no SecretString');
    return out.SecretString;
  });
}
