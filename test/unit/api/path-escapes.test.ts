import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { correctionsApi } from '../../../functions/app/corrections/corrections-api';
import { exceptionsApi } from '../../../functions/app/ops/exceptions-api';
import { incidentsApi } from '../../../functions/app/ops/incidents-api';
import { ApiError } from '../../../functions/http/api-error';

// A path id with a malformed percent-escape ("%E0%A4%A") is a 404 of that id, never a 500: the ids
// are read as sent (none of them has anything to percent-decode), so nothing throws a URIError.
// The dependencies throw if touched: the refusal happens before any read or write.

const BAD_ID = '%E0%A4%A';
const untouched = new Proxy({}, { get: () => () => Promise.reject(new Error('touched a dependency')) }) as never;
const scope = (...scopes: string[]) => scopes.map((s) => `payout-platform/${s}`).join(' ');

function event(method: string, rawPath: string, role: string, scopes: string): APIGatewayProxyEventV2WithJWTAuthorizer {
  const claims = {
    principal_type: 'operator',
    principal_role: role,
    client_id: 'console',
    sub: 'u1',
    username: 'ada',
    scope: scopes,
  };
  return {
    rawPath,
    headers: { 'idempotency-key': 'k-1', 'content-type': 'application/json' },
    body: '{}',
    isBase64Encoded: false,
    requestContext: { http: { method }, requestId: 'r-1', authorizer: { jwt: { claims, scopes: null } } },
  } as never;
}

const deps = { exceptions: untouched, corrections: untouched, groups: untouched, incidents: untouched, nowMs: () => 0 };
const correctionDeps = { ...(untouched as object), runAction: () => Promise.reject(new Error('ran')) } as never;

const cases: [string, () => Promise<unknown>, string][] = [
  [
    'assign an exception',
    () => exceptionsApi(deps as never, event('POST', `/exceptions/${BAD_ID}/assign`, 'ops', scope('exceptions:write'))),
    'exception',
  ],
  [
    'resolve an incident',
    () => incidentsApi(deps as never, event('POST', `/ops/incidents/${BAD_ID}/resolve`, 'ops', scope('ops:redrive'))),
    'incident',
  ],
  [
    'propose a correction',
    () =>
      correctionsApi(
        correctionDeps,
        event('POST', `/ops/payouts/${BAD_ID}/corrections`, 'ops', scope('payouts:correct')),
        {} as Context,
      ),
    'payout',
  ],
  [
    'approve a correction',
    () =>
      correctionsApi(
        correctionDeps,
        event('POST', `/ops/corrections/${BAD_ID}/approve`, 'compliance', scope('payouts:correct')),
        {} as Context,
      ),
    'correction',
  ],
  [
    'read a correction',
    () =>
      correctionsApi(
        correctionDeps,
        event('GET', `/ops/corrections/${BAD_ID}`, 'ops', scope('payouts:correct')),
        {} as Context,
      ),
    'correction',
  ],
];

describe('a malformed percent-escape in a path id', () => {
  it.each(cases)("%s: the id's 404, nothing touched", async (_name, call, what) => {
    const error = await call().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiError);
    // The id's own 404 (the route matched), not the route's.
    expect(error).toMatchObject({ status: 404, code: 'resource_not_found', message: `${what} not found` });
  });
});
