// Sign-in. In AWS: Cognito's hosted UI, authorization code + PKCE (a page cannot keep a client
// secret). On the twin: ask the twin's issuer for an operator token, or paste one from the CLI.
// Tokens live in sessionStorage: they survive the hosted-UI redirect but not the tab.
import type { ConsoleConfig } from './config';

const TOKEN_KEY = 'ops-console.token';
const VERIFIER_KEY = 'ops-console.pkce-verifier';
const STATE_KEY = 'ops-console.oauth-state';
/** RFC 7636 allows 43–128 characters; 64 random bytes base64url-encode to 86. */
const PKCE_VERIFIER_BYTES = 64;
const OAUTH_STATE_BYTES = 16;
/** The twin's token endpoint (local/aws/issuer-endpoints.ts); only the twin has it. */
export const TWIN_TOKEN_PATH = '/.twin/issuer/token';

export interface TokenClaims {
  tenant: string;
  /** The access-matrix role the pre-token trigger stamped (`principal_role`). */
  role: string;
  scopes: string[];
  subject: string;
  /** The operator as the server names them in the audit trail (username, else sub): four-eyes compares this. */
  principal: string;
  expiresAt: Date | null;
}

export function currentToken(): string | null {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) return null;
  const claims = decodeClaims(token);
  if (claims?.expiresAt && claims.expiresAt.getTime() <= Date.now()) {
    sessionStorage.removeItem(TOKEN_KEY);
    return null;
  }
  return token;
}

export function storeToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token.trim().replace(/^Bearer\s+/i, ''));
}

export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** Reads the claims for display only; the server verifies the signature on every call. */
export function decodeClaims(token: string): TokenClaims | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const json = JSON.parse(new TextDecoder().decode(base64UrlDecode(payload))) as Record<string, unknown>;
    const scope = typeof json['scope'] === 'string' ? json['scope'] : '';
    return {
      tenant: String(json['tenant_id'] ?? '—'),
      role: String(json['principal_role'] ?? '—'),
      scopes: scope
        .split(' ')
        .filter(Boolean)
        .map((s) => s.replace(/^[^/]+\//, '')),
      subject: String(json['email'] ?? json['username'] ?? json['sub'] ?? '—'),
      principal: String(json['username'] ?? json['sub'] ?? ''),
      expiresAt: typeof json['exp'] === 'number' ? new Date(json['exp'] * 1000) : null,
    };
  } catch {
    return null;
  }
}

/**
 * Asks the twin's issuer for an operator's token, as the hosted UI would give it to a user in the
 * role's Cognito group (the access matrix decides its scopes). The issuer's refusal, or `null` for
 * the token, when it cannot be reached.
 */
export async function requestTwinToken(operator: string, role: string): Promise<{ token: string } | { error: string }> {
  const response = await fetch(TWIN_TOKEN_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ operator, role }),
  }).catch(() => null);
  if (!response) return { error: 'The twin could not be reached.' };
  const body = (await response.json().catch(() => null)) as {
    access_token?: string;
    error?: string;
    error_description?: string;
  } | null;
  if (response.ok && body?.access_token) return { token: body.access_token };
  return { error: body?.error_description ?? `The twin's issuer answered HTTP ${response.status}.` };
}

export async function startHostedUiSignIn(config: ConsoleConfig, redirectUri: string): Promise<void> {
  if (!config.authDomain || !config.clientId) throw new Error('The console is not configured for Cognito sign-in.');
  const verifier = base64UrlEncode(randomBytes(PKCE_VERIFIER_BYTES));
  const state = base64UrlEncode(randomBytes(OAUTH_STATE_BYTES));
  sessionStorage.setItem(VERIFIER_KEY, verifier);
  sessionStorage.setItem(STATE_KEY, state);
  const challenge = base64UrlEncode(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
  const url = new URL('/oauth2/authorize', config.authDomain);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: redirectUri,
    scope: ['openid', 'email', ...config.scopes].join(' '),
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
}

/** Finishes the hosted-UI round trip when the URL carries `?code=`; true when it signed in. */
export async function completeHostedUiSignIn(config: ConsoleConfig, redirectUri: string): Promise<boolean> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  if (!code || !config.authDomain || !config.clientId) return false;
  const verifier = sessionStorage.getItem(VERIFIER_KEY);
  const expectedState = sessionStorage.getItem(STATE_KEY);
  sessionStorage.removeItem(VERIFIER_KEY);
  sessionStorage.removeItem(STATE_KEY);
  // The code is single-use and must not linger in history or be re-sent on reload.
  history.replaceState(null, '', redirectUri);
  if (!verifier || params.get('state') !== expectedState)
    throw new Error('Sign-in state did not match; start the sign-in again.');
  const response = await fetch(new URL('/oauth2/token', config.authDomain), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.clientId,
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    }),
  });
  if (!response.ok) throw new Error(`Cognito refused the sign-in (HTTP ${response.status}).`);
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error('Cognito answered without an access token.');
  storeToken(body.access_token);
  return true;
}

export function hostedUiSignOutUrl(config: ConsoleConfig, redirectUri: string): string | null {
  if (config.mode !== 'cognito' || !config.authDomain || !config.clientId) return null;
  const url = new URL('/logout', config.authDomain);
  url.search = new URLSearchParams({ client_id: config.clientId, logout_uri: redirectUri }).toString();
  return url.toString();
}

function randomBytes(count: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(count));
}

function base64UrlEncode(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function base64UrlDecode(text: string): Uint8Array {
  const base64 = text
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(text.length / 4) * 4, '=');
  return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
}
