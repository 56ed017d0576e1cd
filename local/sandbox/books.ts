// The sandbox's books as data: what is stored, journaled and told to listeners.
import type { SandboxPayoutState } from '../../functions/domain/provider-status.js';
import type { SandboxErrorBody, SandboxPayout } from '../../functions/adapters/providers/sandbox-api.js';
import type { ScheduledStep } from './progression.js';
import type { SandboxTrigger } from './triggers.js';

export const STATE_VERSION = 1;
/** Characters of an account field left visible when the sandbox shows a destination. */
export const MASK_VISIBLE_CHARACTERS = 4;

export interface SandboxRecord {
  payout: SandboxPayout;
  triggerName: string;
  /** SHA-256 of the canonical create body: same key + different body is refused. */
  bodyHash: string;
  /** Steps not yet applied, in time order. */
  schedule: ScheduledStep[];
  /** A return was requested (POST /v1/payouts/{ref}/return): its `returned` says so. */
  returnRequested?: boolean;
}

export type StoredOutcome =
  { kind: 'payout'; providerReference: string } | { kind: 'error'; httpStatus: number; body: SandboxErrorBody };

export interface IdempotencyRecord {
  bodyHash: string;
  outcome: StoredOutcome;
}

export interface SandboxState {
  version: number;
  clockOffsetMs: number;
  eventSequence: number;
  payouts: Record<string, SandboxRecord>;
  idempotency: Record<string, IdempotencyRecord>;
  /** Submission attempts per idempotency key, including ones that recorded nothing. */
  attempts: Record<string, number>;
}

/** One journal line: the whole new value of everything a change touched. */
export interface SandboxDelta {
  clockOffsetMs: number;
  eventSequence: number;
  payouts?: Record<string, SandboxRecord>;
  idempotency?: Record<string, IdempotencyRecord>;
  attempts?: Record<string, number>;
}

export interface Touched {
  payouts?: string[];
  idempotency?: string[];
  attempts?: string[];
}

/** What a listener (the webhook emitter) is told each time a payout enters a state. */
export interface SandboxStateChange {
  /** Unique and stable per change: `evt_sbx_<sequence>`. */
  readonly eventId: string;
  readonly type: `payout.${SandboxPayoutState}`;
  readonly previousStatus: SandboxPayoutState | null;
  readonly payout: SandboxPayout;
  readonly occurredAt: string;
  readonly trigger: SandboxTrigger;
}
export type StateChangeListener = (change: SandboxStateChange) => void;

export type SubmitOutcome =
  | { kind: 'payout'; httpStatus: 200 | 500; payout: SandboxPayout; replayed: boolean; holdFirstAnswer: boolean }
  | { kind: 'error'; httpStatus: number; body: SandboxErrorBody; replayed: boolean };

/** Canonical JSON (sorted keys): two bodies are the same request when these strings are equal. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export const mask = (value: string) =>
  '•'.repeat(Math.max(0, value.length - MASK_VISIBLE_CHARACTERS)) + value.slice(-MASK_VISIBLE_CHARACTERS);

export function unavailable(): SubmitOutcome {
  return {
    kind: 'error',
    httpStatus: 503,
    replayed: false,
    body: {
      error: {
        type: 'api_error',
        code: 'service_unavailable',
        message: 'The sandbox is unavailable (test trigger); nothing was recorded.',
      },
    },
  };
}
