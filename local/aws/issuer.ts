// The twin's token issuer, standing in for Cognito: an RS256 key pair generated once and kept in
// `.local/issuer/`, a JWKS, and Cognito-shaped access tokens. What goes into a token — which client,
// which scopes, which principal — is local/aws/cognito.ts's to decide (the way Cognito does, pre-token
// trigger included); this file only signs. Tests forge tokens with `signToken` directly.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { qualifiedScope, SCOPES, TENANT_CLAIM, type Scope } from '../../functions/shared/names.js';

export const ISSUER_PATH = '/.twin/issuer';
export const JWKS_PATH = `${ISSUER_PATH}/.well-known/jwks.json`;
const ALGORITHM = 'RS256';
/** Cognito access tokens last an hour by default. */
export const TOKEN_TTL_SECONDS_DEFAULT = 3600;
const PRIVATE_KEY_FILE = 'private.jwk.json';
const PUBLIC_KEY_FILE = 'public.jwk.json';

export class TokenRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenRequestError';
  }
}

export function issuerUrl(port: number): string {
  return `http://127.0.0.1:${port}${ISSUER_PATH}`;
}

export interface IssuerKeys {
  privateJwk: JWK;
  publicJwk: JWK;
}

/** Loads the key pair from `issuerDir`, generating and saving it on first use. */
export async function loadOrCreateKeys(issuerDir: string): Promise<IssuerKeys> {
  const privatePath = join(issuerDir, PRIVATE_KEY_FILE);
  const publicPath = join(issuerDir, PUBLIC_KEY_FILE);
  if (existsSync(privatePath) && existsSync(publicPath)) {
    return {
      privateJwk: JSON.parse(readFileSync(privatePath, 'utf8')),
      publicJwk: JSON.parse(readFileSync(publicPath, 'utf8')),
    };
  }
  const { privateKey, publicKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const kid = randomUUID();
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: ALGORITHM, use: 'sig' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: ALGORITHM, use: 'sig' };
  mkdirSync(issuerDir, { recursive: true });
  writeFileSync(privatePath, JSON.stringify(privateJwk), { mode: 0o600 });
  writeFileSync(publicPath, JSON.stringify(publicJwk));
  return { privateJwk, publicJwk };
}

export function jwks(keys: IssuerKeys): { keys: JWK[] } {
  return { keys: [keys.publicJwk] };
}

export interface TokenRequest {
  /** A `tenant_id` claim, for forged tokens in tests; minted tokens get theirs from the trigger. */
  tenant?: string;
  scopes: string[];
  /** Local app-client id; becomes `client_id` (and `sub` unless `subject` says otherwise), as Cognito does for client credentials. */
  clientId: string;
  /** A signed-in user's id (`sub`); the client id when absent. */
  subject?: string;
  issuer: string;
  ttlSeconds?: number;
  /** Extra or overriding claims, for tests (e.g. a wrong `aud`). */
  claims?: Record<string, unknown>;
}

/** Accepts `payouts:read` or `payout-platform/payouts:read`; refuses scopes not in DESIGN §3. */
export function qualifyScopes(scopes: string[]): string[] {
  return scopes.map((raw) => {
    const bare = raw.replace(/^payout-platform\//, '');
    if (!(SCOPES as readonly string[]).includes(bare))
      throw new TokenRequestError(`unknown scope ${raw} (known: ${SCOPES.join(', ')})`);
    return qualifiedScope(bare as Scope);
  });
}

export async function signToken(keys: IssuerKeys, request: TokenRequest): Promise<string> {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const privateKey = await importJWK(keys.privateJwk, ALGORITHM);
  return new SignJWT({
    client_id: request.clientId,
    token_use: 'access',
    scope: qualifyScopes(request.scopes).join(' '),
    ...(request.tenant === undefined ? {} : { [TENANT_CLAIM]: request.tenant }),
    auth_time: nowSeconds,
    version: 2,
    jti: randomUUID(),
    ...request.claims,
  })
    .setProtectedHeader({ alg: ALGORITHM, kid: String(keys.privateJwk.kid), typ: 'JWT' })
    .setIssuer(request.issuer)
    .setSubject(request.subject ?? request.clientId)
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + (request.ttlSeconds ?? TOKEN_TTL_SECONDS_DEFAULT))
    .sign(privateKey);
}
