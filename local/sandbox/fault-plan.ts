// The sandbox's seeded webhook fault plan. Real providers deliver at least once: a webhook may
// arrive twice, late, out of order, or not at all until a retry (Stripe retries for up to three
// days with exponential backoff; Adyen retries three times at once, then queues). The sandbox does
// the same on purpose, deterministically: the plan of an event depends only on (seed, event id),
// so a test that names a seed gets the same faults every run, whatever else happens around it.

/** Probabilities (0–1) that an event meets each fault. Independent draws; faults may combine. */
export interface FaultRates {
  /** Delivered one extra time (same webhook-id, same body). */
  readonly duplicate: number;
  /** Held for a random extra delay before its first attempt. */
  readonly delay: number;
  /** Held back until the payout's next event has been sent (or the hold times out). */
  readonly reorder: number;
  /** Its first attempts are lost on the way; later attempts redeliver it with backoff. */
  readonly drop: number;
}

export const FAULT_RATES_NONE: FaultRates = { duplicate: 0, delay: 0, reorder: 0, drop: 0 };
/** The twin's default: every fault shows up within a handful of payouts, most events are clean. */
export const FAULT_RATES_DEFAULT: FaultRates = { duplicate: 0.15, delay: 0.15, reorder: 0.1, drop: 0.15 };
/** Every fault on every event: for tests that want all of them at once. */
export const FAULT_RATES_ALL: FaultRates = { duplicate: 1, delay: 1, reorder: 1, drop: 1 };

export interface DeliveryTiming {
  /** First retry delay; each later one doubles (exponential backoff). */
  readonly retryDelayMsBase: number;
  /** Ceiling of one retry delay. */
  readonly retryDelayMsMax: number;
  /** Attempts per event, dropped ones included; after this many the event is given up (manual resend remains). */
  readonly attemptsMax: number;
  /** Ceiling of the extra delay of a `delay` fault. */
  readonly delayMsMax: number;
  /** Ceiling of the gap between an event and its duplicate. */
  readonly duplicateGapMsMax: number;
  /** Longest a reordered event waits for its payout's next event before it is sent anyway. */
  readonly reorderHoldMsMax: number;
}

/** Scaled down from Stripe's hours to a laptop's seconds, keeping the shape (×2 per attempt). */
export const DELIVERY_TIMING_DEFAULT: DeliveryTiming = {
  retryDelayMsBase: 500,
  retryDelayMsMax: 30_000,
  attemptsMax: 8,
  delayMsMax: 2_000,
  duplicateGapMsMax: 1_000,
  reorderHoldMsMax: 8_000,
};

/** At most this many leading attempts of a dropped event are lost, always fewer than attemptsMax. */
export const DROPPED_ATTEMPTS_MAX = 3;
/** Backoff jitter as a fraction of the delay, so retries of many events do not arrive in lockstep. */
export const RETRY_JITTER_RATIO = 0.2;

export interface DeliveryPlan {
  readonly eventId: string;
  /** Extra wait before the first attempt (0 unless the `delay` fault hit). */
  readonly initialDelayMs: number;
  /** Hold until the payout's next event has been sent. */
  readonly reorder: boolean;
  /** Leading attempts that are lost without reaching the receiver (0 unless `drop` hit). */
  readonly droppedAttempts: number;
  /** Extra copies delivered after the first successful delivery (0 or 1). */
  readonly duplicates: number;
  readonly duplicateGapMs: number;
  /** Wait before attempt n+2 after attempt n+1 failed or was dropped: retryDelaysMs[n]. */
  readonly retryDelaysMs: readonly number[];
}

export function planDelivery(
  seed: number,
  eventId: string,
  rates: FaultRates,
  timing: DeliveryTiming = DELIVERY_TIMING_DEFAULT,
): DeliveryPlan {
  assertRates(rates);
  assertTiming(timing);
  const random = seededRandom(`${seed}:${eventId}`);
  // Draw every number in a fixed order whatever the rates, so changing one rate does not
  // reshuffle the other faults of the same seed.
  const draws = { duplicate: random(), delay: random(), reorder: random(), drop: random() };
  const delayMs = Math.floor(random() * timing.delayMsMax);
  const gapMs = Math.floor(random() * timing.duplicateGapMsMax);
  const dropped = 1 + Math.floor(random() * Math.min(DROPPED_ATTEMPTS_MAX, timing.attemptsMax - 1));
  const retryDelaysMs = Array.from({ length: timing.attemptsMax - 1 }, (_, index) =>
    backoffMs(index + 1, random(), timing),
  );
  return {
    eventId,
    initialDelayMs: draws.delay < rates.delay ? delayMs : 0,
    reorder: draws.reorder < rates.reorder,
    droppedAttempts: draws.drop < rates.drop ? dropped : 0,
    duplicates: draws.duplicate < rates.duplicate ? 1 : 0,
    duplicateGapMs: gapMs,
    retryDelaysMs,
  };
}

/** Delay before retry number `retry` (1-based): base·2^(retry−1), capped, plus up to 20 % jitter. */
export function backoffMs(retry: number, unitRandom: number, timing: DeliveryTiming): number {
  const exponential = Math.min(timing.retryDelayMsBase * 2 ** (retry - 1), timing.retryDelayMsMax);
  return Math.min(Math.round(exponential * (1 + RETRY_JITTER_RATIO * unitRandom)), timing.retryDelayMsMax);
}

/** mulberry32 seeded by an FNV-1a hash of the key: tiny, fast, and the same on every machine. */
export function seededRandom(key: string): () => number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index += 1) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  let state = hash >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function assertRates(rates: FaultRates): void {
  for (const [name, rate] of Object.entries(rates)) {
    if (!(rate >= 0 && rate <= 1)) throw new Error(`fault rate ${name} must be within 0–1, got ${rate}`);
  }
}

function assertTiming(timing: DeliveryTiming): void {
  if (!Number.isInteger(timing.attemptsMax) || timing.attemptsMax < 2)
    throw new Error(`attemptsMax must be an integer ≥ 2 so a dropped event is redelivered, got ${timing.attemptsMax}`);
  for (const [name, value] of Object.entries(timing)) {
    if (!(Number.isFinite(value) && value >= 0))
      throw new Error(`delivery timing ${name} must be a non-negative number, got ${value}`);
  }
}

/** Parses `SANDBOX_WEBHOOK_FAULTS`: `none`, `default`, `all`, or JSON rates (missing ones are 0). */
export function parseFaultRates(text: string | undefined): FaultRates {
  const value = (text ?? 'default').trim();
  if (value === 'none' || value === 'off') return FAULT_RATES_NONE;
  if (value === 'default' || value === '') return FAULT_RATES_DEFAULT;
  if (value === 'all') return FAULT_RATES_ALL;
  const parsed = JSON.parse(value) as Partial<FaultRates>;
  const rates = { ...FAULT_RATES_NONE, ...parsed };
  assertRates(rates);
  return rates;
}
