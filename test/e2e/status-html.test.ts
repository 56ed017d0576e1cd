// The public HTML status page (GET /status.html) in headless Chromium against the twin: an operator
// posts an incident (its title carries markup, which must show as text), the page shows the banner
// degraded, the component degraded and the incident open; resolved, it shows under recently
// resolved and the banner back to operational. The CSP allows no script at all, and the page runs
// none. Launch as test/e2e/console-status.test.ts (Debian chromium, nothing phones home).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATUS_CACHE_SECONDS } from '../../functions/app/ops/status-api.js';
import { REPO_ROOT } from '../../local/paths.js';
import { synthesize } from '../../local/template/synth.js';
import { startTwin, type StartedTwin } from '../support/twin.js';
import { launchChromium } from '../support/browser.js';

const RESULTS_DIR = join(REPO_ROOT, 'test-results');
const VIEWPORT = { width: 1000, height: 1000 };
const TITLE = '<img src=x onerror=alert(1)> Stripe payouts delayed';

let twin: StartedTwin;
let browser: BrowserContext;
let ops: string;

beforeAll(async () => {
  await synthesize({ onlyIfStale: true });
  twin = await startTwin({ port: 0, fresh: true });
  ops = await twin.token({ operator: 'status-html-ops', role: 'ops' });
  mkdirSync(RESULTS_DIR, { recursive: true });
  browser = await launchChromium('status-html-chromium-', { viewport: VIEWPORT });
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await twin?.stop();
});

async function call(method: string, path: string, body: unknown, key: string) {
  const response = await fetch(`${twin.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ops}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, any>;
  expect(response.status, JSON.stringify(json)).toBeLessThan(300);
  return json;
}

/** Past the status cache on the twin clock, then a fresh load of the page. */
async function load(page: Page) {
  await call('POST', '/.twin/clock/advance', { seconds: STATUS_CACHE_SECONDS + 1 }, 'clock');
  const response = await page.goto(`${twin.url}/status.html`);
  expect(response?.status()).toBe(200);
  return response!;
}

const stateOf = (page: Page, component: string) =>
  page.locator(`li[data-component="${component}"] strong`).textContent();

describe('GET /status.html in Chromium', () => {
  it('shows an incident open, then resolved, with its text escaped and no script run', async () => {
    const page = await browser.newPage();
    // The page is cacheable for STATUS_CACHE_SECONDS of real time; the twin's clock moves faster.
    await page.setExtraHTTPHeaders({ 'cache-control': 'no-cache' });
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const incident = await call(
      'POST',
      '/ops/incidents',
      {
        title: TITLE,
        message: 'Stripe reports delays; payouts are queued.',
        components: ['submission:stripe'],
        impact: 'outage',
      },
      'html-incident-1',
    );

    const first = await load(page);
    const csp = first.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'none'");
    expect(first.headers()['content-type']).toBe('text/html; charset=utf-8');
    expect(await page.locator('#banner').textContent()).toBe('Some systems are down');
    expect(await stateOf(page, 'submission:stripe')).toBe('outage');
    expect(await page.locator('#open h3').textContent()).toBe(TITLE);
    expect(await page.locator('#open img').count()).toBe(0);
    expect(await page.locator('#resolved').textContent()).toBe('None in the last day.');
    await page.screenshot({ path: join(RESULTS_DIR, 'status-html-open.png'), fullPage: true });

    await call(
      'POST',
      `/ops/incidents/${incident['incident_id']}/resolve`,
      { message: 'Recovered.' },
      'html-resolve-1',
    );
    await load(page);
    expect(await stateOf(page, 'submission:stripe')).toBe('operational');
    expect(await page.locator('#open').textContent()).toBe('No open incidents.');
    expect(await page.locator('#resolved h3').textContent()).toBe(TITLE);
    expect(await page.locator('#resolved .update').count()).toBe(2);
    await page.screenshot({ path: join(RESULTS_DIR, 'status-html-resolved.png'), fullPage: true });
    expect(dialogs).toEqual([]);
    await page.close();
  });
});
