import type { Scope } from './names';

// The recipients routes (issue 15, docs/compliance.md), served by the recipients-api function, each
// with the one scope it requires. lib/routes.ts builds the API routes from this list and the handler
// checks the same scope again, so the two can never name different scopes.
//
// The compliance view and decision take compliance:review, held by compliance operators only: the
// view is the one answer with account numbers and TINs in clear (audited per read), and onboarding is
// compliance's to decide, never the tenant's that created the recipient.

export const RECIPIENT_ROUTE_NAMES = ['create', 'list', 'get', 'tax_forms', 'ops_get', 'ops_onboarding'] as const;
export type RecipientRouteName = (typeof RECIPIENT_ROUTE_NAMES)[number];

export interface RecipientRoute {
  readonly name: RecipientRouteName;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly scope: Scope;
  /** Who calls it: a tenant's token, or an operator's. */
  readonly principal: 'tenant' | 'operator';
}

export const RECIPIENT_ROUTES: readonly RecipientRoute[] = [
  { name: 'create', method: 'POST', path: '/recipients', scope: 'recipients:write', principal: 'tenant' },
  { name: 'list', method: 'GET', path: '/recipients', scope: 'recipients:read', principal: 'tenant' },
  { name: 'get', method: 'GET', path: '/recipients/{recipientId}', scope: 'recipients:read', principal: 'tenant' },
  {
    name: 'tax_forms',
    method: 'POST',
    path: '/recipients/{recipientId}/tax-forms',
    scope: 'recipients:write',
    principal: 'tenant',
  },
  {
    name: 'ops_get',
    method: 'GET',
    path: '/ops/recipients/{recipientId}',
    scope: 'compliance:review',
    principal: 'operator',
  },
  {
    name: 'ops_onboarding',
    method: 'POST',
    path: '/ops/recipients/{recipientId}/onboarding',
    scope: 'compliance:review',
    principal: 'operator',
  },
];

export const recipientRouteKey = (route: Pick<RecipientRoute, 'method' | 'path'>): string =>
  `${route.method} ${route.path}`;
