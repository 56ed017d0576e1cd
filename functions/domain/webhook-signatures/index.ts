import { isWebhookProvider, WEBHOOK_PROVIDERS, type WebhookProvider } from '../../shared/names';
import { assertNever } from '../assert-never';
import { verifyPaypalSignature } from './paypal';
import { verifyAdyenSignature } from './adyen';
import { verifyStandardWebhook } from './standard-webhooks';
import { verifyStripeSignature } from './stripe';
import type { VerificationResult, VerifyInput } from './verification';

export * from './verification';
export { signStandardWebhook, verifyStandardWebhook, STANDARD_WEBHOOKS_HEADERS } from './standard-webhooks';
export { signStripe, verifyStripeSignature, STRIPE_SIGNATURE_HEADER } from './stripe';
export { PAYPAL_HEADERS, PAYPAL_AUTH_ALGO, paypalSignedString, verifyPaypalSignature } from './paypal';
export { signAdyen, verifyAdyenSignature, ADYEN_SIGNATURE_HEADER } from './adyen';

/** Providers we accept webhooks from; the route's `{provider}` must be one of these (else 404). */
export { isWebhookProvider, WEBHOOK_PROVIDERS, type WebhookProvider };

export function verifyWebhookSignature(provider: WebhookProvider, input: VerifyInput): VerificationResult {
  switch (provider) {
    case 'sandbox':
      return verifyStandardWebhook(input);
    case 'stripe':
      return verifyStripeSignature(input);
    case 'paypal':
      return verifyPaypalSignature(input);
    case 'adyen':
      return verifyAdyenSignature(input);
    default:
      return assertNever(provider, 'webhook provider');
  }
}
