import type { Scope } from './names';

/** Holds one GET /ops/holds page answers at most (shared by the adapter and the OpenAPI document). */
export const HOLD_QUEUE_PAGE_MAX = 50;

// The holds routes (issue 15, docs/compliance.md "Holds"), served by the payout-actions function
// beside the tenant's other actions on a payout. lib/routes.ts builds the API routes from this list
// and the handler checks the same scope again.
//
// The gateway scope is coarse on purpose: holds, like exceptions, are owned by roles, so every
// operator role reads the queue (exceptions:read) and reaches the ops release (exceptions:write);
// the use case then requires the hold's owner's scope (domain/compliance/holds.ts releaseScopeOf:
// compliance:review, ops:redrive), refusing `hold_owner_scope_required` before anything is written.
// The tenant's release takes payouts:write, the scope of the tenant-owned holds.

export const HOLD_ROUTE_NAMES = ['queue', 'release', 'ops_release'] as const;
export type HoldRouteName = (typeof HOLD_ROUTE_NAMES)[number];

export interface HoldRoute {
  readonly name: HoldRouteName;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly scope: Scope;
}

export const HOLD_ROUTES: readonly HoldRoute[] = [
  { name: 'queue', method: 'GET', path: '/ops/holds', scope: 'exceptions:read' },
  { name: 'release', method: 'POST', path: '/payouts/{payoutId}/holds/{holdId}/release', scope: 'payouts:write' },
  {
    name: 'ops_release',
    method: 'POST',
    path: '/ops/payouts/{payoutId}/holds/{holdId}/release',
    scope: 'exceptions:write',
  },
];

export const holdRouteKeyOf = (route: Pick<HoldRoute, 'method' | 'path'>): string => `${route.method} ${route.path}`;
