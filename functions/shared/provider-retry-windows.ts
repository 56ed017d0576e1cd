/**
 * How long each real provider keeps redelivering a webhook we did not acknowledge (DESIGN §7,
 * from the providers' documentation). Our replay window (INBOX_RETENTION_SECONDS) and the
 * idempotency records (IDEMPOTENCY_EXPIRES_AFTER_SECONDS_DEFAULT) must outlast the longest.
 */
const DAY_SECONDS = 86_400;

export interface ProviderWebhookRetryWindow {
  provider: string;
  /** How long the provider retries an unacknowledged delivery. */
  retries_for_seconds: number;
  schedule: string;
  source: string;
}

export const PROVIDER_WEBHOOK_RETRY_WINDOWS: readonly ProviderWebhookRetryWindow[] = [
  {
    provider: 'stripe',
    retries_for_seconds: 3 * DAY_SECONDS,
    schedule: 'exponential backoff for up to 3 days; events kept 30 days',
    source: 'Stripe docs, webhooks: retries',
  },
  {
    provider: 'paypal',
    retries_for_seconds: 3 * DAY_SECONDS,
    schedule: 'up to 25 retries over 3 days',
    source: 'PayPal docs, webhooks: delivery and retries',
  },
  {
    provider: 'adyen',
    retries_for_seconds: 30 * DAY_SECONDS,
    schedule: '3 immediate retries, then a retry queue for up to 30 days',
    source: 'Adyen docs, webhooks: retry logic',
  },
];
