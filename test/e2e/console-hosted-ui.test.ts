// The console's AWS sign-in in real headless Chromium: authorization code + PKCE against a
// stand-in for Cognito's hosted UI (loopback). It checks what Cognito checks — client id, redirect
// URI, state, S256 challenge against the verifier — and the page must end signed in, with the
// code gone from the address bar, calling the API with the token it got.
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageConfig, renderPage } from '../../functions/handlers/ops-console';
import { launchChromium } from '../support/browser.js';

const CLIENT_ID = 'ops-console-client';
const base64Url = (bytes: Buffer): string =>
  bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const accessToken = `${base64Url(Buffer.from('{"alg":"none"}'))}.${base64Url(Buffer.from(JSON.stringify({ sub: 'op-1', username: 'ada@example.com', principal_type: 'operator', principal_role: 'ops', scope: 'payout-platform/ops:read payout-platform/ops:redrive', exp: Math.floor(Date.now() / 1000) + 3600 })))}.sig`;

let cognito: Server;
let api: Server;
let cognitoUrl: string;
let consoleUrl: string;
let browser: BrowserContext;
const seen: { authorize?: URLSearchParams; token?: URLSearchParams; apiAuthorizations: Array<string | undefined> } = {
  apiAuthorizations: [],
};
const issuedCodes = new Map<string, { challenge: string; redirectUri: string }>();

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};
const readBody = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

async function hostedUi(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', cognitoUrl);
  const cors = {
    'access-control-allow-origin': consoleUrl,
    'access-control-allow-headers': 'content-type',
    'access-control-allow-methods': 'POST',
  };
  if (request.method === 'OPTIONS') return void response.writeHead(204, cors).end();
  if (url.pathname === '/oauth2/authorize') {
    seen.authorize = url.searchParams;
    const code = randomUUID();
    issuedCodes.set(code, {
      challenge: url.searchParams.get('code_challenge') ?? '',
      redirectUri: url.searchParams.get('redirect_uri') ?? '',
    });
    const back = new URL(url.searchParams.get('redirect_uri') ?? '');
    back.search = new URLSearchParams({ code, state: url.searchParams.get('state') ?? '' }).toString();
    return void response.writeHead(302, { location: back.toString() }).end();
  }
  if (url.pathname === '/oauth2/token' && request.method === 'POST') {
    const form = new URLSearchParams(await readBody(request));
    seen.token = form;
    const issued = issuedCodes.get(form.get('code') ?? '');
    const verifierOk =
      issued !== undefined &&
      base64Url(
        createHash('sha256')
          .update(form.get('code_verifier') ?? '')
          .digest(),
      ) === issued.challenge;
    const ok =
      verifierOk &&
      form.get('client_id') === CLIENT_ID &&
      form.get('redirect_uri') === issued?.redirectUri &&
      form.get('grant_type') === 'authorization_code';
    issuedCodes.delete(form.get('code') ?? ''); // single use
    response.writeHead(ok ? 200 : 400, { 'content-type': 'application/json', ...cors });
    return void response.end(
      JSON.stringify(
        ok ? { access_token: accessToken, token_type: 'Bearer', expires_in: 3600 } : { error: 'invalid_grant' },
      ),
    );
  }
  response.writeHead(404).end();
}

beforeAll(async () => {
  cognito = createServer((request, response) => void hostedUi(request, response));
  cognitoUrl = await listen(cognito);
  api = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    if (url.pathname === '/ops') {
      const { html, csp } = renderPage(
        pageConfig({ OPS_CONSOLE_AUTH_DOMAIN: cognitoUrl, OPS_CONSOLE_CLIENT_ID: CLIENT_ID, STAGE: 'test' }),
      );
      return void response
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp })
        .end(html);
    }
    // The browser asks for /favicon.ico on its own, without a token: only the page's API calls count.
    if (url.pathname === '/favicon.ico') return void response.writeHead(404).end();
    seen.apiAuthorizations.push(request.headers.authorization);
    const authorized = request.headers.authorization === `Bearer ${accessToken}`;
    response.writeHead(authorized ? 200 : 401, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify(
        authorized
          ? {
              data: [{ queue: 'webhook', role: 'dlq', visible: 0, in_flight: 0, delayed: 0, oldest_age_seconds: null }],
            }
          : { error: { code: 'unauthorized', message: 'no token' } },
      ),
    );
  });
  consoleUrl = await listen(api);
  browser = await launchChromium('console-chromium-');
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(
    [cognito, api].map((server) => new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)))),
  );
});

describe('ops console hosted-UI sign-in', () => {
  it('signs in with authorization code + PKCE and calls the API with the token', async () => {
    const page = browser.pages()[0] ?? (await browser.newPage());
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${consoleUrl}/ops`);
    await page.getByRole('button', { name: 'Sign in with your operator account' }).click();
    await page.locator('#queue-depths table').waitFor();

    expect(seen.authorize?.get('client_id')).toBe(CLIENT_ID);
    expect(seen.authorize?.get('response_type')).toBe('code');
    expect(seen.authorize?.get('code_challenge_method')).toBe('S256');
    expect(seen.authorize?.get('redirect_uri')).toBe(`${consoleUrl}/ops`);
    expect(seen.authorize?.get('scope')).toContain('payout-platform/ops:redrive');
    expect(seen.token?.get('code_verifier')?.length).toBeGreaterThanOrEqual(43);
    expect(seen.apiAuthorizations.length).toBeGreaterThan(0);
    expect(new Set(seen.apiAuthorizations)).toEqual(new Set([`Bearer ${accessToken}`]));
    expect(page.url()).toBe(`${consoleUrl}/ops`); // the single-use code left the address bar
    expect(await page.locator('#identity').textContent()).toContain('ada@example.com');
    expect(errors).toEqual([]);
  });
});
