import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PreTokenGenerationV3TriggerEvent } from 'aws-lambda';
import { dynamoDocumentClient, requiredEnv } from '../adapters/aws-clients';
import { ENV, TENANT_CLAIM } from '../shared/names';

// Cognito pre-token-generation (V3): adds the `tenant_id` claim from the app client's tenant
// mapping, stored in the operations table as pk=`TENANT_CLIENT#<clientId>`, sk=`TENANT_CLIENT`.
// A client without a mapping gets a token without the claim; the API then answers 403
// `tenant_missing`, which is the safe outcome (no token is ever issued for a guessed tenant).

export const TENANT_CLIENT_PK_PREFIX = 'TENANT_CLIENT#';
export const TENANT_CLIENT_SK = 'TENANT_CLIENT';
/** Mappings change rarely; a warm container re-reads them after this long. */
export const TENANT_CACHE_TTL_MS = 60_000;
/** Same shape as tenant ids elsewhere: a short slug, never free text in a token. */
const TENANT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export type TenantLookup = (clientId: string) => Promise<string | undefined>;

/** Reads the tenant of an app client; `undefined` when there is no (valid) mapping. */
export function dynamoTenantLookup(client: Pick<DynamoDBDocumentClient, 'send'>, tableName: string): TenantLookup {
  return async (clientId) => {
    const result = await client.send(
      new GetCommand({
        TableName: tableName,
        Key: { pk: `${TENANT_CLIENT_PK_PREFIX}${clientId}`, sk: TENANT_CLIENT_SK },
        ProjectionExpression: 'tenantId',
      }),
    );
    const tenantId: unknown = result.Item?.['tenantId'];
    return typeof tenantId === 'string' && TENANT_ID_PATTERN.test(tenantId) ? tenantId : undefined;
  };
}

/** Wraps a lookup with a per-container cache; `nowMs` is injected so tests control time. */
export function cachedTenantLookup(lookup: TenantLookup, nowMs: () => number = Date.now): TenantLookup {
  const cache = new Map<string, { tenantId: string | undefined; expiresAtMs: number }>();
  return async (clientId) => {
    const hit = cache.get(clientId);
    if (hit && hit.expiresAtMs > nowMs()) return hit.tenantId;
    const tenantId = await lookup(clientId);
    cache.set(clientId, { tenantId, expiresAtMs: nowMs() + TENANT_CACHE_TTL_MS });
    return tenantId;
  };
}

type PreTokenEvent = Omit<PreTokenGenerationV3TriggerEvent, 'triggerSource'> & { triggerSource: string };

export function createHandler(lookupTenant: TenantLookup) {
  return async <E extends PreTokenEvent>(event: E): Promise<E> => {
    const tenantId = await lookupTenant(event.callerContext.clientId);
    if (tenantId === undefined) return event;
    const claims = { [TENANT_CLAIM]: tenantId };
    const details = event.response.claimsAndScopeOverrideDetails ?? {};
    event.response.claimsAndScopeOverrideDetails = {
      ...details,
      accessTokenGeneration: {
        ...details.accessTokenGeneration,
        claimsToAddOrOverride: { ...details.accessTokenGeneration?.claimsToAddOrOverride, ...claims },
      },
      // Client-credentials flows issue no id token; Cognito rejects overrides for one.
      ...(event.triggerSource === 'TokenGeneration_ClientCredentials'
        ? {}
        : {
            idTokenGeneration: {
              ...details.idTokenGeneration,
              claimsToAddOrOverride: { ...details.idTokenGeneration?.claimsToAddOrOverride, ...claims },
            },
          }),
    };
    return event;
  };
}

let defaultHandler: ReturnType<typeof createHandler> | undefined;

export const handler = async <E extends PreTokenEvent>(event: E): Promise<E> => {
  defaultHandler ??= createHandler(
    cachedTenantLookup(dynamoTenantLookup(dynamoDocumentClient(), requiredEnv(ENV.operationsTable))),
  );
  return defaultHandler(event);
};
