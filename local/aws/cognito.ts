// The twin's stand-in for Cognito's token endpoint, minting tokens the way Cognito would: the app
// client's allowed scopes first (a scope it does not allow is `invalid_scope`), then the user pool's
// pre-token-generation trigger — the real `cognito-pre-token` function of the template, invoked like
// any other — whose claims and scope suppressions are applied as Cognito applies them, then the
// signature. Tenants get client-credentials tokens of their own app clients (local/aws/
// client-registry.ts, made by tenant provisioning); operators get the hosted-UI client's tokens as a
// user in the Cognito group of their role.
import { createHash } from 'node:crypto';
import {
  OPERATOR_ROLES,
  TENANT_ID_PATTERN,
  TENANT_ROLES,
  isOperatorRole,
  isTenantRole,
  scopesOfRole,
} from '../../functions/shared/access-matrix.js';
import { RESOURCE_SERVER_ID, SCOPES, qualifiedScope, type Scope } from '../../functions/shared/names.js';
import { LOCAL_REGION } from '../template/names.js';
import { operatorClient, type TwinModel, type UserPoolClientSpec } from '../template/model.js';
import type { ClientRegistry } from './client-registry.js';
import { signToken, TokenRequestError, TOKEN_TTL_SECONDS_DEFAULT, type IssuerKeys } from './issuer.js';

/** OAuth 2.0 token-endpoint errors (RFC 6749 §5.2), the codes Cognito answers with. */
export type OAuthErrorCode =
  'invalid_request' | 'invalid_client' | 'invalid_scope' | 'unauthorized_client' | 'unsupported_grant_type';

export class OAuthError extends TokenRequestError {
  readonly error: OAuthErrorCode;
  constructor(error: OAuthErrorCode, description: string) {
    super(`${error}: ${description}`);
    this.name = 'OAuthError';
    this.error = error;
  }
}

/** The trigger answered something Cognito would refuse (a reserved claim): a bug to surface, not a token. */
export class TriggerResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TriggerResponseError';
  }
}

/** Claims a pre-token trigger may not set (Cognito's list); `aud` only to the caller's own client id. */
const RESERVED_CLAIMS = new Set([
  ...[
    'sub',
    'iss',
    'token_use',
    'client_id',
    'scope',
    'username',
    'cognito:username',
    'identities',
    'device_key',
    'event_id',
  ],
  ...['acr', 'amr', 'auth_time', 'exp', 'iat', 'nbf', 'jti', 'origin_jti', 'nonce', 'azp', 'at_hash', 'version'],
]);
const OPERATOR_NAME_PATTERN = /^[A-Za-z0-9._@-]{1,128}$/;
const PLATFORM_PREFIX = `${RESOURCE_SERVER_ID}/`;

export interface MintedToken {
  accessToken: string;
  expiresInSeconds: number;
  clientId: string;
  /** Qualified scopes the token carries. */
  scopes: string[];
}

export interface CognitoDependencies {
  keys: IssuerKeys;
  issuer: string;
  model: Pick<TwinModel, 'userPools' | 'userPoolClients'>;
  clients: ClientRegistry;
  /** Invokes a function of the template (the pre-token trigger) and returns its answer. */
  invoke(functionLogicalId: string, event: unknown): Promise<unknown>;
  /** The tenant's active client for the role, provisioning it first when there is none (twin convenience). */
  tenantClient(tenantId: string, role: string): Promise<string>;
}

/** `payouts:read` or `payout-platform/payouts:read` → the qualified form; anything else is `invalid_scope`. */
function qualify(scopes: readonly string[]): string[] {
  return scopes.map((raw) => {
    const bare = raw.startsWith(PLATFORM_PREFIX) ? raw.slice(PLATFORM_PREFIX.length) : raw;
    if (!(SCOPES as readonly string[]).includes(bare)) throw new OAuthError('invalid_scope', `unknown scope ${raw}`);
    return qualifiedScope(bare as Scope);
  });
}

/** A stable `sub` per operator name, shaped like Cognito's UUIDs. */
function userSub(name: string): string {
  const hex = createHash('sha256').update(`twin-operator:${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

interface TokenOptions {
  scopes?: readonly string[];
  ttlSeconds?: number;
}
type Minted = { claims: Record<string, unknown>; scopes: string[] };
type TriggerAnswer = {
  response?: { claimsAndScopeOverrideDetails?: { accessTokenGeneration?: AccessOverrides } | null };
};

export class TwinCognito {
  constructor(private readonly deps: CognitoDependencies) {}

  /** POST /oauth2/token, grant_type=client_credentials. */
  async clientCredentials(input: {
    clientId: string;
    clientSecret: string;
    scope?: string;
    ttlSeconds?: number;
  }): Promise<MintedToken> {
    const client = this.deps.clients.authenticate(input.clientId, input.clientSecret);
    if (client === undefined) throw new OAuthError('invalid_client', 'unknown client or wrong secret');
    const asked = input.scope?.trim() ?? '';
    // No scope asked for: every scope the client allows, as Cognito grants it.
    const requested = asked === '' ? client.allowedScopes : qualify(asked.split(/\s+/));
    const refused = requested.filter((scope) => !client.allowedScopes.includes(scope));
    if (refused.length > 0) {
      throw new OAuthError('invalid_scope', `client ${client.clientName} may not request ${refused.join(', ')}`);
    }
    const minted = await this.runTrigger(
      'TokenGeneration_ClientCredentials',
      client.clientId,
      client.clientId,
      [],
      requested,
    );
    return this.sign(client.clientId, client.clientId, minted, input.ttlSeconds);
  }

  /** A tenant role's token (`npm run token -- --tenant t --role r`): the client-credentials token of its client. */
  async tenantToken(input: TokenOptions & { tenant: string; role: string }): Promise<MintedToken> {
    if (!TENANT_ID_PATTERN.test(input.tenant))
      throw new OAuthError('invalid_request', `tenant id must match ${TENANT_ID_PATTERN}`);
    if (!isTenantRole(input.role)) {
      throw new OAuthError('invalid_request', `no tenant role '${input.role}' (roles: ${TENANT_ROLES.join(', ')})`);
    }
    const clientId = await this.deps.tenantClient(input.tenant, input.role);
    const client = this.deps.clients.find(clientId);
    if (client === undefined) {
      throw new OAuthError('invalid_client', `tenant ${input.tenant} has no ${input.role} client in the twin's issuer`);
    }
    return this.clientCredentials({
      clientId,
      clientSecret: client.clientSecret,
      ...(input.scopes === undefined || input.scopes.length === 0 ? {} : { scope: qualify(input.scopes).join(' ') }),
      ...(input.ttlSeconds === undefined ? {} : { ttlSeconds: input.ttlSeconds }),
    });
  }

  /**
   * An operator's token, as the hosted UI would issue it to a user in the role's group. Stricter
   * than the hosted UI on one point: a scope the role may not hold is `invalid_scope` here, where
   * Cognito would grant it for the trigger to strip — so a typo fails loudly instead of quietly
   * giving a narrower token.
   */
  async operatorToken(input: TokenOptions & { operator: string; role: string }): Promise<MintedToken> {
    if (!OPERATOR_NAME_PATTERN.test(input.operator)) {
      throw new OAuthError('invalid_request', `operator name must match ${OPERATOR_NAME_PATTERN}`);
    }
    if (!isOperatorRole(input.role)) {
      throw new OAuthError('invalid_request', `no operator role '${input.role}' (roles: ${OPERATOR_ROLES.join(', ')})`);
    }
    const client = this.hostedUiClient();
    const allowed = client.allowedScopes.filter((scope) => scope.startsWith(PLATFORM_PREFIX));
    const explicit = input.scopes !== undefined && input.scopes.length > 0;
    // Asked for nothing in particular: everything the client allows, as the console asks (the trigger narrows it).
    const requested = explicit ? qualify(input.scopes!) : allowed;
    const role = scopesOfRole('operator', input.role).map(qualifiedScope);
    const refused = requested.filter((scope) => !allowed.includes(scope) || (explicit && !role.includes(scope)));
    if (refused.length > 0)
      throw new OAuthError('invalid_scope', `the ${input.role} role may not request ${refused.join(', ')}`);
    const groups = [input.role];
    const minted = await this.runTrigger(
      'TokenGeneration_HostedAuth',
      client.clientId,
      input.operator,
      groups,
      requested,
    );
    const claims = { ...minted.claims, username: input.operator, 'cognito:groups': groups };
    return this.sign(client.clientId, userSub(input.operator), { ...minted, claims }, input.ttlSeconds);
  }

  private hostedUiClient(): UserPoolClientSpec {
    const client = operatorClient(this.deps.model as TwinModel);
    if (client === undefined) {
      throw new OAuthError('unauthorized_client', 'the template has no hosted-UI (authorization code) app client');
    }
    return client;
  }

  /** Runs the pool's pre-token trigger and applies its answer; without a trigger the request stands. */
  private async runTrigger(
    triggerSource: string,
    clientId: string,
    userName: string,
    groups: string[],
    scopes: string[],
  ): Promise<Minted> {
    const pool = this.deps.model.userPools[0];
    const functionLogicalId = pool?.preTokenFunctionLogicalId;
    // V1/V2 triggers never see client-credentials requests; only V3 customizes M2M access tokens.
    const m2m = triggerSource === 'TokenGeneration_ClientCredentials';
    if (pool === undefined || functionLogicalId === undefined || (m2m && pool.preTokenLambdaVersion !== 'V3_0'))
      return { claims: {}, scopes };
    const event = {
      version: '3',
      triggerSource,
      region: LOCAL_REGION,
      userPoolId: `${LOCAL_REGION}_${pool.logicalId}`,
      userName,
      callerContext: { awsSdkVersion: 'twin', clientId },
      request: {
        userAttributes: {},
        groupConfiguration: { groupsToOverride: groups, iamRolesToOverride: [], preferredRole: null },
        scopes: [...scopes],
      },
      response: { claimsAndScopeOverrideDetails: null },
    };
    const answer = (await this.deps.invoke(functionLogicalId, event)) as TriggerAnswer;
    return applyOverrides(answer?.response?.claimsAndScopeOverrideDetails?.accessTokenGeneration, clientId, scopes);
  }

  private async sign(
    clientId: string,
    subject: string,
    minted: Minted,
    ttlSeconds: number | undefined,
  ): Promise<MintedToken> {
    const ttl = ttlSeconds ?? TOKEN_TTL_SECONDS_DEFAULT;
    const { issuer, keys } = this.deps;
    const accessToken = await signToken(keys, {
      clientId,
      subject,
      scopes: minted.scopes,
      issuer,
      ttlSeconds: ttl,
      claims: minted.claims,
    });
    return { accessToken, expiresInSeconds: ttl, clientId, scopes: minted.scopes };
  }
}

interface AccessOverrides {
  claimsToAddOrOverride?: Record<string, unknown>;
  claimsToSuppress?: string[];
  scopesToAdd?: string[];
  scopesToSuppress?: string[];
}

/** Cognito's rules: reserved claims refused, added scopes first, then suppressions (which win). */
export function applyOverrides(overrides: AccessOverrides | undefined, clientId: string, scopes: string[]): Minted {
  const claims: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(overrides?.claimsToAddOrOverride ?? {})) {
    const reserved =
      RESERVED_CLAIMS.has(name) ||
      (name.startsWith('cognito:') && name !== 'cognito:groups') ||
      (name === 'aud' && value !== clientId);
    if (reserved) throw new TriggerResponseError(`the pre-token trigger may not set the ${name} claim`);
    claims[name] = value;
  }
  for (const name of overrides?.claimsToSuppress ?? []) delete claims[name];
  const suppressed = new Set(overrides?.scopesToSuppress ?? []);
  const kept = [...new Set([...scopes, ...(overrides?.scopesToAdd ?? [])])].filter((scope) => !suppressed.has(scope));
  return { claims, scopes: kept };
}
