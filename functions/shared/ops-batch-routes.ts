import type { Scope } from './names';

// The operator's reads of any tenant's batch (issue 13), served by the batches-api function beside
// the tenant routes (shared/batch-routes.ts). lib/routes.ts builds the API routes from this list and
// the handler checks the same scope again.
//
// Why ops:read: it is the scope that already reads any tenant's payout (GET /ops/payouts), held by
// on-call ops alone. A batch's items are that tenant's payouts, so the same authority reads them,
// audited per read like the payout lookup; exceptions:read (every operator role) reads exceptions,
// not payouts, and finance and compliance do not hold ops:read (shared/access-matrix.ts says why).

export const OPS_BATCH_ROUTE_NAMES = ['find', 'get', 'items'] as const;
export type OpsBatchRouteName = (typeof OPS_BATCH_ROUTE_NAMES)[number];

export interface OpsBatchRoute {
  readonly name: OpsBatchRouteName;
  readonly method: 'GET';
  readonly path: string;
  readonly scope: Scope;
}

export const OPS_BATCH_ROUTES: readonly OpsBatchRoute[] = [
  // A sender_batch_id is unique per tenant only: the tenant is named in the query.
  { name: 'find', method: 'GET', path: '/ops/batches', scope: 'ops:read' },
  // Batch ids are global: the answer names the batch's tenant.
  { name: 'get', method: 'GET', path: '/ops/batches/{batchId}', scope: 'ops:read' },
  { name: 'items', method: 'GET', path: '/ops/batches/{batchId}/items', scope: 'ops:read' },
];
