// `npm run tenants` against a running twin, end to end: the CLI as npm runs it creates a tenant's
// clients against the twin's issuer, stores their secrets, writes the mappings to DynamoDB Local
// and adds the clients to the API's audience; the secrets then get client-credentials tokens from
// the twin's token endpoint, each held to its role. Then list, bad input, disable and sync.
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TENANT_ROLES, tenantActor } from '../../functions/shared/access-matrix.js';
import { qualifiedScope } from '../../functions/shared/names.js';
import { startTwin, type StartedTwin } from '../support/twin.js';

const TENANT = 'cli-acme';
let twin: StartedTwin;

/** Async: the twin answers from this very process, so a blocking exec would deadlock. */
async function tenants(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'bin/tenants.ts', ...args],
      { env: { ...process.env, TWIN_STATE_DIR: twin.stateDir }, encoding: 'utf8', timeout: 120_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function clientCredentials(clientId: string, clientSecret: string, scope?: string) {
  const body = new URLSearchParams({ grant_type: 'client_credentials', ...(scope === undefined ? {} : { scope }) });
  const response = await fetch(`${twin.url}/.twin/issuer/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

const get = async (path: string, token: string) =>
  (await fetch(`${twin.url}${path}`, { headers: { authorization: `Bearer ${token}` } })).status;
const secrets = new Map<string, { client_id: string; client_secret: string; scopes: string[] }>();

beforeAll(async () => {
  twin = await startTwin({ port: 0, fresh: true });
}, 300_000);
afterAll(async () => twin?.stop());

describe('npm run tenants against the twin', () => {
  it('create --dry-run prints the plan and creates nothing', async () => {
    const result = await tenants('create', TENANT, '--dry-run');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`dry run, nothing created: tenant ${TENANT}`);
    for (const role of TENANT_ROLES) expect(result.stdout).toContain(`tenant-${TENANT}-${role}`);
    expect(await twin.twin.tenantPorts.directory.list(TENANT)).toEqual([]);
    expect(twin.twin.clients.list()).toEqual([]);
  });

  it('create makes one client per role, prints ids and where the secrets are, and maps them', async () => {
    const result = await tenants('create', TENANT, '--json');
    expect(result.code, result.stderr).toBe(0);
    const created = JSON.parse(result.stdout) as {
      clients: Array<{ role: string; clientId: string; secretLocation: string; scopes: string[] }>;
    };
    expect(created.clients.map((client) => client.role)).toEqual([...TENANT_ROLES]);
    for (const client of created.clients) {
      expect(client.scopes).toEqual([...tenantActor(client.role as never).scopes]);
      expect(statSync(client.secretLocation).mode & 0o777).toBe(0o600);
      const secret = JSON.parse(readFileSync(client.secretLocation, 'utf8'));
      expect(secret).toMatchObject({ tenant_id: TENANT, role: client.role, client_id: client.clientId });
      secrets.set(client.role, secret);
      expect(twin.twin.clients.find(client.clientId)?.allowedScopes).toEqual(
        client.scopes.map((scope) => qualifiedScope(scope as never)),
      );
    }
    const records = await twin.twin.tenantPorts.directory.list(TENANT);
    expect(records.map((record) => [record.role, record.status])).toEqual(
      TENANT_ROLES.map((role) => [role, 'active']).sort(),
    );
    expect(twin.twin.clients.audience().sort()).toEqual(created.clients.map((client) => client.clientId).sort());
  });

  it("each client's secret gets a token of its role, for its tenant, through the pre-token trigger", async () => {
    const backend = secrets.get('backend')!;
    const token = await clientCredentials(backend.client_id, backend.client_secret);
    expect(token.status).toBe(200);
    const claims = JSON.parse(Buffer.from(token.body['access_token']!.split('.')[1]!, 'base64url').toString());
    expect(claims).toMatchObject({
      client_id: backend.client_id,
      tenant_id: TENANT,
      principal_type: 'tenant',
      principal_role: 'backend',
    });
    expect(await get('/payouts', token.body['access_token']!)).toBe(200);
    const approver = secrets.get('approver')!;
    const approverToken = await clientCredentials(approver.client_id, approver.client_secret);
    expect(await get('/payouts', approverToken.body['access_token']!)).toBe(200);
    expect(await get('/ops/queues', approverToken.body['access_token']!)).toBe(403);
  });

  it('a client asking for a scope outside its role: invalid_scope, as Cognito answers; a wrong secret: invalid_client', async () => {
    const approver = secrets.get('approver')!;
    expect(
      await clientCredentials(approver.client_id, approver.client_secret, qualifiedScope('payouts:write')),
    ).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
    expect(await clientCredentials(approver.client_id, 'not-the-secret')).toMatchObject({
      status: 401,
      body: { error: 'invalid_client' },
    });
  });

  it('refuses a second create of the same roles, a scope outside the role and a malformed tenant id, creating nothing', async () => {
    const clientsBefore = twin.twin.clients.list().length;
    const again = await tenants('create', TENANT);
    expect(again).toMatchObject({ code: 1, stderr: expect.stringContaining('tenant_exists') });
    const outside = await tenants('create', 'cli-other', '--role', 'backend', '--scopes', 'payouts:read,ops:read');
    expect(outside).toMatchObject({ code: 1, stderr: expect.stringContaining('invalid_scope') });
    const malformed = await tenants('create', 'Bad Tenant');
    expect(malformed.code).toBe(1);
    expect(twin.twin.clients.list()).toHaveLength(clientsBefore);
    expect(await twin.twin.tenantPorts.directory.list('cli-other')).toEqual([]);
    expect((await tenants('frobnicate')).code).toBe(2);
  });

  it('list shows every client, its status and where its secret is', async () => {
    const result = await tenants('list', TENANT);
    expect(result.code, result.stderr).toBe(0);
    for (const role of TENANT_ROLES)
      expect(result.stdout).toMatch(new RegExp(`${TENANT}\\s+${role}\\s+active\\s+${secrets.get(role)!.client_id}`));
  });

  it('sync puts active clients back into the audience after something (a deploy) took them out', async () => {
    const backend = secrets.get('backend')!;
    twin.twin.clients.removeAudience([backend.client_id]);
    const token = (await clientCredentials(backend.client_id, backend.client_secret)).body['access_token']!;
    expect(await get('/payouts', token)).toBe(401);
    expect((await tenants('list', TENANT)).stdout).toContain('not in the API audience');
    const synced = await tenants('sync');
    expect(synced.stdout).toContain(`1 added (${backend.client_id})`);
    expect(await get('/payouts', token)).toBe(200);
  });

  it('disable takes the clients out of the audience at once: tokens already issued get 401', async () => {
    const backend = secrets.get('backend')!;
    const token = (await clientCredentials(backend.client_id, backend.client_secret)).body['access_token']!;
    expect(await get('/payouts', token)).toBe(200);
    const dry = await tenants('disable', TENANT, '--dry-run');
    expect(dry.stdout).toContain('dry run, would disable 3 client(s)');
    expect(await get('/payouts', token)).toBe(200);
    const result = await tenants('disable', TENANT);
    expect(result.code, result.stderr).toBe(0);
    expect(await get('/payouts', token)).toBe(401);
    expect((await twin.twin.tenantPorts.directory.list(TENANT)).map((record) => record.status)).toEqual([
      'disabled',
      'disabled',
      'disabled',
    ]);
    expect((await tenants('disable', TENANT)).stderr).toContain('tenant_not_found');
  });
});
