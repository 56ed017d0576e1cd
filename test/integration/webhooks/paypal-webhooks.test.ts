// PayPal end to end through the real intake and processor (DynamoDB Local + fauxqs), against the
// PayPal stand-in (issue 14): a payout submitted through the adapter goes UNCLAIMED, then PayPal
// returns it after 30 days and it fails with its reason; the deliveries are self-verified with the
// certificate fetched (allow-listed) from the stand-in; a tampered or foreign-certificate delivery is
// refused and writes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaypalCertificateSource } from '../../../functions/adapters/providers/paypal-certs';
import { PaypalProvider } from '../../../functions/adapters/providers/paypal-provider';
import { CachedWebhookSecrets } from '../../../functions/adapters/webhook-secrets';
import { intakeWebhook } from '../../../functions/app/webhooks/intake';
import { UNCLAIMED_EXPIRED_REASON } from '../../../functions/domain/paypal-status';
import { startPaypalStandIn, type PaypalStandIn } from '../../../local/providers/paypal/server';
import { TEST_PKI } from '../../../local/providers/paypal/webhook-signer';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { CONFORMANCE_CREDENTIALS } from '../../conformance/subjects/paypal';
import { samplePayout } from '../payouts/helpers';
import { harness } from './harness';

const WEBHOOK_ID = 'WH-INTEGRATION-PAYPAL';
let emulators: StartedEmulators;
let h: ReturnType<typeof harness>;
let standIn: PaypalStandIn;

beforeAll(async () => {
  emulators = await startEmulators();
  h = harness(emulators);
  standIn = await startPaypalStandIn({ ...CONFORMANCE_CREDENTIALS, webhookId: WEBHOOK_ID });
});
afterAll(async () => {
  await standIn?.close();
  await emulators?.stop();
});

function paypalIntake() {
  return {
    ...h.intakeDeps,
    secrets: new CachedWebhookSecrets(async () => JSON.stringify({ paypal: [WEBHOOK_ID] })),
    // The twin's stand-in is the one allow-listed origin here; in AWS only PayPal's origins are.
    paypalCertificates: new PaypalCertificateSource({
      fetch,
      nowMs: () => Date.now(),
      trustedRootsPem: [TEST_PKI.rootPem()],
      origins: [standIn.baseUrl],
    }),
  };
}

const deliver = (delivery: { headers: Readonly<Record<string, string>>; rawBody: Uint8Array }, requestId: string) =>
  intakeWebhook(paypalIntake(), {
    provider: 'paypal',
    headers: delivery.headers,
    rawBody: delivery.rawBody,
    requestId,
  });

describe('paypal', () => {
  it('submitted → UNCLAIMED (pending) → RETURNED after 30 days: failed, UNCLAIMED_EXPIRED', async () => {
    const created = samplePayout({ status: 'submitted', provider: 'paypal', currency: 'USD', amountMinor: 4_200 });
    const payoutId = created.payout.payoutId;
    await h.payouts.createPayout(created);
    const adapter = new PaypalProvider({ baseUrl: standIn.baseUrl, credentials: CONFORMANCE_CREDENTIALS });
    const submitted = await adapter.submit({
      payoutId,
      amountMinor: 4_200,
      currency: 'USD',
      destination: { country: 'US', method: 'paypal', fields: { email: 'nobody-yet@example.com' } },
      recipient: { name: 'Ada Lovelace' },
    });
    expect(submitted.kind).toBe('accepted');
    if (submitted.kind !== 'accepted') return;

    await standIn.controls.setState(submitted.providerReference, 'UNCLAIMED');
    expect((await deliver(standIn.webhooks.deliveries().at(-1)!, 'req-pp-1')).statusCode).toBe(202);
    expect(await h.drain()).toEqual(['applied']);
    expect(await h.payouts.getPayoutById(payoutId)).toMatchObject({ status: 'pending' });

    await standIn.controls.setState(submitted.providerReference, 'RETURNED');
    const returned = standIn.webhooks.deliveries().at(-1)!;
    expect((await deliver(returned, 'req-pp-2')).statusCode).toBe(202);
    // PayPal's redelivery of the same event is answered and applied once.
    expect((await deliver(returned, 'req-pp-3')).statusCode).toBe(200);
    expect(await h.drain()).toEqual(['applied']);
    expect(await h.payouts.getPayoutById(payoutId)).toMatchObject({
      status: 'failed',
      statusReason: UNCLAIMED_EXPIRED_REASON,
    });
    expect((await h.payouts.findByProviderReference('paypal', submitted.providerReference))?.payoutId).toBe(payoutId);
  });

  it.each([
    [
      'a tampered body',
      (d: Delivery) => ({ ...d, rawBody: Buffer.from(Buffer.from(d.rawBody).toString().replace('USD', 'EUR')) }),
    ],
    [
      'a certificate URL off the allow-list',
      (d: Delivery) => ({
        ...d,
        headers: { ...d.headers, 'paypal-cert-url': 'https://evil.example/v1/notifications/certs/X' },
      }),
    ],
    [
      'a signature by a key the certificate does not hold',
      (d: Delivery) => ({
        ...d,
        headers: {
          ...d.headers,
          ...standIn.webhooks.sign(d.rawBody, WEBHOOK_ID, Math.floor(Date.now() / 1_000), TEST_PKI.rogueKeyPem())
            .headers,
        },
      }),
    ],
  ])('refuses %s with 401, and writes nothing', async (_name, alter) => {
    const created = samplePayout({ status: 'submitted', provider: 'paypal', currency: 'USD', amountMinor: 100 });
    await h.payouts.createPayout(created);
    const adapter = new PaypalProvider({ baseUrl: standIn.baseUrl, credentials: CONFORMANCE_CREDENTIALS });
    const submitted = await adapter.submit({
      payoutId: created.payout.payoutId,
      amountMinor: 100,
      currency: 'USD',
      destination: { country: 'US', method: 'paypal', fields: { email: 'r@example.com' } },
      recipient: { name: 'Ada' },
    });
    if (submitted.kind !== 'accepted') throw new Error('not accepted');
    await standIn.controls.setState(submitted.providerReference, 'SUCCESS');
    const response = await deliver(alter(standIn.webhooks.deliveries().at(-1)!), 'req-pp-bad');
    expect(response.statusCode).toBe(401);
    expect(await h.drain()).toEqual([]);
    expect(await h.payouts.getPayoutById(created.payout.payoutId)).toMatchObject({ status: 'submitted' });
  });
});

type Delivery = { headers: Readonly<Record<string, string>>; rawBody: Uint8Array };
