import type { PreTokenGenerationV3TriggerEvent } from 'aws-lambda';
import { credentialsFromEnv, dynamoEndpointFromEnv, signedGetItem } from '../adapters/signed-get-item';
import { tenantMappingReader, type TenantClientMapping } from '../adapters/tenant-mapping';
import { decidePreToken, type PreTokenFacts } from '../app/access/pre-token';
import { ENV } from '../shared/names';

// Cognito pre-token-generation (V3), the access matrix's second layer (functions/app/access/
// pre-token.ts has the rule). A client-credentials token gets its tenant, principal type and role
// from the client's mapping in the operations table (written by `npm run tenants -- create`); a
// hosted-UI sign-in gets its operator role from the user's Cognito group. Every platform scope the
// role may not hold is suppressed, whatever the app client allowed; a principal without a mapping
// or an operator group keeps none.
// It reads through a signed GetItem rather than the SDK client: the bundle stays under
// PRE_TOKEN_BUNDLE_BYTES_MAX (test/infra/bundle-sizes.test.ts), since every token runs it.

/** Mappings change rarely; a warm container re-reads them after this long. */
export const TENANT_CACHE_TTL_MS = 60_000;
const CLIENT_CREDENTIALS_TRIGGER = 'TokenGeneration_ClientCredentials';

export type MappingLookup = (clientId: string) => Promise<TenantClientMapping | undefined>;

/** Wraps a lookup with a per-container cache; `nowMs` is injected so tests control time. */
export function cachedMappingLookup(lookup: MappingLookup, nowMs: () => number = Date.now): MappingLookup {
  const cache = new Map<string, { mapping: TenantClientMapping | undefined; expiresAtMs: number }>();
  return async (clientId) => {
    const hit = cache.get(clientId);
    if (hit && hit.expiresAtMs > nowMs()) return hit.mapping;
    const mapping = await lookup(clientId);
    cache.set(clientId, { mapping, expiresAtMs: nowMs() + TENANT_CACHE_TTL_MS });
    return mapping;
  };
}

type PreTokenEvent = Omit<PreTokenGenerationV3TriggerEvent, 'triggerSource'> & { triggerSource: string };
type Warn = (line: string) => void;

async function factsOf(event: PreTokenEvent, lookup: MappingLookup): Promise<PreTokenFacts> {
  const clientId = event.callerContext.clientId;
  const requestedScopes = event.request.scopes ?? [];
  if (event.triggerSource === CLIENT_CREDENTIALS_TRIGGER) {
    return { flow: 'client_credentials', clientId, mapping: await lookup(clientId), requestedScopes };
  }
  return { flow: 'user', clientId, groups: event.request.groupConfiguration?.groupsToOverride ?? [], requestedScopes };
}

export function createHandler(lookup: MappingLookup, warn: Warn = (line) => console.warn(line)) {
  return async <E extends PreTokenEvent>(event: E): Promise<E> => {
    const decision = decidePreToken(await factsOf(event, lookup));
    const claims = decision.outcome === 'stamped' ? decision.claims : {};
    if (decision.outcome === 'refused') {
      // Who asked and why they got nothing; never a secret (the event holds none).
      const { clientId } = event.callerContext;
      warn(
        JSON.stringify({
          level: 'WARN',
          message: 'token principal refused',
          refusal: decision.refusal,
          clientId,
          triggerSource: event.triggerSource,
        }),
      );
    }
    const details = event.response.claimsAndScopeOverrideDetails ?? {};
    const access = details.accessTokenGeneration;
    const suppress = [...(access?.scopesToSuppress ?? []), ...decision.scopesToSuppress];
    event.response.claimsAndScopeOverrideDetails = {
      ...details,
      accessTokenGeneration: {
        ...access,
        ...(Object.keys(claims).length === 0
          ? {}
          : { claimsToAddOrOverride: { ...access?.claimsToAddOrOverride, ...claims } }),
        ...(suppress.length === 0 ? {} : { scopesToSuppress: suppress }),
      },
      // Client-credentials flows issue no id token; Cognito rejects overrides for one.
      ...(event.triggerSource === CLIENT_CREDENTIALS_TRIGGER || Object.keys(claims).length === 0
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
  if (defaultHandler === undefined) {
    const tableName = process.env[ENV.operationsTable];
    if (!tableName) throw new Error(`missing environment variable ${ENV.operationsTable}`);
    const region = process.env['AWS_REGION'] ?? '';
    const getItem = signedGetItem({
      region,
      endpoint: dynamoEndpointFromEnv(process.env, region),
      credentials: credentialsFromEnv(process.env),
    });
    defaultHandler = createHandler(cachedMappingLookup(tenantMappingReader(getItem, tableName)));
  }
  return defaultHandler(event);
};
