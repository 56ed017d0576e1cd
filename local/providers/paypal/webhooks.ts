// The PayPal stand-in's webhooks: item events named as PayPal names them (PayPal developer docs,
// "Webhook event names: Payouts", developer.paypal.com/api/rest/webhooks/event-names/, read
// 2026-12-01), bodies in PayPal's event envelope (openapi/notifications_webhooks_v1.json `event`,
// commit ec4d8f3), signed with the repo's test PKI as PayPal signs with its own (webhook-signer.ts).
import type { PaypalItemError } from '../../../functions/adapters/providers/paypal-api';
import type { PaypalBooks } from './store';
import { signPaypalDelivery, TEST_PKI } from './webhook-signer';

export interface PaypalWebhookOptions {
  /** The webhook id PayPal gave the listener: part of what is signed. */
  readonly webhookId: string;
  /** Where deliveries are POSTed; absent, they are only kept (for the suite to replay). */
  readonly webhookUrl?: string;
  readonly certUrl: string;
  readonly nowMs?: () => number;
}

export interface PaypalDelivery {
  readonly headers: Readonly<Record<string, string>>;
  readonly rawBody: Uint8Array;
}

/** Our state name → the event PayPal sends and the item's status after it. */
const MOVES: Readonly<
  Record<string, { eventType?: string; status: string; error?: PaypalItemError; canceled?: true }>
> = {
  SUCCESS: { eventType: 'PAYMENT.PAYOUTS-ITEM.SUCCEEDED', status: 'SUCCESS' },
  FAILED: { eventType: 'PAYMENT.PAYOUTS-ITEM.FAILED', status: 'FAILED' },
  BLOCKED: { eventType: 'PAYMENT.PAYOUTS-ITEM.BLOCKED', status: 'BLOCKED' },
  ONHOLD: { eventType: 'PAYMENT.PAYOUTS-ITEM.HELD', status: 'ONHOLD' },
  UNCLAIMED: {
    eventType: 'PAYMENT.PAYOUTS-ITEM.UNCLAIMED',
    status: 'UNCLAIMED',
    error: {
      name: 'RECEIVER_UNREGISTERED',
      message:
        'The recipient for this payout does not have an account. A link to sign up for an account was sent to the ' +
        'recipient. However, if the recipient does not claim this payout within 30 days, the funds are returned.',
    },
  },
  // The 30-day expiry: PayPal gives the money back; the item carries no error of its own.
  RETURNED: { eventType: 'PAYMENT.PAYOUTS-ITEM.RETURNED', status: 'RETURNED' },
  REFUNDED: { eventType: 'PAYMENT.PAYOUTS-ITEM.REFUNDED', status: 'REFUNDED' },
  CANCELED: { eventType: 'PAYMENT.PAYOUTS-ITEM.CANCELED', status: 'RETURNED', canceled: true },
  DENIED: { eventType: 'PAYMENT.PAYOUTS-ITEM.DENIED', status: 'FAILED' },
  // PayPal publishes no item event for these.
  REVERSED: { status: 'REVERSED' },
  PENDING: { status: 'PENDING' },
};

export class PaypalWebhooks {
  private readonly sent: PaypalDelivery[] = [];
  private counter = 0;

  constructor(private readonly options: PaypalWebhookOptions) {}

  baseUrl(): string {
    return new URL(this.options.certUrl).origin;
  }

  chainPem(): string {
    return TEST_PKI.chainPem();
  }

  deliveries(): readonly PaypalDelivery[] {
    return [...this.sent];
  }

  /** Moves an item as PayPal would; a state PayPal does not publish is set as-is, with no event. */
  async moveItem(books: PaypalBooks, itemId: string, state: string): Promise<void> {
    const move = MOVES[state] ?? { status: state };
    const current = books.item(itemId);
    if (current === undefined) throw new Error(`the PayPal stand-in holds no item ${itemId}`);
    const error = move.error ?? (move.status === current.transaction_status ? current.errors : undefined);
    const item = books.setItemState(itemId, move.status, error, move.canceled === true)!;
    if (move.eventType !== undefined) await this.emit(move.eventType, item);
  }

  /** Signs a body with the stand-in's key (or another, for the wrong-certificate case). */
  sign(
    rawBody: Uint8Array,
    webhookId: string,
    timestampSeconds: number,
    keyPem = TEST_PKI.leafKeyPem(),
  ): PaypalDelivery {
    const transmissionTime = new Date(timestampSeconds * 1_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const headers = signPaypalDelivery({ rawBody, webhookId, transmissionTime, certUrl: this.options.certUrl, keyPem });
    return { headers: { 'content-type': 'application/json', ...headers }, rawBody };
  }

  private async emit(eventType: string, resource: unknown): Promise<void> {
    const nowMs = (this.options.nowMs ?? Date.now)();
    this.counter += 1;
    const id = `WH-STANDIN${String(this.counter).padStart(8, '0')}-${nowMs.toString(36).toUpperCase()}`;
    const body = {
      id,
      event_version: '1.0',
      create_time: new Date(nowMs).toISOString(),
      resource_type: 'payouts_item',
      event_type: eventType,
      summary: `Payout item ${eventType.slice('PAYMENT.PAYOUTS-ITEM.'.length).toLowerCase()}`,
      resource,
      links: [{ href: `${this.baseUrl()}/v1/notifications/webhooks-events/${id}`, rel: 'self', method: 'GET' }],
    };
    const delivery = this.sign(Buffer.from(JSON.stringify(body)), this.options.webhookId, Math.floor(nowMs / 1_000));
    this.sent.push(delivery);
    if (this.options.webhookUrl === undefined) return;
    // Best effort, as PayPal's first attempt is: the suite and the twin read `deliveries()` for redelivery.
    await fetch(this.options.webhookUrl, {
      method: 'POST',
      headers: delivery.headers,
      body: Buffer.from(delivery.rawBody).toString('utf8'),
    }).catch(() => undefined);
  }
}
