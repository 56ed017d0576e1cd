// Delivers the sandbox's webhook events by their fault plan: delay, hold for reordering, drop the
// first attempts, retry failures with exponential backoff (bounded), send a duplicate. Every
// attempt is logged so tests, drills and the resend route can see what happened.
import { planDelivery, type DeliveryPlan, type DeliveryTiming, type FaultRates } from './fault-plan.js';
import { signStandardWebhook } from './webhook-signer.js';
import type { SandboxWebhookEvent } from './webhook-event.js';

/** One HTTP attempt longer than this counts as failed (Stripe's limit is of the same order). */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** Events remembered for the log and manual resend; the oldest are forgotten first. */
export const EVENTS_KEPT_MAX = 10_000;
const USER_AGENT = 'payout-sandbox-webhooks/1';

export type AttemptOutcome = 'delivered' | 'failed' | 'dropped' | 'duplicate' | 'resent';

export interface AttemptRecord {
  attempt: number;
  /** Real time of the attempt (the signature's timestamp), ISO 8601. */
  at: string;
  outcome: AttemptOutcome;
  httpStatus?: number;
  error?: string;
}

export type EventDeliveryState = 'scheduled' | 'held' | 'retrying' | 'delivered' | 'gave_up';

export interface EventRecord {
  event: SandboxWebhookEvent;
  /** The exact bytes signed and sent on every attempt. */
  body: string;
  plan: DeliveryPlan;
  /** Whether the reorder fault really held this event (not when another event of the payout was already held). */
  held: boolean;
  state: EventDeliveryState;
  attempts: AttemptRecord[];
}

export interface DeliveryOptions {
  targetUrl: string | undefined;
  secret: string;
  seed: number;
  rates: FaultRates;
  timing: DeliveryTiming;
  /** Real clock for the signature timestamp (the sandbox's own clock may be advanced far ahead). */
  realNowMs?: () => number;
}

export class WebhookDelivery {
  private readonly records = new Map<string, EventRecord>();
  /** The event held back per payout id, waiting for the payout's next event to be delivered. */
  private readonly heldByPayout = new Map<string, EventRecord>();
  /** Held events to release once the keyed event has been delivered (or given up). */
  private readonly releaseAfter = new Map<string, EventRecord>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly abort = new AbortController();
  private stopped = false;

  constructor(private readonly options: DeliveryOptions) {}

  enqueue(event: SandboxWebhookEvent): EventRecord {
    const plan = planDelivery(this.options.seed, event.id, this.options.rates, this.options.timing);
    const payoutId = event.data.payout_id;
    const alreadyHeld = this.heldByPayout.get(payoutId);
    const record: EventRecord = {
      event,
      body: JSON.stringify(event),
      plan,
      held: plan.reorder && !alreadyHeld,
      state: 'scheduled',
      attempts: [],
    };
    this.remember(record);
    if (alreadyHeld) {
      // This is the event the held one waits for: release it once this one is through.
      this.heldByPayout.delete(payoutId);
      this.releaseAfter.set(event.id, alreadyHeld);
    }
    if (record.held) {
      record.state = 'held';
      this.heldByPayout.set(payoutId, record);
      this.later(this.options.timing.reorderHoldMsMax, () => {
        if (this.heldByPayout.get(payoutId) !== record) return;
        this.heldByPayout.delete(payoutId);
        this.start(record); // no later event came: send it anyway
      });
    } else {
      this.later(plan.initialDelayMs, () => this.start(record));
    }
    return record;
  }

  get(eventId: string): EventRecord | undefined {
    return this.records.get(eventId);
  }

  list(filter: { payoutId?: string } = {}): EventRecord[] {
    const all = [...this.records.values()];
    return filter.payoutId === undefined ? all : all.filter((r) => r.event.data.payout_id === filter.payoutId);
  }

  /** Manual resend: one immediate, fault-free attempt with a fresh signature timestamp. */
  async resend(eventId: string): Promise<AttemptRecord | undefined> {
    const record = this.records.get(eventId);
    if (!record) return undefined;
    const attempt = await this.send(record, 'resent');
    if (attempt.outcome === 'resent' && record.state !== 'delivered') record.state = 'delivered';
    return attempt;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.abort.abort();
    await Promise.allSettled([...this.inFlight]);
  }

  private start(record: EventRecord): void {
    if (record.state === 'held') record.state = 'scheduled';
    void this.attempt(record, 1);
  }

  private async attempt(record: EventRecord, attempt: number): Promise<void> {
    if (this.stopped) return;
    const { plan } = record;
    let delivered = false;
    if (attempt <= plan.droppedAttempts) {
      // Lost on the way: the receiver never sees it; the provider times out and retries.
      record.attempts.push({ attempt, at: this.nowIso(), outcome: 'dropped' });
    } else {
      delivered = (await this.send(record, 'delivered', attempt)).outcome === 'delivered';
    }
    if (delivered) {
      record.state = 'delivered';
      if (plan.duplicates > 0) this.later(plan.duplicateGapMs, () => void this.send(record, 'duplicate', attempt));
      this.releaseHeldAfter(record);
      return;
    }
    if (attempt >= this.options.timing.attemptsMax) {
      record.state = 'gave_up'; // bounded: from here only a manual resend delivers it
      this.releaseHeldAfter(record);
      return;
    }
    record.state = 'retrying';
    this.later(
      plan.retryDelaysMs[attempt - 1] ?? this.options.timing.retryDelayMsMax,
      () => void this.attempt(record, attempt + 1),
    );
  }

  private releaseHeldAfter(record: EventRecord): void {
    const held = this.releaseAfter.get(record.event.id);
    if (!held) return;
    this.releaseAfter.delete(record.event.id);
    this.start(held);
  }

  private async send(
    record: EventRecord,
    success: 'delivered' | 'duplicate' | 'resent',
    attempt = record.attempts.length + 1,
  ): Promise<AttemptRecord> {
    const at = this.nowIso();
    if (!this.options.targetUrl) {
      const skipped: AttemptRecord = { attempt, at, outcome: 'failed', error: 'no webhook URL configured' };
      record.attempts.push(skipped);
      return skipped;
    }
    const headers = signStandardWebhook(this.options.secret, record.event.id, this.realNowMs() / 1000, record.body);
    const request = fetch(this.options.targetUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...headers },
      body: record.body,
      signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(DELIVERY_TIMEOUT_MS)]),
    }).then(
      async (response) => {
        await response.arrayBuffer().catch(() => undefined);
        return response.ok
          ? ({ attempt, at, outcome: success, httpStatus: response.status } satisfies AttemptRecord)
          : ({ attempt, at, outcome: 'failed', httpStatus: response.status } satisfies AttemptRecord);
      },
      (error: unknown) =>
        ({
          attempt,
          at,
          outcome: 'failed',
          error: error instanceof Error ? error.message : String(error),
        }) satisfies AttemptRecord,
    );
    this.inFlight.add(request);
    try {
      const result: AttemptRecord = await request;
      record.attempts.push(result);
      return result;
    } finally {
      this.inFlight.delete(request);
    }
  }

  private later(delayMs: number, run: () => void): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) run();
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  private remember(record: EventRecord): void {
    this.records.set(record.event.id, record);
    if (this.records.size > EVENTS_KEPT_MAX) {
      const oldest = this.records.keys().next().value;
      if (oldest !== undefined) this.records.delete(oldest);
    }
  }

  private realNowMs(): number {
    return (this.options.realNowMs ?? Date.now)();
  }

  private nowIso(): string {
    return new Date(this.realNowMs()).toISOString();
  }
}
