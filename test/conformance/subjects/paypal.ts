import { readFileSync } from 'node:fs';
import { Agent as HttpsAgent } from 'node:https';
import { connect } from 'node:net';
import { Client, Environment, OAuthAuthorizationController } from '@paypal/paypal-server-sdk';
import { PAYPAL_PATHS } from '../../../functions/adapters/providers/paypal-api';
import { PaypalProvider, PROVIDER_NAME } from '../../../functions/adapters/providers/paypal-provider';
import { mapPaypalItemState, PAYPAL_ITEM_STATES } from '../../../functions/domain/paypal-status';
import { parsePaypalReport } from '../../../functions/domain/reconciliation/paypal-report';
import { PAYPAL_HEADERS, verifyPaypalSignature } from '../../../functions/domain/webhook-signatures';
import { SIGNATURE_TOLERANCE_SECONDS } from '../../../functions/domain/webhook-signatures/verification';
import { renderPaypalReport } from '../../../local/providers/paypal/report';
import {
  CERT_PATH,
  startPaypalStandIn,
  TEST_BATCHES_PATH,
  type PaypalStandIn,
} from '../../../local/providers/paypal/server';
import { signPaypalDelivery, TEST_PKI } from '../../../local/providers/paypal/webhook-signer';
import { webhookInState } from '../../support/provider-webhooks';
import type { ConformanceSubject, SignedWebhook, StandIn, WebhookTestVector } from '../subject';

/**
 * PayPal Payouts (docs/providers/paypal.md) as a conformance subject, against the stand-in in
 * local/providers/paypal. Webhooks are PayPal's self-verified RSA signatures: the suite's "secret" is
 * the webhook id, and the certificate a delivery names is looked up in a fixed store here (in AWS,
 * adapters/providers/paypal-certs.ts fetches it from PayPal's allow-listed origins).
 */
export const CONFORMANCE_CREDENTIALS = { clientId: 'conformance-client-id', clientSecret: 'conformance-client-secret' };
export const CONFORMANCE_WEBHOOK_ID = 'WH-CONFORMANCE-VECTOR-WEBHOOK-ID';
/** Where the suite's own signatures say their certificate is. */
const TEST_CERT_URL = 'https://api.sandbox.paypal.com/v1/notifications/certs/CERT-conformance-test';
const ROGUE_CERT_URL = 'https://api.sandbox.paypal.com/v1/notifications/certs/CERT-conformance-rogue';

interface VectorFile {
  vectors: Array<{
    source: string;
    headers: Record<string, string>;
    body: string;
    webhookId: string;
    nowSeconds: number;
    valid: boolean;
  }>;
}
const vectorFile = JSON.parse(
  readFileSync(new URL('../fixtures/paypal-webhook-vectors.json', import.meta.url), 'utf8'),
) as VectorFile;
const VECTORS: readonly WebhookTestVector[] = vectorFile.vectors.map((vector) => ({
  source: `${vector.source} (test/conformance/fixtures/paypal-webhook-vectors.json)`,
  delivery: { headers: vector.headers, rawBody: new TextEncoder().encode(vector.body) },
  secret: vector.webhookId,
  nowSeconds: vector.nowSeconds,
  valid: vector.valid,
}));

/** The certificates by URL, as the cert port would fetch them; the stand-in's own URL is added when it starts. */
const certificates = new Map<string, string>([
  [TEST_CERT_URL, TEST_PKI.chainPem()],
  [ROGUE_CERT_URL, TEST_PKI.rogueChainPem()],
]);

export function verifyWithTestPki(delivery: SignedWebhook, secrets: readonly string[], nowSeconds: number) {
  const url = delivery.headers[PAYPAL_HEADERS.certUrl];
  const chainPem = url === undefined ? undefined : certificates.get(url);
  return verifyPaypalSignature({
    headers: delivery.headers,
    rawBody: delivery.rawBody,
    secrets,
    nowSeconds,
    ...(url === undefined || chainPem === undefined
      ? {}
      : {
          certificate: {
            url,
            chainPem,
            trustedRootsPem: [TEST_PKI.rootPem()],
            leafNames: ['messageverificationcerts.paypal.com'],
          },
        }),
  });
}

const standIns = new WeakMap<StandIn, PaypalStandIn>();

function adapterFor(standIn: StandIn, sleep?: (ms: number) => Promise<void>, timeoutMs?: number): PaypalProvider {
  return new PaypalProvider({
    baseUrl: standIn.baseUrl,
    credentials: CONFORMANCE_CREDENTIALS,
    ...(sleep === undefined ? {} : { sleep }),
    ...(timeoutMs === undefined ? {} : { submitTimeoutMs: timeoutMs, statusTimeoutMs: timeoutMs }),
  });
}

/**
 * PayPal's official SDK (@paypal/paypal-server-sdk 2.5.0) has no Payouts controller and no custom base
 * URL: it knows only api-m.paypal.com and api-m.sandbox.paypal.com. Its HTTPS agent is the seam: an
 * agent whose sockets are plain TCP to the stand-in, so the SDK's own OAuth client fetches a token from
 * the stand-in and parses the stand-in's answer with its own schema.
 */
async function sdkToken(standIn: StandIn): Promise<string> {
  const { port } = new URL(standIn.baseUrl);
  const agent = new HttpsAgent();
  (agent as unknown as { createConnection: () => ReturnType<typeof connect> }).createConnection = () =>
    connect(Number(port), '127.0.0.1');
  const client = new Client({
    environment: Environment.Sandbox,
    clientCredentialsAuthCredentials: {
      oAuthClientId: CONFORMANCE_CREDENTIALS.clientId,
      oAuthClientSecret: CONFORMANCE_CREDENTIALS.clientSecret,
    },
    httpClientOptions: { httpsAgent: agent, timeout: 5_000 },
  });
  const basic = Buffer.from(`${CONFORMANCE_CREDENTIALS.clientId}:${CONFORMANCE_CREDENTIALS.clientSecret}`);
  const answer = await new OAuthAuthorizationController(client).requestToken({
    authorization: `Basic ${basic.toString('base64')}`,
  });
  agent.destroy();
  return answer.result.accessToken;
}

export const paypalSubject: ConformanceSubject = {
  provider: PROVIDER_NAME,
  async startStandIn() {
    const standIn = await startPaypalStandIn({ ...CONFORMANCE_CREDENTIALS, webhookId: CONFORMANCE_WEBHOOK_ID });
    trustStandIn(standIn);
    const view: StandIn = { baseUrl: standIn.baseUrl, controls: standIn.controls, close: () => standIn.close() };
    standIns.set(view, standIn);
    return view;
  },
  adapter: (standIn, { sleep, timeoutMs }) => adapterFor(standIn, sleep, timeoutMs),
  submission: (payoutId) => ({
    payoutId,
    amountMinor: 1_234,
    currency: 'USD',
    destination: { country: 'US', method: 'paypal', fields: { email: 'recipient@example.com' } },
    recipient: { name: 'Conformance Recipient', email: 'recipient@example.com' },
    description: 'conformance suite payout',
  }),
  async sdkRoundTrip(standIn) {
    const token = await sdkToken(standIn);
    // The SDK's token is the stand-in's: our adapter's calls with it are accepted.
    const response = await fetch(`${standIn.baseUrl}${PAYPAL_PATHS.payouts}/B-NO-SUCH-BATCH`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (response.status !== 404) throw new Error(`the SDK's token was refused: ${response.status}`);
    const adapter = adapterFor(standIn);
    const payoutId = `po_conf_sdk_${Date.now()}`;
    const submitted = await adapter.submit(paypalSubject.submission!(payoutId));
    if (submitted.kind !== 'accepted')
      throw new Error(`the stand-in refused the round trip: ${JSON.stringify(submitted)}`);
    const status = await adapter.getStatus({ payoutId, providerReference: submitted.providerReference });
    if (status.kind !== 'found' || status.amountMinor !== 1_234) throw new Error(`read back ${JSON.stringify(status)}`);
  },
  states: PAYPAL_ITEM_STATES,
  mapState: mapPaypalItemState,
  webhooks: {
    vectors: VECTORS,
    sign(rawBody, secret, timestampSeconds) {
      const transmissionTime = new Date(timestampSeconds * 1_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      return {
        headers: signPaypalDelivery({
          rawBody,
          webhookId: secret,
          transmissionTime,
          certUrl: TEST_CERT_URL,
          keyPem: TEST_PKI.leafKeyPem(),
        }),
        rawBody,
      };
    },
    verify: verifyWithTestPki,
    toleranceSeconds: SIGNATURE_TOLERANCE_SECONDS,
    inState: (providerState, payout) => webhookInState('paypal', providerState, payout),
  },
  report: {
    render: (rows) => renderPaypalReport(rows),
    parse: (text) => parsePaypalReport([new TextEncoder().encode(text)]),
  },
  paging: {
    async listAll(standIn, pageSize) {
      // PayPal lists items per batch; which batches exist is the stand-in's test-only answer.
      const batchIds = (await (await fetch(`${standIn.baseUrl}${TEST_BATCHES_PATH}`)).json()) as string[];
      const adapter = adapterFor(standIn, async () => undefined);
      const references: string[] = [];
      for (const batchId of batchIds)
        for (const item of await adapter.listBatch(batchId, pageSize)) references.push(item.payout_item_id);
      return references;
    },
  },
};

/** Lets verifyWithTestPki find a stand-in's certificate, as the cert port would fetch it from there. */
export function trustStandIn(standIn: PaypalStandIn): void {
  certificates.set(`${standIn.baseUrl}${CERT_PATH}`, TEST_PKI.chainPem());
}
