/** What a tenant's action request is, in the simulation (actions.ts runs them; World keeps them). */
export type SimAction = 'approve' | 'reject' | 'cancel';

/**
 * Who calls: the tenant's backend (it created every payout; payouts:write), its approver (another
 * app client; payouts:approve), and the creator itself holding an approver's token — four eyes
 * must refuse that one, whichever scopes it holds.
 */
export type SimPrincipal = 'backend' | 'approver' | 'creator-as-approver';

export interface ActionRequest {
  id: number;
  tenantId: string;
  principal: SimPrincipal;
  action: SimAction;
  payoutId: string;
  idempotencyKey: string;
  body: Record<string, string>;
  /** Status codes answered so far (a crash or an unforeseen error answers none). */
  answers: number[];
  /** Answered with something other than "retry": a success or a refusal. */
  done: boolean;
}
