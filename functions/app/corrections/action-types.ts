import type { CorrectionsRepository } from '../../adapters/corrections-repository';
import type { Payout } from '../../domain/payout';
import { ApiError } from '../../http/api-error';
import type {
  ApproveCorrectionBody,
  ProposeCorrectionBody,
  RejectCorrectionBody,
} from '../../http/corrections-requests';
import type { Operator } from '../../http/operator';

/**
 * The state-changing corrections requests as actions: `execute(input) → { statusCode, body }`.
 * Every outcome the caller can act on — success and refusal alike — is RETURNED, never thrown, and
 * depends only on the input, the stored state, the clock and the id given: so an idempotency
 * wrapper (functions/app/actions/idempotent-action.ts, Powertools underneath: it stores returned
 * values only, DESIGN §7) can store the first answer and replay it for the same Idempotency-Key.
 * A failure of unknown outcome (a timeout, throttling) is thrown: the wrapper forgets the key and a
 * retry runs again, which is safe — a proposal re-run is a second proposal at most, and no approval
 * can apply twice (each is conditional on the record's state and the payout's version).
 */
export interface ActionResult {
  statusCode: number;
  body: unknown;
}

interface ActionCommon {
  /**
   * What the idempotency record is keyed on: the operator and their key. A key is the operator's,
   * across the three actions, so the same key on another route is a different body (`action`,
   * `target`), refused as a reuse, never a silent second action.
   */
  idempotencyScope: string;
  /** What a replay is compared on (the route, its target and the parsed body). */
  payload: Record<string, unknown>;
  operator: Operator;
  requestId: string;
}

export type CorrectionActionInput =
  | (ActionCommon & { action: 'propose'; payoutId: string; body: ProposeCorrectionBody })
  | (ActionCommon & { action: 'approve'; correctionId: string; body: ApproveCorrectionBody })
  | (ActionCommon & { action: 'reject'; correctionId: string; body: RejectCorrectionBody });

export type ExecuteCorrectionAction = (input: CorrectionActionInput) => Promise<ActionResult>;

export interface CorrectionsDeps {
  corrections: CorrectionsRepository;
  payouts: { getPayoutById(payoutId: string): Promise<Payout | undefined> };
  nowMs(): number;
  newCorrectionId(): string;
}

export const payoutChanged = (category: 'retryable' | 'human_action_required', message: string): ApiError =>
  new ApiError({ status: 409, type: 'conflict_error', code: 'payout_changed', category, message });

export const correctionNotProposed = (state?: string): ApiError =>
  new ApiError({
    status: 409,
    type: 'conflict_error',
    code: 'correction_not_proposed',
    category: 'terminal',
    message: `the correction has already been decided${state === undefined ? '' : ` (state ${state})`}`,
  });
