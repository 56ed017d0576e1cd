// The Adyen stand-in's webhook sender: balancePlatform.transfer.created / .updated, signed as Adyen signs
// Balance Platform webhooks — `HmacSignature`: base64 HMAC-SHA256 of the raw body, the HMAC key hex-decoded.
// Source: https://docs.adyen.com/development-resources/webhooks/secure-webhooks/verify-hmac-signatures
// (last modified 2026-05-23, read 2026-12-01); payloads: Adyen/adyen-openapi
// json/BalancePlatformTransferNotification-v4.json (aa014f0, 2026-07-01). Adyen expects any 2xx; anything
// else is retried (3 at once, then queued for up to 30 days, DESIGN §7): here the delivery is kept in the
// outbox for the next `deliver` call, so a failed delivery and its redelivery can be played.
import { signAdyen } from '../../../functions/domain/webhook-signatures/adyen';
import type { AdyenBooks, TransferNotification } from './store';

export interface AdyenDelivery {
  readonly headers: Readonly<Record<string, string>>;
  readonly rawBody: Uint8Array;
}

export function signedDelivery(notification: TransferNotification, hmacKeyHex: string): AdyenDelivery {
  const rawBody = new TextEncoder().encode(notification.body);
  return {
    headers: { 'content-type': 'application/json', hmacsignature: signAdyen(hmacKeyHex, rawBody) },
    rawBody,
  };
}

export interface DeliveryTarget {
  readonly url: string;
  readonly hmacKeyHex: string;
  readonly fetch?: typeof fetch;
}

/** Posts every queued webhook in order; returns the HTTP statuses. A non-2xx is re-queued, in order. */
export async function deliver(books: AdyenBooks, target: DeliveryTarget): Promise<number[]> {
  const fetchFn = target.fetch ?? fetch;
  const statuses: number[] = [];
  const queued = books.takeNotifications();
  for (const [index, notification] of queued.entries()) {
    const delivery = signedDelivery(notification, target.hmacKeyHex);
    const status = await fetchFn(target.url, { method: 'POST', headers: delivery.headers, body: notification.body })
      .then((response) => response.status)
      .catch(() => 0);
    statuses.push(status);
    if (status < 200 || status >= 300) {
      books.requeue(queued.slice(index));
      break;
    }
  }
  return statuses;
}
