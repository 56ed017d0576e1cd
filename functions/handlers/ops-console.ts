// GET /ops — the ops console page (no route auth: the page holds no data; every API call it makes
// carries the operator's bearer token and each route checks its own scope).
//
// The page is inlined (functions/generated) and locked down with a hash-based CSP: only
// our one script and one style block run, nothing loads from elsewhere, and the page only talks
// to its own API (and, in AWS, to Cognito's token endpoint).
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createHash } from 'node:crypto';
import { CONSOLE_CSS, CONSOLE_HTML_TEMPLATE, CONSOLE_JS } from '../generated/console-assets';
import { OPERATOR_CLIENT_SCOPES } from '../shared/access-matrix';
import { ENV, qualifiedScope } from '../shared/names';
import { requestIdOf } from '../http/response';

/** The CLI line the twin's sign-in form shows for pasting a token (ops, finance or compliance). */
export const TWIN_TOKEN_COMMAND = 'npm run --silent token -- --operator <your-name> --role ops';
/** An https origin; plain http only on loopback (RFC 8252 §7.3), which is how the tests run a stand-in. */
const COGNITO_DOMAIN_PATTERN = /^(https:\/\/[a-z0-9.-]+|http:\/\/(127\.0\.0\.1|localhost)(:\d+)?)$/i;

export interface ConsolePageConfig {
  mode: 'cognito' | 'twin';
  authDomain?: string;
  clientId?: string;
  scopes: string[];
  stage: string;
  tokenCommand: string;
}

export function pageConfig(env: NodeJS.ProcessEnv): ConsolePageConfig {
  const authDomain = env[ENV.opsConsoleAuthDomain]?.replace(/\/+$/, '');
  const clientId = env[ENV.opsConsoleClientId];
  // Every operator scope: the hosted UI grants what the client allows, the pre-token trigger keeps the group's.
  const base = {
    scopes: OPERATOR_CLIENT_SCOPES.map(qualifiedScope),
    stage: env[ENV.stage] ?? 'local',
    tokenCommand: TWIN_TOKEN_COMMAND,
  };
  if (authDomain && clientId) {
    // A misconfigured domain would send operators' codes somewhere else: refuse to start instead.
    if (!COGNITO_DOMAIN_PATTERN.test(authDomain))
      throw new Error(`${ENV.opsConsoleAuthDomain} must be an https origin, got ${authDomain}`);
    return { mode: 'cognito', authDomain, clientId, ...base };
  }
  return { mode: 'twin', ...base };
}

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** JSON inside <script type="application/json">: `<` escaped so no value can close the element. */
const inlineJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

export function renderPage(config: ConsolePageConfig): { html: string; csp: string } {
  const html = CONSOLE_HTML_TEMPLATE.replace('/*@@CONSOLE_CSS@@*/', () => CONSOLE_CSS)
    .replace('/*@@CONSOLE_JS@@*/', () => CONSOLE_JS)
    .replace('@@CONSOLE_CONFIG@@', () => inlineJson(config));
  const authOrigin = config.mode === 'cognito' && config.authDomain ? ` ${config.authDomain}` : '';
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(CONSOLE_JS)}`,
    `style-src ${sha256(CONSOLE_CSS)}`,
    `connect-src 'self'${authOrigin}`,
    "img-src 'self' data:",
    `form-action 'self'${authOrigin}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
  return { html, csp };
}

// Rendered once per cold start: the page only changes with a deploy.
const page = renderPage(pageConfig(process.env));

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'request-id': requestIdOf(event),
      'content-security-policy': page.csp,
      // The hosted UI returns `?code=` to this page; it must not leak through a Referer.
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'cache-control': 'no-store',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
    },
    body: page.html,
  };
}
