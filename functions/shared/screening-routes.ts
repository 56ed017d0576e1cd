import type { Scope } from './names';

// Compliance's screening queue and decisions (issue 15, docs/screening.md), served by the screening-api function.
// lib/routes.ts builds the API routes from this list and the handler checks the same scope again.
//
// Why compliance:review for the reads too: the readers of the queue are its deciders, and a case's evidence (the
// recipient's name against a sanctions list entry) is for compliance, not for every holder of ops:read.

export const SCREENING_ROUTE_NAMES = ['list', 'get', 'clear', 'confirm'] as const;
export type ScreeningRouteName = (typeof SCREENING_ROUTE_NAMES)[number];

export interface ScreeningRoute {
  readonly name: ScreeningRouteName;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly scope: Scope;
}

export const SCREENING_ROUTES: readonly ScreeningRoute[] = [
  { name: 'list', method: 'GET', path: '/ops/screening', scope: 'compliance:review' },
  { name: 'get', method: 'GET', path: '/ops/screening/{caseId}', scope: 'compliance:review' },
  { name: 'clear', method: 'POST', path: '/ops/screening/{caseId}/clear', scope: 'compliance:review' },
  { name: 'confirm', method: 'POST', path: '/ops/screening/{caseId}/confirm', scope: 'compliance:review' },
];

export const screeningRouteKey = (route: Pick<ScreeningRoute, 'method' | 'path'>) => `${route.method} ${route.path}`;
