import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { GENERATED_MODULE_PATH, buildConsoleModule } from '../../../console/build-assets';
import { handler, pageConfig, renderPage } from '../../../functions/handlers/ops-console';

const hashOf = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const inner = (html: string, open: RegExp, close: string): string => {
  const match = open.exec(html);
  if (!match) throw new Error(`no ${open}`);
  const start = match.index + match[0].length;
  return html.slice(start, html.indexOf(close, start));
};

describe('ops-console handler', () => {
  it('serves the page as HTML with a Request-Id and a locked-down CSP', async () => {
    const result = await handler({ headers: {}, requestContext: { requestId: 'req-console-1' } } as never);
    expect(result.statusCode).toBe(200);
    expect(result.headers?.['content-type']).toBe('text/html; charset=utf-8');
    expect(result.headers?.['request-id']).toBe('req-console-1');
    const csp = String(result.headers?.['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(result.headers?.['referrer-policy']).toBe('no-referrer');
  });

  it('allows exactly the inline script and style it serves (hashes match the bytes)', () => {
    const { html, csp } = renderPage(pageConfig({}));
    const script = inner(html, /<script type="module">/, '</script>');
    const style = inner(html, /<style>/, '</style>');
    expect(script.length).toBeGreaterThan(1000);
    expect(csp).toContain(`script-src ${hashOf(script)}`);
    expect(csp).toContain(`style-src ${hashOf(style)}`);
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)=["']https?:/); // no external assets
  });

  it('runs in twin mode without Cognito settings and tells the page the token command', () => {
    const config = pageConfig({ STAGE: 'local' });
    expect(config.mode).toBe('twin');
    expect(config.tokenCommand).toContain('--operator <your-name> --role ops');
    expect(config.scopes).toContain('payout-platform/ops:redrive');
    // The console asks for operator scopes only: a tenant scope is never the console's to grant.
    expect(config.scopes).not.toContain('payout-platform/payouts:read');
  });

  it('uses the hosted UI when the CDK construct set its domain and client, and lets the page reach it', () => {
    const env = {
      OPS_CONSOLE_AUTH_DOMAIN: 'https://payout-platform-dev-1.auth.eu-west-1.amazoncognito.com/',
      OPS_CONSOLE_CLIENT_ID: 'abc123',
      STAGE: 'dev',
    };
    const config = pageConfig(env);
    expect(config).toMatchObject({
      mode: 'cognito',
      authDomain: 'https://payout-platform-dev-1.auth.eu-west-1.amazoncognito.com',
      clientId: 'abc123',
      stage: 'dev',
    });
    const { html, csp } = renderPage(config);
    expect(csp).toContain("connect-src 'self' https://payout-platform-dev-1.auth.eu-west-1.amazoncognito.com");
    expect(html).toContain('"clientId":"abc123"');
  });

  it('refuses a hosted-UI domain that is not an https origin', () => {
    expect(() =>
      pageConfig({ OPS_CONSOLE_AUTH_DOMAIN: 'http://evil.example/x', OPS_CONSOLE_CLIENT_ID: 'abc' }),
    ).toThrow(/https origin/);
  });

  it('escapes the config so no value can close its script element', () => {
    const { html } = renderPage({ ...pageConfig({}), stage: '</script><script>alert(1)</script>' });
    expect(html).not.toContain('</script><script>alert(1)');
  });

  it('ships a generated page that matches its sources (run `npm run build:console`)', async () => {
    expect(await readFile(GENERATED_MODULE_PATH, 'utf8')).toBe(await buildConsoleModule());
  });
});
