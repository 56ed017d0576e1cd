import type { Scope } from './names';

// The tenant's actions on a payout (issue 10), served by the payout-actions function: each route
// with the one scope it requires. lib/routes.ts builds the API routes from this list and the
// handler checks the same scope again, so the two can never name different scopes.

export const PAYOUT_ACTIONS = [
  'approve',
  'reject',
  'cancel',
  'request_reversal',
  'approve_reversal',
  'reject_reversal',
] as const;
export type PayoutAction = (typeof PAYOUT_ACTIONS)[number];

export interface PayoutActionRoute {
  readonly action: PayoutAction;
  readonly method: 'POST';
  readonly path: string;
  readonly scope: Scope;
}

export const PAYOUT_ACTION_ROUTES: readonly PayoutActionRoute[] = [
  // Four eyes: the approver's client holds payouts:approve, the backend that created the payout does not.
  { action: 'approve', method: 'POST', path: '/payouts/{payoutId}/approve', scope: 'payouts:approve' },
  { action: 'reject', method: 'POST', path: '/payouts/{payoutId}/reject', scope: 'payouts:approve' },
  { action: 'cancel', method: 'POST', path: '/payouts/{payoutId}/cancel', scope: 'payouts:write' },
  // Triggering a reversal and approving it are different authorities.
  { action: 'request_reversal', method: 'POST', path: '/payouts/{payoutId}/reversals', scope: 'payouts:reverse' },
  {
    action: 'approve_reversal',
    method: 'POST',
    path: '/payouts/{payoutId}/reversals/{reversalId}/approve',
    scope: 'payouts:approve',
  },
  {
    action: 'reject_reversal',
    method: 'POST',
    path: '/payouts/{payoutId}/reversals/{reversalId}/reject',
    scope: 'payouts:approve',
  },
];

/** The route key API Gateway hands the handler (`POST /payouts/{payoutId}/approve`). */
export const routeKeyOf = (route: Pick<PayoutActionRoute, 'method' | 'path'>): string =>
  `${route.method} ${route.path}`;
