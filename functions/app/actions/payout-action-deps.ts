import type { TransitionOptions } from '../../adapters/payout-transitions';
import type { ReversalWrite, ReversalWriteResult } from '../../adapters/payout-reversals';
import type { SubmissionMessage } from '../../adapters/submission-queue';
import type { PrincipalRef } from '../../domain/approval';
import type { Actor, Payout, TransitionCommand, TransitionResult } from '../../domain/payout';
import type { ProviderPort } from '../../domain/provider-port';
import type { Caller } from '../../http/claims';
import type { ActionBody } from '../../http/payout-action-requests';
import type { IdempotentAction } from './idempotent-action';

/** What the tenant's payout actions need (PayoutsRepository is one `payouts`). */
export interface PayoutActionsStore {
  getPayout(tenantId: string, payoutId: string): Promise<Payout | undefined>;
  applyTransition(cmd: TransitionCommand, options?: TransitionOptions): Promise<TransitionResult>;
  writeReversal(write: ReversalWrite): Promise<ReversalWriteResult>;
}

export interface PayoutActionsDeps {
  payouts: PayoutActionsStore;
  action: IdempotentAction;
  /** The submission queue: an approved payout goes to the provider through it, like a created one. */
  enqueueSubmission(message: SubmissionMessage): Promise<void>;
  providers: Readonly<Record<string, ProviderPort>>;
  now(): Date;
  newReversalId(): string;
  log?(message: string, detail: Record<string, unknown>): void;
}

/** One call of an action, parsed and checked up to the idempotent section. */
export interface ActionCall {
  caller: Caller;
  payoutId: string;
  reversalId?: string;
  body: ActionBody;
  requestId: string;
}

export const actorOf = (caller: Caller): Actor => ({
  kind: 'client',
  id: caller.clientId,
  role: caller.role,
  scopes: caller.scopes,
});
export const principalOf = (caller: Caller): PrincipalRef => ({ clientId: caller.clientId, subject: caller.subject });
