import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import {
  TENANT_CACHE_TTL_MS,
  cachedTenantLookup,
  createHandler,
  dynamoTenantLookup,
} from '../../../functions/handlers/cognito-pre-token';

function event(triggerSource: string, clientId = 'client-acme') {
  return {
    version: '3' as const,
    triggerSource,
    region: 'us-east-1',
    userPoolId: 'us-east-1_test',
    userName: clientId,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId },
    request: { userAttributes: {}, groupConfiguration: {}, scopes: ['payout-platform/payouts:write'] },
    response: { claimsAndScopeOverrideDetails: {} as Record<string, any> },
  };
}

describe('cognito-pre-token', () => {
  it('adds tenant_id to the access token of a client-credentials token, and no id token override', async () => {
    const handler = createHandler(async (clientId) => (clientId === 'client-acme' ? 'acme' : undefined));
    const result = await handler(event('TokenGeneration_ClientCredentials'));
    expect(result.response.claimsAndScopeOverrideDetails).toEqual({
      accessTokenGeneration: { claimsToAddOrOverride: { tenant_id: 'acme' } },
    });
  });

  it('adds tenant_id to both tokens for a user sign-in (ops console)', async () => {
    const handler = createHandler(async () => 'ops');
    const result = await handler(event('TokenGeneration_HostedAuth'));
    expect(result.response.claimsAndScopeOverrideDetails).toEqual({
      accessTokenGeneration: { claimsToAddOrOverride: { tenant_id: 'ops' } },
      idTokenGeneration: { claimsToAddOrOverride: { tenant_id: 'ops' } },
    });
  });

  it('leaves the token without the claim when the client has no mapping (the API then answers 403)', async () => {
    const handler = createHandler(async () => undefined);
    const result = await handler(event('TokenGeneration_ClientCredentials', 'client-unknown'));
    expect(result.response.claimsAndScopeOverrideDetails).toEqual({});
  });

  it('reads the mapping item TENANT_CLIENT#<clientId> / TENANT_CLIENT from the operations table', async () => {
    const send = vi.fn(async (_command: GetCommand) => ({ Item: { tenantId: 'acme' } }));
    const lookup = dynamoTenantLookup({ send } as never, 'operations');
    await expect(lookup('client-acme')).resolves.toBe('acme');
    const command = send.mock.calls[0]![0];
    expect(command).toBeInstanceOf(GetCommand);
    expect(command.input).toMatchObject({
      TableName: 'operations',
      Key: { pk: 'TENANT_CLIENT#client-acme', sk: 'TENANT_CLIENT' },
    });
  });

  it.each([[undefined], [{}], [{ tenantId: 42 }], [{ tenantId: 'has spaces' }], [{ tenantId: '' }]])(
    'treats a missing or malformed mapping %j as no tenant',
    async (item) => {
      const lookup = dynamoTenantLookup({ send: async () => ({ Item: item }) } as never, 'operations');
      await expect(lookup('client-acme')).resolves.toBeUndefined();
    },
  );

  it('caches lookups per client for the TTL, then reads again', async () => {
    let nowMs = 1_000;
    const lookup = vi.fn(async () => 'acme');
    const cached = cachedTenantLookup(lookup, () => nowMs);
    await cached('client-acme');
    await cached('client-acme');
    expect(lookup).toHaveBeenCalledTimes(1);
    nowMs += TENANT_CACHE_TTL_MS + 1;
    await cached('client-acme');
    expect(lookup).toHaveBeenCalledTimes(2);
  });
});
