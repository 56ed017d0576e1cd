import { assertNever } from '../assert-never';
import { verifyStandardWebhook } from './standard-webhooks';
import { verifyStripeSignature } from './stripe';
import type { VerificationResult, VerifyInput } from './verification';

export * from './verification';
export { signStandardWebhook, verifyStandardWebhook, STANDARD_WEBHOOKS_HEADERS } from './standard-webhooks';
export { signStripe, verifyStripeSignature, STRIPE_SIGNATURE_HEADER } from './stripe';

/** Providers we accept webhooks from; the route's `{provider}` must be one of these (else 404). */
export const WEBHOOK_PROVIDERS = ['sandbox', 'stripe'] as const;
export type WebhookProvider = (typeof WEBHOOK_PROVIDERS)[number];

export function isWebhookProvider(value: unknown): value is WebhookProvider {
  return typeof value === 'string' && (WEBHOOK_PROVIDERS as readonly string[]).includes(value);
}

export function verifyWebhookSignature(provider: WebhookProvider, input: VerifyInput): VerificationResult {
  switch (provider) {
    case 'sandbox':
      return verifyStandardWebhook(input);
    case 'stripe':
      return verifyStripeSignature(input);
    default:
      return assertNever(provider, 'webhook provider');
  }
}
