// Standard Webhooks signing (https://www.standardwebhooks.com): HMAC-SHA256 over
// `${webhook-id}.${webhook-timestamp}.${body}` with the base64 secret after its `whsec_` prefix.
// The sandbox signs like a provider would; our intake verifies independently (docs/ops-api.md).
import { createHmac } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export function signStandardWebhook(
  secret: string,
  webhookId: string,
  timestampSeconds: number,
  body: string,
): SignedHeaders {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error('a Standard Webhooks secret starts with whsec_');
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  const timestamp = String(Math.floor(timestampSeconds));
  const signature = createHmac('sha256', key).update(`${webhookId}.${timestamp}.${body}`, 'utf8').digest('base64');
  return { 'webhook-id': webhookId, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}
