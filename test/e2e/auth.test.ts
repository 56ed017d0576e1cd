// The JWT authorizer of the real template, through the running twin: 401 for a missing, expired,
// malformed, wrongly signed, wrong-issuer or wrong-audience token; 403 without the route's scope;
// 404 for an unknown route — each with the DESIGN §3 error body and a Request-Id header. Then
// every route of the template, one by one.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair, exportJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import corridorConfig from '../../config/corridors.json';
import { corridorsResponseSchema } from '../../functions/http/schemas.js';
import { ACCESS_MATRIX } from '../../functions/shared/access-matrix.js';
import { SCOPES } from '../../functions/shared/names.js';
import { signToken } from '../../local/aws/issuer.js';
import { startTwin, type StartedTwin } from '../support/twin.js';

let twin: StartedTwin;

async function call(method: string, path: string, token?: string) {
  const response = await fetch(`${twin.url}${path}`, {
    method,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(method === 'POST' ? { body: '{}' } : {}),
  });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, requestId: response.headers.get('request-id'), json, text };
}

function expectErrorBody(result: Awaited<ReturnType<typeof call>>, status: number, type: string) {
  expect(result.status, result.text).toBe(status);
  expect(result.json.error).toMatchObject({
    type,
    category: expect.stringMatching(/^(retryable|terminal|human_action_required)$/),
    request_id: expect.any(String),
  });
  expect(typeof result.json.error.code).toBe('string');
  expect(typeof result.json.error.message).toBe('string');
  expect(result.requestId).toBe(result.json.error.request_id);
}

/** Concrete path for a route key: parameters filled with sample values. */
function samplePath(routeKey: string): { method: string; path: string } {
  const [method, path] = routeKey.split(' ') as [string, string];
  return {
    method,
    path: path.replace(/\{[^}]+\}/g, (parameter) => (parameter.includes('date') ? '2026-01-01' : 'sample')),
  };
}

beforeAll(async () => {
  twin = await startTwin({ port: 0, fresh: true });
});

afterAll(async () => {
  await twin?.stop();
});

describe('401: the token is not acceptable', () => {
  const protectedRoute = { method: 'GET', path: '/payouts' };

  it('missing', async () => {
    expectErrorBody(await call(protectedRoute.method, protectedRoute.path), 401, 'authentication_error');
  });

  it('expired', async () => {
    const token = await twin.token({ tenant: 'acme', role: 'backend', scopes: ['payouts:read'], ttlSeconds: -60 });
    const result = await call(protectedRoute.method, protectedRoute.path, token);
    expectErrorBody(result, 401, 'authentication_error');
    expect(result.json.error.code).toBe('token_expired');
  });

  it('malformed', async () => {
    expectErrorBody(await call(protectedRoute.method, protectedRoute.path, 'not-a-jwt'), 401, 'authentication_error');
    expectErrorBody(
      await call(protectedRoute.method, protectedRoute.path, 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln'),
      401,
      'authentication_error',
    );
  });

  it('signed by another key', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const keys = {
      privateJwk: { ...(await exportJWK(privateKey)), kid: twin.twin.keys.publicJwk.kid },
      publicJwk: await exportJWK(publicKey),
    };
    const token = await signToken(keys, {
      tenant: 'acme',
      scopes: ['payouts:read'],
      clientId: twin.twin.operatorClientId!,
      issuer: twin.twin.issuer,
    });
    expectErrorBody(await call(protectedRoute.method, protectedRoute.path, token), 401, 'authentication_error');
  });

  it('wrong issuer', async () => {
    const token = await signToken(twin.twin.keys, {
      tenant: 'acme',
      scopes: ['payouts:read'],
      clientId: twin.twin.operatorClientId!,
      issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other',
    });
    const result = await call(protectedRoute.method, protectedRoute.path, token);
    expectErrorBody(result, 401, 'authentication_error');
    expect(result.json.error.code).toBe('token_issuer_invalid');
  });

  it('wrong audience (client_id, and aud when present)', async () => {
    for (const claims of [{ client_id: 'SomeOtherClient' }, { aud: 'SomeOtherClient' }]) {
      // No issuer mints these: forged with the twin's key, for an app client the API does accept.
      const token = await twin.forgeToken({
        tenant: 'acme',
        scopes: ['payouts:read'],
        clientId: twin.twin.operatorClientId!,
        claims,
      });
      const result = await call(protectedRoute.method, protectedRoute.path, token);
      expectErrorBody(result, 401, 'authentication_error');
      expect(result.json.error.code).toBe('token_audience_invalid');
    }
  });
});

describe('403 and 404', () => {
  it('403 when the token lacks the route scope', async () => {
    const token = await twin.token({ tenant: 'acme', role: 'backend', scopes: ['payouts:read'] });
    const result = await call('POST', '/payouts', token);
    expectErrorBody(result, 403, 'permission_error');
  });

  it('404 for an unknown route', async () => {
    expectErrorBody(await call('GET', '/no-such-route'), 404, 'not_found_error');
    expectErrorBody(await call('DELETE', '/payouts'), 404, 'not_found_error');
  });
});

describe('every route of the template', () => {
  const routes = () => twin.twin.model.routes;

  it('has routes to check', () => {
    expect(routes().length).toBeGreaterThan(0);
  });

  it('protected routes: 401 without a token, 403 with only other scopes, past the authorizer with their scope', async () => {
    for (const route of routes().filter((candidate) => candidate.scopes.length > 0)) {
      const { method, path } = samplePath(route.routeKey);
      expectErrorBody(await call(method, path), 401, 'authentication_error');
      const otherScopes = SCOPES.filter((scope) => !route.scopes.includes(`payout-platform/${scope}`));
      // Every other scope at once: no actor holds that, so it is forged (the authorizer must still say 403).
      const wrong = await twin.forgeToken({
        tenant: 'acme',
        scopes: [...otherScopes],
        clientId: twin.twin.operatorClientId!,
      });
      expectErrorBody(await call(method, path, wrong), 403, 'permission_error');
      // With its scope: a token of an actor of the access matrix that holds it.
      const scope = route.scopes[0]!.replace('payout-platform/', '');
      const holder = ACCESS_MATRIX.find((row) => (row.scopes as readonly string[]).includes(scope))!;
      const request = {
        role: holder.role,
        scopes: route.scopes.map((qualified) => qualified.replace('payout-platform/', '')),
      };
      const right = await twin.token(
        holder.principalType === 'tenant' ? { tenant: 'acme', ...request } : { operator: 'auth-e2e', ...request },
      );
      const result = await call(method, path, right);
      expect([401, 403], `${route.routeKey} with its own scope`).not.toContain(result.status);
    }
  });

  it('open routes need no token', async () => {
    for (const route of routes().filter(
      (candidate) => candidate.scopes.length === 0 && !candidate.authorizerLogicalId,
    )) {
      const { method, path } = samplePath(route.routeKey);
      expect([401, 403], route.routeKey).not.toContain((await call(method, path)).status);
    }
  });
});

describe('first real routes', () => {
  it('GET /openapi.json answers 200 without a token', async () => {
    const result = await call('GET', '/openapi.json');
    expect(result.status).toBe(200);
    expect(result.json.openapi).toMatch(/^3\./);
  });

  it('GET /corridors answers 200 with payouts:read, each corridor with its evidence (issue 15)', async () => {
    const token = await twin.token({ tenant: 'acme', role: 'backend', scopes: ['payouts:read'] });
    const result = await call('GET', '/corridors', token);
    expect(result.status, result.text).toBe(200);
    const body = corridorsResponseSchema.strict().parse(result.json);
    expect(body.data).toEqual(corridorConfig.corridors);
    const enabled = body.data.filter((c) => c.state === 'enabled');
    expect(enabled.length).toBeGreaterThan(0);
    for (const corridor of enabled) {
      expect(corridor.evidence.length).toBeGreaterThan(0);
      expect(corridor.evidence.every((e) => e.url.startsWith('https://') && e.retrieved === '2026-12-02')).toBe(true);
    }
  });
});

describe('CLIs against the running twin', () => {
  /**
   * The CLIs as npm runs them, pointed at this suite's twin through its state directory. Async: the
   * twin answers from this very process, so a blocking exec would deadlock.
   */
  const cli = async (script: string, args: string[]) =>
    (
      await promisify(execFile)(process.execPath, ['--import', 'tsx', script, ...args], {
        env: { ...process.env, TWIN_STATE_DIR: twin.stateDir },
        encoding: 'utf8',
        timeout: 120_000,
      })
    ).stdout;

  it('token prints only a bearer token the twin accepts', async () => {
    const output = await cli('bin/token.ts', [
      '--tenant',
      'acme',
      '--role',
      'backend',
      '--scopes',
      'payouts:read',
      '--ttl-seconds',
      '120',
    ]);
    expect(output).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const result = await call('GET', '/payouts', output.trim());
    expect([401, 403]).not.toContain(result.status);
    const claims = JSON.parse(Buffer.from(output.split('.')[1]!, 'base64url').toString());
    const acmeBackend = (await twin.twin.tenantPorts.directory.list('acme')).find(
      (record) => record.role === 'backend' && record.status === 'active',
    )!;
    expect(claims).toMatchObject({
      tenant_id: 'acme',
      client_id: acmeBackend.clientId,
      iss: twin.twin.issuer,
      scope: 'payout-platform/payouts:read',
    });
    expect(claims.exp - claims.iat).toBe(120);
  });

  it('invoke runs one function with a fixture through the running twin', async () => {
    const eventFile = join(twin.stateDir, 'openapi-event.json');
    writeFileSync(
      eventFile,
      JSON.stringify({
        version: '2.0',
        routeKey: 'GET /openapi.json',
        rawPath: '/openapi.json',
        rawQueryString: '',
        headers: {},
        requestContext: {
          requestId: 'cli',
          http: { method: 'GET', path: '/openapi.json', sourceIp: '127.0.0.1' },
          routeKey: 'GET /openapi.json',
          stage: '$default',
        },
        isBase64Encoded: false,
      }),
    );
    const result = JSON.parse(await cli('bin/invoke.ts', ['get-openapi', eventFile]));
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body).openapi).toMatch(/^3\./);
  });
});
