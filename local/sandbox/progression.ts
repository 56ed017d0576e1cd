// How a sandbox payout moves after it is accepted: a schedule of (state, time) steps built once at
// acceptance from its trigger and the configured step length, then applied by the clock.
import { assertNever } from '../../functions/domain/assert-never.js';
import type { SandboxPayoutState } from '../../functions/domain/provider-status.js';
import type { Progression } from './triggers.js';

export interface ScheduledStep {
  readonly state: SandboxPayoutState;
  /** Sandbox-clock epoch milliseconds at which the payout enters `state`. */
  readonly atMs: number;
}

/** The states after `accepted`, one step apart. */
function statesAfterAccepted(progression: Progression): SandboxPayoutState[] {
  switch (progression) {
    case 'paid':
      return ['in_transit', 'paid'];
    case 'failed':
      return ['in_transit', 'failed'];
    case 'pending':
      return ['in_transit'];
    case 'returned':
      return ['in_transit', 'paid', 'returned'];
    case 'canceled':
      return ['canceled'];
    default:
      return assertNever(progression, 'progression');
  }
}

export function scheduleFor(progression: Progression, acceptedAtMs: number, stepMs: number): ScheduledStep[] {
  return statesAfterAccepted(progression).map((state, index) => ({ state, atMs: acceptedAtMs + (index + 1) * stepMs }));
}

/** The sandbox's fee: 25 basis points of the amount, at least one minor unit, in integers only. */
export const SANDBOX_FEE_BASIS_POINTS = 25;
export const SANDBOX_FEE_MIN_MINOR = 1;
const BASIS_POINTS_PER_UNIT = 10_000;

export function sandboxFeeMinor(amountMinor: number): number {
  return Math.max(SANDBOX_FEE_MIN_MINOR, Math.floor((amountMinor * SANDBOX_FEE_BASIS_POINTS) / BASIS_POINTS_PER_UNIT));
}

/** Failure code the sandbox reports for payouts that fail or come back. */
export function failureFor(state: SandboxPayoutState): { code: string; message: string } | undefined {
  switch (state) {
    case 'failed':
      return { code: 'account_closed', message: 'The bank account has been closed.' };
    case 'returned':
      return {
        code: 'account_closed',
        message: 'The bank returned the payout after it was paid: the account has been closed.',
      };
    case 'canceled':
      return { code: 'canceled_by_provider', message: 'The provider canceled the payout before it was sent.' };
    case 'accepted':
    case 'in_transit':
    case 'paid':
      return undefined;
    default:
      return assertNever(state, 'sandbox payout state');
  }
}

/** Settlement batches are daily, named by the sandbox-clock UTC date the payout was paid. */
export function batchIdFor(paidAtMs: number): string {
  return `sbx_batch_${new Date(paidAtMs).toISOString().slice(0, 10).replaceAll('-', '')}`;
}
