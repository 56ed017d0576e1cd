import type { Scope } from './names';

// The batch routes (issue 13), served by the batches-api function, each with the one scope it
// requires. lib/routes.ts builds the API routes from this list and the handler checks the same
// scope again, so the two can never name different scopes.

export const BATCH_ROUTE_NAMES = ['create', 'find', 'get', 'items', 'approve', 'retry'] as const;
export type BatchRouteName = (typeof BATCH_ROUTE_NAMES)[number];

export interface BatchRoute {
  readonly name: BatchRouteName;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly scope: Scope;
}

export const BATCH_ROUTES: readonly BatchRoute[] = [
  { name: 'create', method: 'POST', path: '/batches', scope: 'batches:write' },
  // Reads take payouts:read, which the backend and the batch operator both hold.
  { name: 'find', method: 'GET', path: '/batches', scope: 'payouts:read' },
  { name: 'get', method: 'GET', path: '/batches/{batchId}', scope: 'payouts:read' },
  { name: 'items', method: 'GET', path: '/batches/{batchId}/items', scope: 'payouts:read' },
  // Four eyes: the approver holds payouts:approve, the backend that submitted the batch does not.
  { name: 'approve', method: 'POST', path: '/batches/{batchId}/approve', scope: 'payouts:approve' },
  // Its own authority (the batch-operator role): the backend that creates batches cannot retry them.
  { name: 'retry', method: 'POST', path: '/batches/{batchId}/retry', scope: 'batches:retry' },
];

export const batchRouteKey = (route: Pick<BatchRoute, 'method' | 'path'>): string => `${route.method} ${route.path}`;
