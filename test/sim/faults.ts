import type { Choices } from './choices';

/**
 * The fault table: every fault the simulation injects, with its named probability (per
 * opportunity: per yield point for a crash, per call for a storage or provider fault, per delivery
 * for a webhook fault) and what it stands for. A new fault is one row here and one `fault(kind)`
 * where it can happen. The quiet phase at the end of a history turns them all off.
 */
export const FAULTS = {
  crash: {
    probability: 0.004,
    what: 'the process dies at a yield point (any await on a store, queue or provider); the caller retries later',
  },
  txConflict: {
    probability: 0.02,
    what: 'DynamoDB cancels a transaction (TransactionConflict) or a conditional write loses a race it did not see',
  },
  sqsRedelivery: { probability: 0.05, what: 'SQS delivers a message again after it was deleted (at-least-once)' },
  visibilityLapse: {
    probability: 0.04,
    what: 'the visibility timeout lapses while a consumer works: a second consumer gets the same message',
  },
  providerTimeoutAfterRecord: {
    probability: 0.05,
    what: 'the provider records the payout, then we time out before hearing the answer',
  },
  provider5xx: { probability: 0.05, what: 'the provider answers 5xx before doing anything' },
  provider5xxAfterRecord: {
    probability: 0.03,
    what: 'the provider forgets nothing: it answers 5xx after recording the payout',
  },
  webhookDuplicate: { probability: 0.08, what: 'the provider delivers a webhook twice' },
  webhookDelay: { probability: 0.1, what: 'a webhook is held back for minutes to hours' },
  webhookReorder: { probability: 0.15, what: 'a later webhook is delivered before an earlier one' },
  webhookDrop: { probability: 0.08, what: 'a delivery is lost (request or 2xx); the provider redelivers later' },
  enqueueFailure: { probability: 0.04, what: 'SQS refuses a send after the inbox (or the payout) was written' },
  clockSkew: {
    probability: 0.3,
    what: "the provider's clock is off by up to ±299 s when it signs (inside the 300 s tolerance)",
  },
  hostileProvider: {
    probability: 0.06,
    what: "a validly signed event that is not the payout's: another provider, reference, amount or currency",
  },
  idempotencyExpiry: {
    probability: 0.03,
    what: "Powertools' idempotency record expires (or is lost) between a create and its retry",
  },
} as const satisfies Record<string, { probability: number; what: string }>;

export type FaultKind = keyof typeof FAULTS;
export const FAULT_KINDS = Object.keys(FAULTS) as FaultKind[];

/** Decides faults from the history's choices and counts what fired, by kind. */
export class FaultPlan {
  enabled = true;
  readonly fired: Record<FaultKind, number> = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<
    FaultKind,
    number
  >;
  /** The faults that fired, in order, with where: the history's fault log. */
  readonly log: string[] = [];

  constructor(
    private readonly choices: Choices,
    private readonly probabilities: Readonly<Record<FaultKind, number>> = defaultProbabilities(),
  ) {}

  fire(kind: FaultKind, where: string): boolean {
    if (!this.enabled) return false;
    if (!this.choices.chance(this.probabilities[kind])) return false;
    this.fired[kind] += 1;
    this.log.push(`${kind}@${where}`);
    return true;
  }
}

export function defaultProbabilities(): Record<FaultKind, number> {
  return Object.fromEntries(FAULT_KINDS.map((k) => [k, FAULTS[k].probability])) as Record<FaultKind, number>;
}
