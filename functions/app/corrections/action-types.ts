import type { Context } from 'aws-lambda';
import type { ActionKeyScope } from '../../adapters/action-keys';
import type { CorrectionsRepository } from '../../adapters/corrections-repository';
import type { Payout } from '../../domain/payout';
import { ApiError } from '../../http/api-error';
import type {
  ApproveCorrectionBody,
  ProposeCorrectionBody,
  RejectCorrectionBody,
} from '../../http/corrections-requests';
import type { StoredAnswer } from '../../http/idempotency-key';
import type { Operator } from '../../http/operator';

/**
 * The state-changing corrections requests as actions. Success is RETURNED (`{ statusCode, body }`)
 * and refusals are THROWN (ApiError), as the idempotency primitive needs
 * (functions/app/actions/idempotent-action.ts, Powertools underneath: it stores returned values
 * only, DESIGN §7): a success is stored and replayed for the same Idempotency-Key; a refusal writes
 * nothing and is decided again on a retry. Every write of an action carries `lock`, the action key
 * lock, in its own transaction, so one key applies one action at most, for ever.
 */
export interface ActionResult {
  statusCode: number;
  body: unknown;
}

interface ActionCommon {
  /** Where the key lives: the operator, the route, the resource and the key (adapters/action-keys.ts). */
  scope: ActionKeyScope;
  /** The parsed body as field paths (flattenFields): a reuse with other values names them. */
  fields: Record<string, unknown>;
  operator: Operator;
  requestId: string;
}

export type CorrectionActionInput =
  | (ActionCommon & { action: 'propose'; payoutId: string; body: ProposeCorrectionBody })
  | (ActionCommon & { action: 'approve'; correctionId: string; body: ApproveCorrectionBody })
  | (ActionCommon & { action: 'reject'; correctionId: string; body: RejectCorrectionBody });

/** The action as the API runs it: inside the idempotency primitive, answering its stored form. */
export type RunCorrectionAction = (input: CorrectionActionInput, context: Context) => Promise<StoredAnswer>;

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
