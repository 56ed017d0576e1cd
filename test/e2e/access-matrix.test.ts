// The whole access matrix against the twin: every actor × every route of lib/routes.ts gives what
// the matrix says (allowed, 403 or 401), with tokens minted the way Cognito would. Then each layer
// behind the first, with the layer before it broken: a client allowed a scope its role may not hold
// (the pre-token trigger strips it), and tokens the trigger should have stripped (the handlers
// refuse the principal, on every route, writing nothing). Bad input: a scope the role does not
// allow is invalid_scope.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_MATRIX, SCOPE_PRINCIPAL, type ActorRow } from '../../functions/shared/access-matrix.js';
import { qualifiedScope } from '../../functions/shared/names.js';
import { OAuthError } from '../../local/aws/cognito.js';
import {
  accessOf,
  actorTokenRequest,
  callRoute,
  expectedAccess,
  matrixRoutes,
  stateSnapshot,
  type Access,
} from '../support/access-probe.js';
import { startTwin, type StartedTwin } from '../support/twin.js';

const TENANT = 'matrix-acme';
let twin: StartedTwin;
const tokens = new Map<string, string | undefined>();
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

beforeAll(async () => {
  twin = await startTwin({ port: 0, fresh: true });
  for (const row of ACCESS_MATRIX) {
    const request = actorTokenRequest(row, TENANT);
    tokens.set(row.actor, request === undefined ? undefined : await twin.token(request));
  }
}, 300_000);

afterAll(async () => {
  await twin?.stop();
});

async function activeClientId(role: string): Promise<string> {
  return (await twin.twin.tenantPorts.directory.list(TENANT)).find(
    (record) => record.role === role && record.status === 'active',
  )!.clientId;
}

describe('every actor × every route', () => {
  it('has actors and routes to check', () => {
    expect(ACCESS_MATRIX.length).toBeGreaterThanOrEqual(7);
    expect(matrixRoutes().length).toBeGreaterThan(20);
  });

  it.each(ACCESS_MATRIX.map((row) => [row.actor, row] as const))(
    '%s gets exactly what its row says on every route',
    async (_actor, row: ActorRow) => {
      const seen: Array<{ route: string; expected: Access; saw: Access; code: string | undefined }> = [];
      for (const route of matrixRoutes()) {
        const answer = await callRoute(twin.url, route, tokens.get(row.actor));
        seen.push({
          route: `${route.method} ${route.path}`,
          expected: expectedAccess(row, route),
          saw: accessOf(answer.status),
          code: answer.code,
        });
      }
      expect(seen.filter((call) => call.expected !== call.saw)).toEqual([]);
    },
  );

  it("stamps each token with its row's principal and no scope outside the row", () => {
    for (const row of ACCESS_MATRIX) {
      const token = tokens.get(row.actor);
      if (token === undefined) continue;
      const claims = claimsOf(token);
      expect(claims, row.actor).toMatchObject({ principal_type: row.principalType, principal_role: row.role });
      expect(String(claims['scope']).split(' ').sort(), row.actor).toEqual(row.scopes.map(qualifiedScope).sort());
      if (row.principalType === 'tenant') expect(claims['tenant_id']).toBe(TENANT);
      else expect(claims['tenant_id']).toBeUndefined();
    }
  });
});

describe('layer 2 holds when layer 1 is misconfigured', () => {
  it('a backend client wrongly allowed ops:read gets a token without it, and the operator route stays shut', async () => {
    const clientId = await activeClientId('backend');
    const client = twin.twin.clients.find(clientId)!;
    const rightful = client.allowedScopes;
    twin.twin.clients.setAllowedScopes(clientId, [
      ...rightful,
      qualifiedScope('ops:read'),
      qualifiedScope('exports:read'),
    ]);
    try {
      const form = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: client.clientSecret,
        scope: `${qualifiedScope('ops:read')} ${qualifiedScope('payouts:read')}`,
      });
      const response = await fetch(`${twin.url}/.twin/issuer/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
      });
      const body = (await response.json()) as { access_token: string; scope: string };
      expect(response.status).toBe(200);
      expect(body.scope).toBe(qualifiedScope('payouts:read'));
      expect(claimsOf(body.access_token)['scope']).toBe(qualifiedScope('payouts:read'));
      const lookup = await callRoute(
        twin.url,
        { method: 'GET', path: '/ops/payouts', scope: 'ops:read' },
        body.access_token,
      );
      expect(lookup.status).toBe(403);
    } finally {
      twin.twin.clients.setAllowedScopes(clientId, rightful);
    }
  });

  it('an app client without a tenant mapping gets a token that opens no route', async () => {
    const created = await fetch(`${twin.url}/.twin/issuer/clients`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: 'hand-made',
        allowed_scopes: [qualifiedScope('payouts:read'), qualifiedScope('ops:read')],
      }),
    });
    const { client_id: clientId, client_secret: clientSecret } = (await created.json()) as {
      client_id: string;
      client_secret: string;
    };
    twin.twin.clients.addAudience([clientId]);
    const token = await twin.twin.cognito.clientCredentials({ clientId, clientSecret });
    expect(token.scopes).toEqual([]);
    for (const route of matrixRoutes().filter((candidate) => candidate.scope !== null)) {
      expect((await callRoute(twin.url, route, token.accessToken)).status, route.path).toBe(403);
    }
  });
});

describe('layer 3 holds when the trigger fails to strip', () => {
  /** A token of the wrong kind of principal that carries the route's scope, as a broken trigger would leave it. */
  async function forgedFor(scope: NonNullable<ReturnType<typeof matrixRoutes>[number]['scope']>): Promise<string> {
    if (SCOPE_PRINCIPAL[scope] === 'operator') {
      return twin.forgeToken({
        clientId: await activeClientId('backend'),
        tenant: TENANT,
        scopes: [scope],
        claims: { principal_type: 'tenant', principal_role: 'backend' },
      });
    }
    return twin.forgeToken({
      clientId: twin.twin.operatorClientId!,
      subject: 'forged-operator',
      scopes: [scope],
      claims: { principal_type: 'operator', principal_role: 'ops', username: 'forged' },
    });
  }

  it('every operator route refuses a tenant principal and every tenant route an operator principal, and nothing is written', async () => {
    const { documentClient, sqs } = twin.clients;
    const before = await stateSnapshot(documentClient, sqs, twin.names);
    const seen: Array<{ route: string; status: number; code: string | undefined }> = [];
    const expected: typeof seen = [];
    for (const route of matrixRoutes()) {
      if (route.scope === null) continue;
      const answer = await callRoute(twin.url, route, await forgedFor(route.scope));
      seen.push({ route: `${route.method} ${route.path}`, status: answer.status, code: answer.code });
      expected.push({
        route: `${route.method} ${route.path}`,
        status: 403,
        code:
          SCOPE_PRINCIPAL[route.scope] === 'operator'
            ? 'operator_route_forbidden_for_tenant'
            : 'tenant_route_forbidden_for_operator',
      });
    }
    expect(seen).toEqual(expected);
    expect(await stateSnapshot(documentClient, sqs, twin.names)).toEqual(before);
  });

  it('a tenant token on POST /reconciliations and an operator token on POST /payouts: 403, nothing written', async () => {
    const { documentClient, sqs } = twin.clients;
    const before = await stateSnapshot(documentClient, sqs, twin.names);
    const tenantOnOperatorRoute = await fetch(`${twin.url}/reconciliations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.get('tenant-backend')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ date: '2026-01-01' }),
    });
    expect(tenantOnOperatorRoute.status).toBe(403);
    const operatorOnTenantRoute = await fetch(`${twin.url}/payouts`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokens.get('operator-ops')}`,
        'content-type': 'application/json',
        'idempotency-key': 'matrix-operator-create',
      },
      body: JSON.stringify({
        amount: 100,
        currency: 'EUR',
        destination: { country: 'DE', method: 'sepa', iban: 'DE89370400440532013000' },
        recipient: { name: 'Nobody' },
      }),
    });
    expect(operatorOnTenantRoute.status).toBe(403);
    expect(await stateSnapshot(documentClient, sqs, twin.names)).toEqual(before);
  });
});

describe('bad input: a scope the role does not allow', () => {
  it.each([
    [{ tenant: TENANT, role: 'approver', scopes: ['payouts:write'] }],
    [{ tenant: TENANT, role: 'backend', scopes: ['ops:read'] }],
    [{ operator: 'matrix-finance', role: 'finance', scopes: ['ops:read'] }],
    [{ operator: 'matrix-ops', role: 'ops', scopes: ['payouts:read'] }],
  ])('%j is invalid_scope from the twin', async (request) => {
    await expect(twin.token(request)).rejects.toMatchObject({ name: 'OAuthError', error: 'invalid_scope' });
    await expect(twin.token(request)).rejects.toBeInstanceOf(OAuthError);
  });

  it('is invalid_scope from the token endpoint and from npm run token (exit 1)', async () => {
    const response = await fetch(`${twin.url}/.twin/issuer/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: TENANT, role: 'batch-operator', scopes: ['payouts:write'] }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_scope' });
    const cli = promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'bin/token.ts', '--operator', 'ada', '--role', 'compliance', '--scopes', 'ops:redrive'],
      { env: { ...process.env, TWIN_STATE_DIR: twin.stateDir }, encoding: 'utf8', timeout: 120_000 },
    );
    await expect(cli).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('invalid_scope') });
  });

  it('narrowing within the role is fine', async () => {
    const token = await twin.token({ tenant: TENANT, role: 'backend', scopes: ['payouts:read'] });
    expect(claimsOf(token)['scope']).toBe(qualifiedScope('payouts:read'));
  });
});
