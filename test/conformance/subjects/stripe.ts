import Stripe from 'stripe';
import {
  PROVIDER_NAME,
  STRIPE_API_BASE_URL,
  StripeProvider,
} from '../../../functions/adapters/providers/stripe-provider';
import { mapStripeState, STRIPE_PAYOUT_STATES } from '../../../functions/domain/provider-status';
import { parseStripeReport, renderStripeReport } from '../../../functions/domain/reconciliation/stripe-report';
import {
  SIGNATURE_TOLERANCE_SECONDS,
  signStripe,
  STRIPE_SIGNATURE_HEADER,
  verifyStripeSignature,
} from '../../../functions/domain/webhook-signatures';
import { startStripeStandIn } from '../../../local/providers/stripe/stand-in';
import { webhookInState } from '../../support/provider-webhooks';
import type { ConformanceSubject, SignedWebhook, StandIn, WebhookTestVector } from '../subject';

/**
 * Stripe as a conformance subject: our thin adapter against the Stripe stand-in (local/providers/stripe/),
 * which the official `stripe` SDK must also be able to drive (sdkRoundTrip). Payouts are made on a
 * connected account (`Stripe-Account`), references are `acct_…/po_…`.
 */

export const STRIPE_TEST_SECRET_KEY = 'sk_test_conformance_51StandIn0000000000';
export const STRIPE_TEST_ACCOUNT = 'acct_1ConformanceTest';
export const STRIPE_WEBHOOK_SECRET = 'whsec_conformance_stripe_0123456789abcdef';
const encoder = new TextEncoder();
const oracle = new Stripe('sk_test_oracle_only');

/**
 * Stripe publishes no fixed vectors; its SDK's documented test helper (webhooks.generateTestHeaderString)
 * is Stripe's own signer, so a header it makes must verify, and the same header on other bytes must not.
 */
function sdkVector(body: string, signedBody: string, timestamp: number, valid: boolean): WebhookTestVector {
  const header = oracle.webhooks.generateTestHeaderString({
    payload: signedBody,
    secret: STRIPE_WEBHOOK_SECRET,
    timestamp,
  });
  return {
    source:
      'stripe-node 23.1.0 webhooks.generateTestHeaderString (docs.stripe.com/webhooks#verify-manually, 2026-12-01)',
    delivery: { headers: { [STRIPE_SIGNATURE_HEADER]: header }, rawBody: encoder.encode(body) },
    secret: STRIPE_WEBHOOK_SECRET,
    nowSeconds: timestamp + 10,
    valid,
  };
}

const EVENT = '{"id":"evt_1","object":"event","type":"payout.paid","account":"acct_1ConformanceTest"}';
const VECTORS = [
  sdkVector(EVENT, EVENT, 1_796_083_200, true),
  sdkVector(EVENT.replace('paid', 'failed'), EVENT, 1_796_083_200, false),
];

type StripeStandInHandle = Awaited<ReturnType<typeof startStripeStandIn>>;
const handles = new WeakMap<StandIn, StripeStandInHandle>();

/** A live sandbox run (`npm run provider-check -- stripe`): Stripe's test mode, its key and a connected account. */
export interface StripeLiveTarget {
  readonly secretKey: string;
  readonly account: string;
}
const live = new WeakMap<StandIn, StripeLiveTarget>();
const keyOf = (standIn: StandIn): string => live.get(standIn)?.secretKey ?? STRIPE_TEST_SECRET_KEY;
const accountOf = (standIn: StandIn): string => live.get(standIn)?.account ?? STRIPE_TEST_ACCOUNT;

function sdkFor(standIn: StandIn): Stripe {
  if (live.has(standIn)) return new Stripe(keyOf(standIn), { maxNetworkRetries: 0 });
  const url = new URL(standIn.baseUrl);
  return new Stripe(STRIPE_TEST_SECRET_KEY, {
    host: url.hostname,
    port: Number(url.port),
    protocol: 'http',
    maxNetworkRetries: 0,
  });
}

/** The SDK creates (twice, one key), reads, lists, cancels, and reads Stripe's error bodies as its own errors. */
async function sdkRoundTrip(standIn: StandIn): Promise<void> {
  const stripe = sdkFor(standIn);
  const account = accountOf(standIn);
  const options = { idempotencyKey: `po_conf_sdk_${Date.now()}`, stripeAccount: account };
  const params = { amount: 700, currency: 'usd', metadata: { payout_id: options.idempotencyKey } };
  const created = await stripe.payouts.create(params, options);
  const replayed = await stripe.payouts.create(params, options);
  const read = await stripe.payouts.retrieve(created.id, {}, { stripeAccount: account });
  const page = await stripe.payouts.list({ limit: 1 }, { stripeAccount: account });
  const canceled = await stripe.payouts.cancel(created.id, {}, { stripeAccount: account });
  const missing = await stripe.payouts.retrieve('po_missing', {}, { stripeAccount: account }).then(
    () => undefined,
    (error: unknown) => error,
  );
  const handle = handles.get(standIn);
  handle?.inject({ kind: 'http_status', status: 429, count: 1 });
  // Only the stand-in can be made to answer 429 on cue.
  const limited =
    handle === undefined
      ? new Stripe.errors.StripeRateLimitError({ message: 'live: not injected' })
      : await stripe.payouts.list({ limit: 1 }).then(
          () => undefined,
          (error: unknown) => error,
        );
  const facts = {
    replayed: replayed.id === created.id && replayed.lastResponse.headers['idempotent-replayed'] === 'true',
    read: read.id === created.id && read.amount === 700 && read.metadata?.['payout_id'] === options.idempotencyKey,
    page: page.object === 'list' && page.data.length === 1 && typeof page.has_more === 'boolean',
    canceled: canceled.status === 'canceled',
    missing: missing instanceof Stripe.errors.StripeInvalidRequestError && missing.statusCode === 404,
    limited: limited instanceof Stripe.errors.StripeRateLimitError,
  };
  if (Object.values(facts).includes(false)) throw new Error(`the stripe SDK disagrees: ${JSON.stringify(facts)}`);
  // Our webhook signature is one Stripe's own library accepts.
  const body = JSON.stringify({ id: 'evt_sdk', object: 'event', type: 'payout.paid' });
  const nowSeconds = Math.floor(Date.now() / 1000);
  const header = `t=${nowSeconds},v1=${signStripe(STRIPE_WEBHOOK_SECRET, nowSeconds, encoder.encode(body))}`;
  stripe.webhooks.constructEvent(body, header, STRIPE_WEBHOOK_SECRET);
}

const base: ConformanceSubject = {
  provider: PROVIDER_NAME,
  submission: (payoutId) => ({
    payoutId,
    amountMinor: 1_234,
    currency: 'USD',
    destination: { country: 'US', method: 'stripe_connect', fields: { stripe_account: STRIPE_TEST_ACCOUNT } },
    recipient: { name: 'Conformance Recipient' },
    description: 'conformance suite payout',
  }),
  async startStandIn() {
    const handle = await startStripeStandIn({ secretKey: STRIPE_TEST_SECRET_KEY });
    const standIn: StandIn = {
      baseUrl: handle.url,
      controls: {
        inject: (fault) => handle.inject(fault),
        clearFaults: () => handle.clearFaults(),
        countFor: (payoutId) => handle.countFor(payoutId),
        setState: (reference, state) => handle.setState(reference, state),
        requests: () => handle.requests(),
      },
      close: () => handle.close(),
    };
    handles.set(standIn, handle);
    return standIn;
  },
  adapter: (standIn, { sleep, timeoutMs }) =>
    new StripeProvider({
      credentials: { secretKey: keyOf(standIn), baseUrl: standIn.baseUrl },
      sleep,
      submitTimeoutMs: timeoutMs,
      statusTimeoutMs: timeoutMs,
    }),
  sdkRoundTrip,
  states: STRIPE_PAYOUT_STATES,
  mapState: mapStripeState,
  webhooks: {
    vectors: VECTORS,
    sign(rawBody, secret, timestampSeconds): SignedWebhook {
      const signature = signStripe(secret, timestampSeconds, rawBody);
      return { headers: { [STRIPE_SIGNATURE_HEADER]: `t=${timestampSeconds},v1=${signature}` }, rawBody };
    },
    verify: (delivery, secrets, nowSeconds) =>
      verifyStripeSignature({ headers: delivery.headers, rawBody: delivery.rawBody, secrets, nowSeconds }),
    toleranceSeconds: SIGNATURE_TOLERANCE_SECONDS,
    inState: (providerState, payout) => webhookInState('stripe', providerState, payout),
  },
  report: {
    render: (rows) => renderStripeReport(rows.map(({ line: _line, ...row }) => row)),
    parse: (text) => parseStripeReport(text),
  },
  paging: {
    async listAll(standIn, pageSize) {
      const adapter = new StripeProvider({
        credentials: { secretKey: keyOf(standIn), baseUrl: standIn.baseUrl },
      });
      const references: string[] = [];
      for await (const { reference } of adapter.listAll(pageSize, accountOf(standIn))) references.push(reference);
      return references;
    },
  },
};

export const stripeSubject: ConformanceSubject = base;

/** The same subject against Stripe's own test mode: no stand-in, so the fault checks skip. */
export function stripeLiveSubject(target: StripeLiveTarget): ConformanceSubject {
  return {
    ...base,
    submission: (payoutId) => {
      const submission = base.submission!(payoutId);
      return { ...submission, destination: { ...submission.destination, fields: { stripe_account: target.account } } };
    },
    async startStandIn() {
      const standIn: StandIn = { baseUrl: STRIPE_API_BASE_URL, close: async () => undefined };
      live.set(standIn, target);
      return standIn;
    },
  };
}
