import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { TenantDirectory, type TenantClientMapping } from '../../../functions/adapters/tenant-directory';
import { TENANT_CACHE_TTL_MS, cachedMappingLookup, createHandler } from '../../../functions/handlers/cognito-pre-token';
import { ACCESS_MATRIX, OPERATOR_ROLES, TENANT_ROLES, scopesOfRole } from '../../../functions/shared/access-matrix';
import { SCOPES, qualifiedScope } from '../../../functions/shared/names';

// Layer 2 of the access matrix: whatever the app client allowed (layer 1), the trigger stamps the
// principal and suppresses every platform scope its role may not hold.

const ALL_PLATFORM_SCOPES = SCOPES.map(qualifiedScope);
const mapping = (role: string, status: TenantClientMapping['status'] = 'active'): TenantClientMapping => ({
  tenantId: 'acme',
  role,
  status,
});

function event(triggerSource: string, options: { clientId?: string; scopes?: string[]; groups?: string[] } = {}) {
  const clientId = options.clientId ?? 'client-acme';
  return {
    version: '3' as const,
    triggerSource,
    region: 'us-east-1',
    userPoolId: 'us-east-1_test',
    userName: clientId,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId },
    request: {
      userAttributes: {},
      groupConfiguration: { groupsToOverride: options.groups ?? [] },
      scopes: options.scopes ?? ['payout-platform/payouts:write'],
    },
    response: { claimsAndScopeOverrideDetails: {} as Record<string, any> },
  };
}

/** The platform scopes a token would keep: requested minus suppressed (Cognito: suppression wins). */
function kept(result: ReturnType<typeof event>): string[] {
  const suppressed = new Set<string>(
    result.response.claimsAndScopeOverrideDetails['accessTokenGeneration']?.scopesToSuppress ?? [],
  );
  return result.request.scopes.filter((scope) => scope.startsWith('payout-platform/') && !suppressed.has(scope));
}

describe('cognito-pre-token: tenant clients (client credentials)', () => {
  it('stamps tenant, principal type and role on the access token only', async () => {
    const handler = createHandler(async (clientId) => (clientId === 'client-acme' ? mapping('backend') : undefined));
    const result = await handler(
      event('TokenGeneration_ClientCredentials', {
        scopes: ['payout-platform/payouts:write', 'payout-platform/payouts:read'],
      }),
    );
    expect(result.response.claimsAndScopeOverrideDetails).toEqual({
      accessTokenGeneration: {
        claimsToAddOrOverride: { tenant_id: 'acme', principal_type: 'tenant', principal_role: 'backend' },
      },
    });
  });

  it.each(TENANT_ROLES)(
    'a %s client misconfigured to allow every scope keeps exactly its row of the matrix',
    async (role) => {
      const handler = createHandler(async () => mapping(role));
      const result = await handler(
        event('TokenGeneration_ClientCredentials', { scopes: [...ALL_PLATFORM_SCOPES, 'openid'] }),
      );
      expect(kept(result).sort()).toEqual(scopesOfRole('tenant', role).map(qualifiedScope).sort());
      expect(result.response.claimsAndScopeOverrideDetails['accessTokenGeneration'].scopesToSuppress).not.toContain(
        'openid',
      );
    },
  );

  it('strips ops:read from a backend client that the CDK or provisioning wrongly allowed it', async () => {
    const handler = createHandler(async () => mapping('backend'));
    const result = await handler(
      event('TokenGeneration_ClientCredentials', {
        scopes: ['payout-platform/payouts:read', 'payout-platform/ops:read'],
      }),
    );
    expect(result.response.claimsAndScopeOverrideDetails['accessTokenGeneration'].scopesToSuppress).toEqual([
      'payout-platform/ops:read',
    ]);
    expect(kept(result)).toEqual(['payout-platform/payouts:read']);
  });

  it.each([
    ['an unmapped client', undefined, 'client_unmapped'],
    ['a disabled client', mapping('backend', 'disabled'), 'client_disabled'],
    ['a mapping with a role the matrix does not know', mapping('admin'), 'role_unknown'],
    ['a legacy mapping without a role', { tenantId: 'acme', role: '', status: 'active' as const }, 'role_unknown'],
  ])('%s keeps no platform scope and no claim, and the refusal is logged', async (_name, found, refusal) => {
    const warnings: string[] = [];
    const handler = createHandler(
      async () => found,
      (line) => warnings.push(line),
    );
    const result = await handler(
      event('TokenGeneration_ClientCredentials', { clientId: 'client-x', scopes: [...ALL_PLATFORM_SCOPES] }),
    );
    expect(kept(result)).toEqual([]);
    expect(
      result.response.claimsAndScopeOverrideDetails['accessTokenGeneration'].claimsToAddOrOverride,
    ).toBeUndefined();
    expect(JSON.parse(warnings[0]!)).toMatchObject({
      message: 'token principal refused',
      refusal,
      clientId: 'client-x',
    });
  });
});

describe('cognito-pre-token: operators (hosted UI)', () => {
  it('stamps the operator role from the Cognito group on both tokens, and no tenant', async () => {
    const handler = createHandler(async () => mapping('backend'));
    const result = await handler(
      event('TokenGeneration_HostedAuth', {
        clientId: 'ops-console',
        groups: ['finance'],
        scopes: ['openid', 'payout-platform/exports:read'],
      }),
    );
    const claims = { principal_type: 'operator', principal_role: 'finance' };
    expect(result.response.claimsAndScopeOverrideDetails).toEqual({
      accessTokenGeneration: { claimsToAddOrOverride: claims },
      idTokenGeneration: { claimsToAddOrOverride: claims },
    });
  });

  it.each(OPERATOR_ROLES)(
    'a %s operator on a console client allowing every scope keeps exactly its row',
    async (role) => {
      const handler = createHandler(async () => undefined);
      const result = await handler(
        event('TokenGeneration_HostedAuth', { groups: [role], scopes: ['openid', 'email', ...ALL_PLATFORM_SCOPES] }),
      );
      expect(kept(result).sort()).toEqual(scopesOfRole('operator', role).map(qualifiedScope).sort());
    },
  );

  it.each([
    ['no group', []],
    ['a group that is no operator role', ['everyone']],
    ['two operator groups (one person, one role)', ['ops', 'finance']],
  ])('%s: no platform scope, no principal', async (_name, groups) => {
    const handler = createHandler(
      async () => undefined,
      () => undefined,
    );
    const result = await handler(
      event('TokenGeneration_RefreshTokens', { groups, scopes: ['openid', ...ALL_PLATFORM_SCOPES] }),
    );
    expect(kept(result)).toEqual([]);
    expect(result.response.claimsAndScopeOverrideDetails['idTokenGeneration']).toBeUndefined();
  });
});

describe('cognito-pre-token: every actor of the matrix', () => {
  it('no token of any actor keeps a scope outside its row, whatever its client allowed', async () => {
    for (const row of ACCESS_MATRIX) {
      if (row.principalType === 'job') continue;
      const handler = createHandler(async () => (row.principalType === 'tenant' ? mapping(row.role) : undefined));
      const trigger =
        row.principalType === 'tenant' ? 'TokenGeneration_ClientCredentials' : 'TokenGeneration_HostedAuth';
      const result = await handler(event(trigger, { groups: [row.role], scopes: [...ALL_PLATFORM_SCOPES] }));
      expect(kept(result).sort(), row.actor).toEqual(row.scopes.map(qualifiedScope).sort());
    }
  });
});

describe('cognito-pre-token: the mapping', () => {
  it('reads TENANT_CLIENT#<clientId> / TENANT_CLIENT from the operations table, consistently', async () => {
    const send = vi.fn(async (_command: GetCommand) => ({
      Item: { tenantId: 'acme', role: 'approver', status: 'active' },
    }));
    const directory = new TenantDirectory({ send } as never, 'operations');
    await expect(directory.mappingOf('client-acme')).resolves.toEqual({
      tenantId: 'acme',
      role: 'approver',
      status: 'active',
    });
    const command = send.mock.calls[0]![0];
    expect(command).toBeInstanceOf(GetCommand);
    expect(command.input).toMatchObject({
      TableName: 'operations',
      Key: { pk: 'TENANT_CLIENT#client-acme', sk: 'TENANT_CLIENT' },
      ConsistentRead: true,
    });
  });

  it.each([
    [undefined],
    [{}],
    [{ tenantId: 42 }],
    [{ tenantId: 'has spaces', role: 'backend', status: 'active' }],
    [{ tenantId: 'acme', role: 'backend' }],
    [{ tenantId: 'acme', role: 7, status: 'active' }],
  ])('treats a missing or malformed mapping %j as none', async (item) => {
    const directory = new TenantDirectory({ send: async () => ({ Item: item }) } as never, 'operations');
    await expect(directory.mappingOf('client-acme')).resolves.toBeUndefined();
  });

  it('caches lookups per client for the TTL, then reads again', async () => {
    let nowMs = 1_000;
    const lookup = vi.fn(async () => mapping('backend'));
    const cached = cachedMappingLookup(lookup, () => nowMs);
    await cached('client-acme');
    await cached('client-acme');
    expect(lookup).toHaveBeenCalledTimes(1);
    nowMs += TENANT_CACHE_TTL_MS + 1;
    await cached('client-acme');
    expect(lookup).toHaveBeenCalledTimes(2);
  });
});
