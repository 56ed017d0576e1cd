// A provider webhook body (events/webhooks/*.json) → a signed `POST /webhooks/{provider}` event in
// HTTP API payload format 2.0, ready for `npm run invoke -- intake-webhook`. Signatures carry the
// current time and the intake refuses anything older than ±300 s, so this event cannot be a static
// file: it is signed when it is needed, by the providers' own libraries (Standard Webhooks for the
// sandbox, Stripe's test helper for Stripe, Adyen's HmacValidator for Adyen), with the twin's secrets from
// config/webhook-secrets.local.json (the file WEBHOOK_SECRETS_FILE names on the twin).
//
//   npx tsx bin/sign-webhook.ts sandbox events/webhooks/sandbox-payout-paid.json > /tmp/signed.json
//   npm run invoke -- intake-webhook /tmp/signed.json
//
// test/integration/events-fixtures.test.ts signs the fixtures through the same function.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Webhook } from 'standardwebhooks';
import HmacValidator from '@adyen/api-library/lib/src/utils/hmacValidator';
import Stripe from 'stripe';
import { isWebhookProvider, WEBHOOK_PROVIDERS, type WebhookProvider } from '../functions/shared/names';
import { signPaypalDelivery, TEST_PKI } from '../local/providers/paypal/webhook-signer';

/**
 * Where the twin's PayPal deliveries say their certificate is: a URL the twin's certificates file
 * (config/paypal-webhook-certs.local.json) maps to the test chain, so nothing is fetched.
 */
export const LOCAL_PAYPAL_CERT_URL = 'https://api.sandbox.paypal.com/v1/notifications/certs/CERT-twin-local-test';

export type SignedProvider = WebhookProvider;

export const LOCAL_WEBHOOK_SECRETS_FILE = resolve(import.meta.dirname, '../config/webhook-secrets.local.json');

/** The first (current) secret of a provider in the twin's secrets file. */
export function localWebhookSecret(provider: SignedProvider, file = LOCAL_WEBHOOK_SECRETS_FILE): string {
  const secrets = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string[] | undefined>;
  const secret = secrets[provider]?.[0];
  if (secret === undefined) throw new Error(`${file} holds no ${provider} secret`);
  return secret;
}

/** Signature headers, by the provider's scheme. The sandbox's event id is the body's `id`. */
export function signatureHeaders(
  provider: SignedProvider,
  rawBody: string,
  secret: string,
  nowSeconds: number,
): Record<string, string> {
  switch (provider) {
    case 'sandbox': {
      const parsed = JSON.parse(rawBody) as { id?: unknown };
      const eventId = typeof parsed.id === 'string' ? parsed.id : 'evt_sbx_without_id';
      return {
        'webhook-id': eventId,
        'webhook-timestamp': String(nowSeconds),
        'webhook-signature': new Webhook(secret).sign(eventId, new Date(nowSeconds * 1_000), rawBody),
      };
    }
    case 'stripe':
      // The API key is never used: generateTestHeaderString signs locally.
      return {
        'stripe-signature': new Stripe('sk_test_local_signing_only').webhooks.generateTestHeaderString({
          payload: rawBody,
          secret,
          timestamp: nowSeconds,
        }),
      };
    case 'paypal':
      // The secret is the webhook id; the signature is RSA with the repo's test key (not PayPal's).
      return signPaypalDelivery({
        rawBody: Buffer.from(rawBody),
        webhookId: secret,
        transmissionTime: new Date(nowSeconds * 1_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        certUrl: LOCAL_PAYPAL_CERT_URL,
        keyPem: TEST_PKI.leafKeyPem(),
      });
    case 'adyen':
      // Adyen dates a delivery in the signed body (`timestamp`), not in a header: the body is signed as it is.
      return { hmacsignature: new HmacValidator().calculateHmac(rawBody, secret) };
  }
}

const USER_AGENTS: Readonly<Record<SignedProvider, string>> = {
  sandbox: 'sandbox-webhooks/1',
  stripe: 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
  paypal: 'PayPal/AUHD-214.0-58563016',
  adyen: 'Adyen HttpClient 1.0',
};

export interface SignOptions {
  secret?: string;
  nowSeconds?: number;
  requestId?: string;
}

/** The event API Gateway hands to intake-webhook for this body (compact JSON, as providers send it). */
export function signedWebhookEvent(provider: SignedProvider, body: unknown, options: SignOptions = {}) {
  const rawBody = JSON.stringify(body);
  const nowSeconds = options.nowSeconds ?? Math.floor(Date.now() / 1_000);
  const path = `/webhooks/${provider}`;
  const requestId = options.requestId ?? `req-events-webhook-${provider}-${nowSeconds}`;
  const headers = {
    host: '127.0.0.1:3000',
    'content-type': 'application/json',
    'user-agent': USER_AGENTS[provider],
    ...signatureHeaders(provider, rawBody, options.secret ?? localWebhookSecret(provider), nowSeconds),
  };
  return {
    version: '2.0',
    routeKey: 'POST /webhooks/{provider}',
    rawPath: path,
    rawQueryString: '',
    headers,
    pathParameters: { provider },
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: '127.0.0.1',
      domainPrefix: '127',
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: headers['user-agent'] },
      requestId,
      routeKey: 'POST /webhooks/{provider}',
      stage: '$default',
      time: requestTime(nowSeconds),
      timeEpoch: nowSeconds * 1_000,
    },
    body: rawBody,
    isBase64Encoded: false,
  };
}

/** API Gateway's request time format: 25/Nov/2026:17:40:00 +0000. */
function requestTime(nowSeconds: number): string {
  const [, day, month, year, clock] = new Date(nowSeconds * 1_000).toUTCString().split(' ');
  return `${day}/${month}/${year}:${clock} +0000`;
}

function main(argv: string[]): number {
  const [provider, file] = argv;
  if (!isWebhookProvider(provider) || file === undefined) {
    console.error(
      `usage: npx tsx bin/sign-webhook.ts <${WEBHOOK_PROVIDERS.join('|')}> events/webhooks/<body>.json > signed.json`,
    );
    return 2;
  }
  console.log(JSON.stringify(signedWebhookEvent(provider, JSON.parse(readFileSync(file, 'utf8'))), null, 2));
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href)
  process.exitCode = main(process.argv.slice(2));
