// What the handler tells the page, in a non-executable JSON block (CSP allows data blocks).

export interface ConsoleConfig {
  /** `cognito`: hosted UI with PKCE (AWS). `twin`: the local twin's issuer or a pasted token. */
  mode: 'cognito' | 'twin';
  /** Cognito hosted-UI base URL, e.g. `https://payout-platform-dev-1234.auth.eu-west-1.amazoncognito.com`. */
  authDomain?: string;
  clientId?: string;
  /** OAuth scopes the console asks for (already prefixed with the resource server id). */
  scopes: string[];
  stage: string;
  /** The CLI line that prints an operator token for the twin. */
  tokenCommand: string;
}

export function readConfig(): ConsoleConfig {
  const element = document.getElementById('console-config');
  const parsed = JSON.parse(element?.textContent ?? '{}') as Partial<ConsoleConfig>;
  return {
    mode: parsed.mode === 'cognito' ? 'cognito' : 'twin',
    ...(parsed.authDomain ? { authDomain: parsed.authDomain } : {}),
    ...(parsed.clientId ? { clientId: parsed.clientId } : {}),
    scopes: parsed.scopes ?? [],
    stage: parsed.stage ?? 'local',
    tokenCommand: parsed.tokenCommand ?? '',
  };
}

/** The console lives at `<base>/ops`; the API routes share `<base>` (a stage path or nothing). */
export function apiBasePath(pathname: string): string {
  return pathname.replace(/\/ops\/?$/, '');
}
