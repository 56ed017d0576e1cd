import { ADYEN_CONFORMANCE_API_KEY } from './subjects/adyen';
import { CONFORMANCE_CREDENTIALS as PAYPAL_CREDENTIALS } from './subjects/paypal';
import { STRIPE_TEST_SECRET_KEY, STRIPE_WEBHOOK_SECRET } from './subjects/stripe';

/**
 * Every credential the conformance subjects use, by name: secrets-in-logs.test.ts greps the suite's whole
 * output for each. A provider's subject adds its own here. (The Standard Webhooks vector secret is public.)
 */
export const CONFORMANCE_SECRETS: Readonly<Record<string, string>> = {
  'stripe secret key': STRIPE_TEST_SECRET_KEY,
  'stripe webhook secret': STRIPE_WEBHOOK_SECRET,
  'paypal client secret': PAYPAL_CREDENTIALS.clientSecret,
  'adyen api key': ADYEN_CONFORMANCE_API_KEY,
};
