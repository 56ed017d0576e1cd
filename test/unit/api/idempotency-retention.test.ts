import { describe, expect, it } from 'vitest';
import { DLQ_RETENTION_DAYS, QUEUE_RETENTION_DAYS } from '../../../lib/defaults/sqs-defaults';
import { IDEMPOTENCY_EXPIRES_AFTER_SECONDS_DEFAULT } from '../../../functions/shared/names';

const SECONDS_PER_DAY = 86_400;
/** Longest provider webhook retry window we integrate with (Stripe: 3 days, DESIGN §7). */
const PROVIDER_WEBHOOK_RETRY_DAYS = 3;

describe('idempotency record retention', () => {
  it('is at least 24 hours and never shorter than the webhook and DLQ replay windows', () => {
    expect(IDEMPOTENCY_EXPIRES_AFTER_SECONDS_DEFAULT).toBeGreaterThanOrEqual(SECONDS_PER_DAY);
    for (const days of [DLQ_RETENTION_DAYS, QUEUE_RETENTION_DAYS, PROVIDER_WEBHOOK_RETRY_DAYS]) {
      expect(IDEMPOTENCY_EXPIRES_AFTER_SECONDS_DEFAULT).toBeGreaterThanOrEqual(days * SECONDS_PER_DAY);
    }
  });
});
