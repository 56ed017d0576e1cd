// The Stripe stand-in's webhooks: a `payout.*` event per state change, shaped like Stripe's Event object
// (docs.stripe.com/api/events/object, via the SDK 23.1.0 types): a connected account's event carries the
// account at the top level (`account`, Connect webhooks). Signed `Stripe-Signature: t=…,v1=…` with the
// endpoint secret, as Stripe signs; delivered at least once with backoff, as Stripe retries.
import { signStripe, STRIPE_SIGNATURE_HEADER } from '../../../functions/domain/webhook-signatures/index.js';
import { STRIPE_API_VERSION } from '../../../functions/adapters/providers/stripe-api.js';
import { PLATFORM_ACCOUNT, stripeId, type StateChange } from './books.js';

/** Attempts per event before the stand-in gives up (Stripe retries for three days; a laptop, seconds). */
export const DELIVERY_ATTEMPTS_MAX = 5;
const RETRY_DELAY_MS_BASE = 250;

export function stripeEventOf(change: StateChange, nowSeconds: number): Record<string, unknown> {
  return {
    id: stripeId('evt'),
    object: 'event',
    api_version: STRIPE_API_VERSION,
    created: nowSeconds,
    type: change.type,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object: change.payout },
    ...(change.account === PLATFORM_ACCOUNT ? {} : { account: change.account }),
  };
}

export function signedStripeDelivery(body: string, secret: string, nowSeconds: number): Record<string, string> {
  const signature = signStripe(secret, nowSeconds, new TextEncoder().encode(body));
  return { 'content-type': 'application/json', [STRIPE_SIGNATURE_HEADER]: `t=${nowSeconds},v1=${signature}` };
}

/** Sends one event until the receiver answers 2xx, at most DELIVERY_ATTEMPTS_MAX times. */
export async function deliverStripeEvent(
  url: string,
  secret: string,
  event: Record<string, unknown>,
  nowSeconds: () => number,
): Promise<boolean> {
  const body = JSON.stringify(event);
  for (let attempt = 1; attempt <= DELIVERY_ATTEMPTS_MAX; attempt += 1) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: signedStripeDelivery(body, secret, nowSeconds()),
        body,
      });
      if (response.ok) return true;
    } catch {
      // The receiver is down: retried below, like any failed delivery.
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, RETRY_DELAY_MS_BASE * 2 ** (attempt - 1)));
  }
  return false;
}
