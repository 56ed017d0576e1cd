// The Stripe stand-in (local/providers/stripe/): a node:http server on 127.0.0.1 that answers the part of
// Stripe's v1 API the adapter and the `stripe` SDK use, with the conformance suite's test controls.
// Sources (read 2026-12-01): stripe/openapi commit f6c2a48 (openapi/fixtures3.json; spec3.json was not in
// the local mirror), the `stripe` SDK 23.1.0's types generated from the same spec (OPENAPI_VERSION v2596),
// docs.stripe.com/api/errors and /api/idempotent_requests. The twin starts it (local/providers/stand-ins.ts).
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseStripeReference } from '../../../functions/domain/stripe-reference.js';
import { PLATFORM_ACCOUNT, StripeBooks } from './books.js';
import { FaultQueue, type StandInFault } from './faults.js';
import { stripeRequestHandler } from './server.js';
import { deliverStripeEvent, stripeEventOf } from './webhooks.js';

export interface StripeStandInOptions {
  /** 0 picks a free port. */
  readonly port?: number;
  /** The secret key clients must send (`Authorization: Bearer …`). */
  readonly secretKey: string;
  /** Our webhook intake for Stripe, and the endpoint secret to sign with; no webhooks without both. */
  readonly webhookUrl?: string;
  readonly webhookSecret?: string;
  readonly nowSeconds?: () => number;
}

export interface RecordedStripeRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface StripeStandIn {
  readonly url: string;
  inject(fault: StandInFault): void;
  clearFaults(): void;
  /** Payouts held for our payout id (metadata payout_id), reversals not counted, across every account. */
  countFor(payoutId: string): number;
  setState(providerReference: string, status: string): Promise<void>;
  requests(): readonly RecordedStripeRequest[];
  /** Webhook deliveries still being attempted. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export async function startStripeStandIn(options: StripeStandInOptions): Promise<StripeStandIn> {
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const books = new StripeBooks(nowSeconds);
  const faults = new FaultQueue();
  const recorded: RecordedStripeRequest[] = [];
  const hung = new Set<ServerResponse>();
  const deliveries = new Set<Promise<boolean>>();
  const { webhookUrl, webhookSecret } = options;
  if (webhookUrl !== undefined && webhookSecret !== undefined)
    books.onChange((change) => {
      const delivery = deliverStripeEvent(webhookUrl, webhookSecret, stripeEventOf(change, nowSeconds()), nowSeconds);
      deliveries.add(delivery);
      void delivery.finally(() => deliveries.delete(delivery));
    });
  const server = createServer(
    stripeRequestHandler({ books, faults, secretKey: options.secretKey, hung, record: (r) => recorded.push(r) }),
  );
  await new Promise<void>((resolveListen) => server.listen(options.port ?? 0, '127.0.0.1', resolveListen));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    inject: (fault) => faults.inject(fault),
    clearFaults: () => faults.clear(),
    countFor: (payoutId) =>
      books.all().filter(({ payout }) => payout.metadata['payout_id'] === payoutId && payout.original_payout === null)
        .length,
    async setState(providerReference, status) {
      const parts = parseStripeReference(providerReference);
      if (
        parts === undefined ||
        books.setState(parts.account ?? PLATFORM_ACCOUNT, parts.payoutId, status) === undefined
      )
        throw new Error(`the Stripe stand-in holds no payout ${providerReference}`);
    },
    requests: () => [...recorded],
    settled: async () => void (await Promise.allSettled([...deliveries])),
    async close() {
      for (const response of hung) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
    },
  };
}
