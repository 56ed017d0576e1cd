import type { SandboxPayout } from '../../functions/adapters/providers/sandbox-api';
import { assertNever } from '../../functions/domain/assert-never';
import { ProviderTimeoutError, ProviderUnavailableError } from '../../functions/domain/provider-errors';
import type {
  CancelRequest,
  CancelResult,
  ProviderPort,
  ProviderSubmission,
  ReturnRequest,
  ReturnResult,
  StatusQuery,
  StatusResult,
  SubmitResult,
} from '../../functions/domain/provider-port';
import { mapSandboxState, type SandboxPayoutState } from '../../functions/domain/provider-status';
import { REPORT_HEADER, reportLine } from '../../functions/domain/reconciliation/report-writer';
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { STANDARD_WEBHOOKS_HEADERS, STRIPE_SIGNATURE_HEADER } from '../../functions/domain/webhook-signatures';
import { standardWebhooksKey } from '../../functions/domain/webhook-signatures/standard-webhooks';
import { reportRowsOf } from '../../local/sandbox/settlement-report';
import type { Gate } from './gate';

/**
 * The payment provider, simulated: the sandbox's contract (docs/sandbox-provider.md) held in
 * memory — idempotent on our payout id, a state machine per payout, signed webhooks for every
 * state it enters, redelivered until acknowledged, and a settlement report written by the
 * sandbox's own row builder. Faults make it time out after recording, answer 5xx before or after
 * recording, and (hostile) sign events that are not about the payout they name.
 */
export const SIM_SECRETS = {
  sandbox: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
  stripe: ['whsec_sim_stripe_signing_secret'],
} as const;
export const PROVIDER_FEE_MINOR = 25;
/** The provider's redelivery backoff after a failed attempt (Stripe-like: minutes, growing). */
export const REDELIVERY_DELAY_SECONDS = [60, 300, 1_800, 3_600, 7_200] as const;
export const SUBMIT_TIMEOUT_MS = 5_000;

export type WebhookSender = 'sandbox' | 'stripe';

export interface ProviderPayout {
  reference: string;
  payoutId: string;
  tenantId: string;
  amountMinor: number;
  currency: string;
  feeMinor: number;
  status: SandboxPayoutState;
  createdAt: string;
  transitions: Partial<Record<SandboxPayoutState, string>>;
  /** Submissions that reached the provider for this payout id (replays included). */
  submissions: number;
}

export interface Delivery {
  eventId: string;
  sender: WebhookSender;
  body: string;
  payoutId: string;
  /** How a hostile event lies; undefined for the provider's honest events. */
  hostile?: 'provider' | 'reference' | 'amount' | 'currency';
  acked: boolean;
  attempts: number;
  dueAtMs: number;
  /** Extra deliveries still owed after an acknowledgement (the duplicate fault). */
  duplicatesOwed: number;
}

/** What may follow each state at the provider; terminal states have none. */
export const PROVIDER_NEXT_STATES: Readonly<Record<SandboxPayoutState, readonly SandboxPayoutState[]>> = {
  accepted: ['in_transit', 'in_transit', 'paid', 'failed', 'canceled'],
  in_transit: ['paid', 'paid', 'failed'],
  paid: ['returned'],
  failed: [],
  canceled: [],
  returned: [],
};

export class ProviderBooks {
  readonly payouts = new Map<string, ProviderPayout>();
  readonly outbox: Delivery[] = [];
  private referenceSequence = 0;
  private eventSequence = 0;

  newReference(): string {
    this.referenceSequence += 1;
    return `sbref_${String(this.referenceSequence).padStart(6, '0')}`;
  }

  newEventId(prefix: string): string {
    this.eventSequence += 1;
    return `${prefix}${String(this.eventSequence).padStart(6, '0')}`;
  }

  byReference(reference: string): ProviderPayout | undefined {
    for (const payout of this.payouts.values()) if (payout.reference === reference) return payout;
    return undefined;
  }

  /** The provider moves a payout on and emits the webhook for the state it entered. */
  advance(payout: ProviderPayout, to: SandboxPayoutState, nowMs: number, dueAtMs: number): Delivery {
    const previous = payout.status;
    payout.status = to;
    payout.transitions[to] = new Date(nowMs).toISOString();
    return this.emit(payout, previous, nowMs, dueAtMs);
  }

  emit(payout: ProviderPayout, previous: SandboxPayoutState | null, nowMs: number, dueAtMs: number): Delivery {
    const eventId = this.newEventId('msg_sim');
    const body = sandboxEventBody(eventId, payout, previous, new Date(nowMs).toISOString(), {});
    const delivery: Delivery = {
      eventId,
      sender: 'sandbox',
      body,
      payoutId: payout.payoutId,
      acked: false,
      attempts: 0,
      dueAtMs,
      duplicatesOwed: 0,
    };
    this.outbox.push(delivery);
    return delivery;
  }

  /**
   * A signed event that must never move the payout (event-ownership.ts): another provider's, or
   * the right provider naming another reference (only for a payout that holds one already, where
   * the rule decides), amount or currency.
   */
  emitHostile(payout: ProviderPayout, kind: NonNullable<Delivery['hostile']>, nowMs: number): Delivery {
    const occurredAt = new Date(nowMs).toISOString();
    if (kind === 'provider') {
      const eventId = this.newEventId('evt_sim');
      const body = JSON.stringify({
        id: eventId,
        type: 'payout.paid',
        created: Math.floor(nowMs / 1_000),
        data: {
          object: {
            object: 'payout',
            id: payout.reference,
            status: 'paid',
            amount: payout.amountMinor,
            currency: payout.currency.toLowerCase(),
            metadata: { payout_id: payout.payoutId },
          },
        },
      });
      return this.push({
        eventId,
        sender: 'stripe',
        body,
        payoutId: payout.payoutId,
        hostile: kind,
        acked: false,
        attempts: 0,
        dueAtMs: nowMs,
        duplicatesOwed: 0,
      });
    }
    const eventId = this.newEventId('msg_hostile');
    const lie =
      kind === 'reference'
        ? { reference: `po_forged_${eventId}` }
        : kind === 'amount'
          ? { amountMinor: payout.amountMinor + 1 }
          : { currency: payout.currency === 'EUR' ? 'GBP' : 'EUR' };
    const body = sandboxEventBody(eventId, { ...payout, status: 'paid' }, payout.status, occurredAt, lie);
    return this.push({
      eventId,
      sender: 'sandbox',
      body,
      payoutId: payout.payoutId,
      hostile: kind,
      acked: false,
      attempts: 0,
      dueAtMs: nowMs,
      duplicatesOwed: 0,
    });
  }

  private push(delivery: Delivery): Delivery {
    this.outbox.push(delivery);
    return delivery;
  }

  /** The day's settlement report, by the sandbox's own row builder and writer. */
  report(date: string): string {
    let text = REPORT_HEADER;
    for (const payout of this.payouts.values()) {
      if (!payout.createdAt.startsWith(date)) continue;
      for (const row of reportRowsOf(sandboxViewOf(payout), 'none')) text += reportLine(row);
    }
    return text;
  }
}

function sandboxEventBody(
  eventId: string,
  payout: ProviderPayout,
  previous: SandboxPayoutState | null,
  occurredAt: string,
  lie: { reference?: string; amountMinor?: number; currency?: string },
): string {
  const failed = payout.status === 'failed' || payout.status === 'canceled' || payout.status === 'returned';
  return JSON.stringify({
    id: eventId,
    type: `payout.${payout.status}`,
    timestamp: occurredAt,
    data: {
      payout_id: payout.payoutId,
      provider_reference: lie.reference ?? payout.reference,
      status: payout.status,
      previous_status: previous,
      amount: lie.amountMinor ?? payout.amountMinor,
      currency: (lie.currency ?? payout.currency).toLowerCase(),
      fee_minor: payout.feeMinor,
      ...(failed ? { failure_code: `sim_${payout.status}` } : {}),
    },
  });
}

function sandboxViewOf(payout: ProviderPayout): SandboxPayout {
  return {
    id: payout.reference,
    object: 'payout',
    amount: payout.amountMinor,
    fee: payout.feeMinor,
    currency: payout.currency.toLowerCase(),
    status: payout.status,
    failure_code: null,
    failure_message: null,
    payout_id: payout.payoutId,
    idempotency_key: payout.payoutId,
    destination: { country: '', method: '', fields: {} },
    metadata: { payout_id: payout.payoutId, tenant_id: payout.tenantId },
    created: payout.createdAt,
    status_transitions: payout.transitions,
    batch_id: null,
  };
}

/**
 * The provider's signing keys, made once: the provider signs every attempt, and deriving the key
 * per call was a tenth of the simulation's time. The same HMACs as signStandardWebhook/signStripe.
 */
let signingKeys: { sandbox: KeyObject; stripe: KeyObject } | undefined;
const keys = () =>
  (signingKeys ??= {
    sandbox: createSecretKey(standardWebhooksKey(SIM_SECRETS.sandbox[0])),
    stripe: createSecretKey(Buffer.from(SIM_SECRETS.stripe[0], 'utf8')),
  });

/** The headers a delivery attempt carries, signed at the provider's (possibly skewed) clock. */
export function signedHeaders(delivery: Delivery, providerNowMs: number): Record<string, string> {
  const timestampSeconds = Math.floor(providerNowMs / 1_000);
  if (delivery.sender === 'stripe') {
    const signature = createHmac('sha256', keys().stripe)
      .update(`${timestampSeconds}.${delivery.body}`, 'utf8')
      .digest('hex');
    return { 'content-type': 'application/json', [STRIPE_SIGNATURE_HEADER]: `t=${timestampSeconds},v1=${signature}` };
  }
  const signature = createHmac('sha256', keys().sandbox)
    .update(`${delivery.eventId}.${timestampSeconds}.${delivery.body}`, 'utf8')
    .digest('base64');
  return {
    'content-type': 'application/json',
    [STANDARD_WEBHOOKS_HEADERS.id]: delivery.eventId,
    [STANDARD_WEBHOOKS_HEADERS.timestamp]: String(timestampSeconds),
    [STANDARD_WEBHOOKS_HEADERS.signature]: `v1,${signature}`,
  };
}

/** The provider port the submitter and the sweeper call, over the books, with its faults. */
export class SimProviderPort implements ProviderPort {
  readonly provider = 'sandbox';

  constructor(
    private readonly books: ProviderBooks,
    private readonly gate: Gate,
    private readonly nowMs: () => number,
    private readonly onCreated: (payout: ProviderPayout) => void,
    /** Called as a submission reaches the provider, before it records anything (the invariants' witness). */
    private readonly onSubmit: (submission: ProviderSubmission) => void = () => undefined,
  ) {}

  /**
   * The sandbox's cancel (local/sandbox/store.ts): accepted or in transit → canceled, with its
   * webhook; canceled again → canceled; paid, failed or returned → too late. Returns (reversals)
   * are not driven by the simulation yet (docs/simulation.md): it answers as a provider without them.
   */
  async cancel(request: CancelRequest): Promise<CancelResult> {
    await this.gate.point('provider.cancel');
    if (this.gate.fault('provider5xx', 'cancel'))
      throw new ProviderUnavailableError('sandbox answered 503 (simulated)', {
        provider: this.provider,
        httpStatus: 503,
      });
    const payout = this.books.byReference(request.providerReference);
    if (payout === undefined) return { kind: 'not_found' };
    switch (payout.status) {
      case 'accepted':
      case 'in_transit':
        this.books.advance(payout, 'canceled', this.nowMs(), this.nowMs());
        break;
      case 'canceled':
        break;
      case 'paid':
      case 'failed':
      case 'returned':
        return { kind: 'too_late', providerState: payout.status };
      default:
        return assertNever(payout.status, 'sandbox state');
    }
    return {
      kind: 'canceled',
      providerReference: payout.reference,
      state: mapSandboxState(payout.status),
      amountMinor: payout.amountMinor,
      currency: payout.currency,
    };
  }

  async requestReturn(_request: ReturnRequest): Promise<ReturnResult> {
    await this.gate.point('provider.requestReturn');
    return { kind: 'unsupported' };
  }

  async submit(submission: ProviderSubmission): Promise<SubmitResult> {
    await this.gate.point('provider.submit');
    this.onSubmit(submission);
    if (this.gate.fault('provider5xx', 'submit'))
      throw new ProviderUnavailableError('sandbox answered 503 (simulated)', {
        provider: this.provider,
        httpStatus: 503,
      });
    let payout = this.books.payouts.get(submission.payoutId);
    const replayed = payout !== undefined;
    if (payout === undefined) {
      payout = {
        reference: this.books.newReference(),
        payoutId: submission.payoutId,
        tenantId: submission.metadata?.['tenant_id'] ?? '',
        amountMinor: submission.amountMinor,
        currency: submission.currency,
        feeMinor: PROVIDER_FEE_MINOR,
        status: 'accepted',
        createdAt: new Date(this.nowMs()).toISOString(),
        transitions: { accepted: new Date(this.nowMs()).toISOString() },
        submissions: 0,
      };
      this.books.payouts.set(submission.payoutId, payout);
      this.onCreated(payout);
    }
    payout.submissions += 1;
    await this.gate.point('provider.submitAnswer');
    if (this.gate.fault('providerTimeoutAfterRecord', 'submit'))
      throw new ProviderTimeoutError(`sandbox did not answer within ${SUBMIT_TIMEOUT_MS} ms (simulated)`, {
        provider: this.provider,
        timeoutMs: SUBMIT_TIMEOUT_MS,
      });
    if (this.gate.fault('provider5xxAfterRecord', 'submit'))
      throw new ProviderUnavailableError('sandbox answered 500 after recording (simulated)', {
        provider: this.provider,
        httpStatus: 500,
      });
    // The answer of a real call shows the state at answer time (a replay may show a later one).
    return {
      kind: 'accepted',
      providerReference: payout.reference,
      state: mapSandboxState(payout.status),
      replayed,
      feeMinor: payout.feeMinor,
    };
  }

  async getStatus(query: StatusQuery): Promise<StatusResult> {
    await this.gate.point('provider.status');
    if (this.gate.fault('provider5xx', 'status'))
      throw new ProviderUnavailableError('sandbox answered 503 (simulated)', {
        provider: this.provider,
        httpStatus: 503,
      });
    const payout =
      query.providerReference === undefined
        ? this.books.payouts.get(query.payoutId)
        : this.books.byReference(query.providerReference);
    if (payout === undefined) return { kind: 'not_found' };
    const stateSince = payout.transitions[payout.status];
    return {
      kind: 'found',
      providerReference: payout.reference,
      state: mapSandboxState(payout.status),
      feeMinor: payout.feeMinor,
      ...(payout.status === 'failed' || payout.status === 'canceled' ? { failureCode: `sim_${payout.status}` } : {}),
      ...(stateSince === undefined ? {} : { stateSince }),
      countAtProvider: 1,
      amountMinor: payout.amountMinor,
      currency: payout.currency,
    };
  }
}
