import type { MappedProviderState } from '../../functions/domain/provider-status';
import type { ProviderPort, ProviderSubmission } from '../../functions/domain/provider-port';
import type { ReportRow } from '../../functions/domain/reconciliation/report';
import type { ProviderWebhook, WebhookPayout } from '../support/provider-webhooks';
import type { VerificationResult } from '../../functions/domain/webhook-signatures/verification';

/**
 * The contract between the provider conformance suite (issue 14) and each provider: what a provider
 * must hand the suite so that the same eight checks run against the sandbox, Stripe, PayPal and Adyen.
 * A provider's subject lives in test/conformance/subjects/<provider>.ts; the suite never names a provider.
 *
 * Everything runs on 127.0.0.1 against the provider's local stand-in (local/providers/<provider>/), the
 * same stand-in the twin starts. `npm run provider-check -- <provider>` runs the suite against the real
 * sandbox instead, when credentials are given: then `standIn.controls` is absent and the checks that
 * need injected faults are skipped with a one-line reason.
 */

/** A fault the stand-in plays on its next matching request(s). */
export type StandInFault =
  /** Answer the next `count` requests with this HTTP status and the provider's documented error body. */
  | { readonly kind: 'http_status'; readonly status: 500 | 502 | 503 | 429; readonly count: number }
  /** Record the next create, then hang past the adapter's timeout without answering (the "did it land?" case). */
  | { readonly kind: 'record_then_hang' }
  /** Reject the next create terminally, as the provider does for bad recipient details or its own refusal. */
  | { readonly kind: 'reject'; readonly attribution: 'recipient_details' | 'provider' };

/** The stand-in's test-only controls (absent against a live sandbox). */
export interface StandInControls {
  inject(fault: StandInFault): void;
  /** Drops every injected fault not yet played (a test that gave up early leaves none for the next). */
  clearFaults(): void;
  /** How many payouts (transfers, items) the stand-in holds whose idempotency identity is our payout id. */
  countFor(payoutId: string): number;
  /** Moves a payout to one of the provider's own states, as the provider would (and emits its webhook). */
  setState(providerReference: string, providerState: string): Promise<void>;
  /** Every request the stand-in received, in order, with headers lower-cased: for idempotency-key and auth checks. */
  requests(): readonly RecordedRequest[];
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface StandIn {
  /** http://127.0.0.1:<port> */
  readonly baseUrl: string;
  readonly controls?: StandInControls;
  close(): Promise<void>;
}

/** One webhook delivery as the provider sends it: exact bytes and headers. */
export interface SignedWebhook {
  readonly headers: Readonly<Record<string, string>>;
  readonly rawBody: Uint8Array;
}

/** A published test vector: the provider's own example, with the verdict its documentation gives. */
export interface WebhookTestVector {
  /** Where the vector comes from (document and retrieval date). */
  readonly source: string;
  readonly delivery: SignedWebhook;
  readonly secret: string;
  readonly nowSeconds: number;
  readonly valid: boolean;
}

export interface ConformanceSubject {
  /** The name stored on payouts and in webhook routes (`sandbox`, `stripe`, `paypal`, `adyen`). */
  readonly provider: string;
  /**
   * A submission this provider takes, for our payout id: its corridor's currency, method and account
   * fields. Optional: the suite's default is a USD ACH payout to a US bank account.
   */
  submission?(payoutId: string): ProviderSubmission;
  /** Starts the stand-in on a free loopback port (or points at the live sandbox when credentials are given). */
  startStandIn(): Promise<StandIn>;
  /**
   * Our adapter, pointed at the stand-in. `sleep` is injected so retry back-offs cost no wall time, and
   * `timeoutMs` is small so `record_then_hang` resolves quickly.
   */
  adapter(
    standIn: StandIn,
    options: { readonly sleep: (ms: number) => Promise<void>; readonly timeoutMs: number },
  ): ProviderPort;
  /**
   * Drives the stand-in through the provider's official SDK (create, read, list a page): a stand-in the
   * provider's own client cannot parse fails here. The sandbox, which has no SDK, uses its own client.
   */
  sdkRoundTrip(standIn: StandIn): Promise<void>;
  /** Every state the provider documents for a payout, and our exhaustive mapping of each. */
  readonly states: readonly string[];
  mapState(providerState: string): MappedProviderState;
  readonly webhooks: {
    readonly vectors: readonly WebhookTestVector[];
    /** Signs a body the way the provider does, for the tampered / stale / wrong-secret cases. */
    sign(rawBody: Uint8Array, secret: string, timestampSeconds: number): SignedWebhook;
    verify(delivery: SignedWebhook, secrets: readonly string[], nowSeconds: number): VerificationResult;
    /** The seconds of skew beyond which a delivery is stale (the provider's documented window). */
    readonly toleranceSeconds: number;
    /**
     * The event the provider sends when a payout enters `providerState`, as its webhook route receives it;
     * undefined when it sends none for that state. Check 5 maps each through the webhook path.
     */
    inState(providerState: string, payout: WebhookPayout): ProviderWebhook | undefined;
  };
  readonly report: {
    /** Renders rows in the provider's own report format (its columns, its amounts, its statuses). */
    render(rows: readonly ReportRow[]): string;
    /** Parses the provider's report into the engine's rows. Rendering then parsing gives the rows back. */
    parse(text: string): AsyncIterable<ReportRow> | Promise<readonly ReportRow[]>;
  };
  /** How the provider pages lists and limits rates, for check 8. */
  readonly paging: {
    /** Lists every payout the stand-in holds, page by page through the adapter's own pager. */
    listAll(standIn: StandIn, pageSize: number): Promise<readonly string[]>;
  };
}
