// The console's batch page in real headless Chromium against the whole twin (issue 13): a tenant's
// batch with 103 failed items of 106; alice (ops) opens it from its exception, reads what is wrong,
// who owns it and what to do, pages the group past its first 100 items, filters the items by
// status, and finds no retry button (batches:retry is the tenant batch operator's; the API refuses
// her too). Finance (no ops:read) has no Batches view. Screenshot in test-results/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../local/paths.js';
import { synthesize } from '../../local/template/synth.js';
import { launchChromium } from '../support/browser.js';
import { startTwin, type StartedTwin } from '../support/twin.js';

const RESULTS_DIR = join(REPO_ROOT, 'test-results');
const POLL_MS = 250;
const WAIT_MS_MAX = 90_000;
const GOOD_ITEMS = 3;
/** More than one page of a group (BATCH_EXCEPTION_ITEMS_PAGE_MAX = 100). */
const FAILED_ITEMS = 103;
const BAD_IBAN = { country: 'DE', method: 'sepa', iban: 'DE89370400440532013001' }; // mod-97 fails

let twin: StartedTwin;
let browser: BrowserContext;
let page: Page;
let batchId: string;
const tokens = { alice: '', frank: '', backend: '' };

async function api(token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${twin.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as any };
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + WAIT_MS_MAX;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function signInAs(token: string): Promise<void> {
  await page.goto(`${twin.url}/ops`);
  if (await page.locator('#signout').isVisible()) await page.locator('#signout').click();
  await page.getByLabel('Bearer token').fill(token);
  await page.getByRole('button', { name: 'Use this token' }).click();
  await page.locator('#nav').waitFor();
}

beforeAll(async () => {
  await synthesize({ onlyIfStale: true });
  twin = await startTwin({ port: 0, fresh: true });
  mkdirSync(RESULTS_DIR, { recursive: true });
  browser = await launchChromium('console-batches-chromium-', { viewport: { width: 1440, height: 1000 } });
  page = browser.pages()[0] ?? (await browser.newPage());
  tokens.backend = await twin.token({ tenant: 'acme', role: 'backend' });
  tokens.alice = await twin.token({ operator: 'alice', role: 'ops' });
  tokens.frank = await twin.token({ operator: 'frank', role: 'finance' });

  const good = Array.from({ length: GOOD_ITEMS }, (_, i) => ({
    sender_item_id: `emp-${String(i).padStart(3, '0')}`,
    amount: 12_500,
    currency: 'EUR',
    destination: { country: 'DE', method: 'sepa', iban: 'DE89370400440532013000' },
    recipient: { name: 'Ada Lovelace' },
  }));
  const bad = Array.from({ length: FAILED_ITEMS }, (_, i) => ({
    ...good[0]!,
    sender_item_id: `typo-${String(i).padStart(3, '0')}`,
    amount: 100,
    destination: BAD_IBAN,
  }));
  const accepted = await api(tokens.backend, 'POST', '/batches', {
    sender_batch_id: `console-batch-${Date.now()}`,
    items: [...good, ...bad],
  });
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
  batchId = accepted.body.batch_id;
  // The fan-out writes the items after the 202: wait until every item has its status and the group its count.
  await until('the batch counts to settle', async () => {
    const read = (await api(tokens.alice, 'GET', `/ops/batches/${batchId}`)).body;
    return (
      read?.counts?.received === undefined &&
      read?.counts?.rejected === FAILED_ITEMS &&
      read?.exceptions?.[0]?.item_count === FAILED_ITEMS
    );
  });
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await twin?.stop();
});

describe('the batch page in Chromium', () => {
  it('from its exception: the breakdown, the owned group paged past 100, the items by status, no retry', async () => {
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    const serverErrors: string[] = [];
    const notFound: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 500) serverErrors.push(`${response.status()} ${response.url()}`);
      if (response.status() === 404) notFound.push(new URL(response.url()).pathname);
    });

    await signInAs(tokens.alice);
    await page.getByRole('link', { name: 'Exceptions', exact: true }).click();
    const link = page.getByRole('link', { name: `Open batch ${batchId}` });
    await until('the exceptions list to show the batch', async () => {
      if ((await link.count()) > 0) return true;
      const alert = (await page.locator('#exc-error').textContent()) ?? '';
      if (alert !== '') throw new Error(`exceptions list refused: ${alert}`);
      return false;
    }).catch(async (error: unknown) => {
      throw new Error(`${String(error)}; list: ${await page.locator('#exc-list').textContent()}; ${consoleErrors}`);
    });
    await link.click();
    await page.locator('#batch-summary').waitFor();
    expect(page.url()).toContain(`#batch/${batchId}`);

    // What is wrong, who owns it, what to do.
    expect(await page.locator('#batch-status').textContent()).toMatch(/processing|completed with failures/);
    expect(await page.locator('#batch-headline').textContent()).toBe(
      `${FAILED_ITEMS} of ${GOOD_ITEMS + FAILED_ITEMS} items failed: ${FAILED_ITEMS} recipient details (owner: tenant).`,
    );
    // Money is written with a no-break space between the code and the amount.
    const summary = ((await page.locator('#batch-summary').textContent()) ?? '').replace(/\u00a0/g, ' ');
    expect(summary).toContain('acme');
    expect(summary).toMatch(new RegExp(`rejected\\s*${FAILED_ITEMS}`));
    expect(summary).toContain('EUR 478.00'); // 3 × 125.00 + 103 × 1.00, from minor units
    const group = page.locator('#batch-groups article.group');
    expect(await group.count()).toBe(1);
    expect(await group.locator('h4').textContent()).toBe(`Recipient details: ${FAILED_ITEMS} item(s)`);
    expect(await group.locator('.advice').textContent()).toContain('only tenant acme can correct them');

    // The group's items: the first 100, then the rest on demand.
    expect(await group.locator('tbody tr').count()).toBe(100);
    expect(await group.locator('.group-shown').textContent()).toBe(`Showing 100 of ${FAILED_ITEMS} items`);
    await group.getByRole('button', { name: 'Load more items' }).click();
    await expect.poll(() => group.locator('tbody tr').count()).toBe(FAILED_ITEMS);
    expect(await group.locator('.group-shown').textContent()).toBe(`Showing ${FAILED_ITEMS} of ${FAILED_ITEMS} items`);
    expect(await group.getByRole('button', { name: 'Load more items' }).isHidden()).toBe(true);
    expect(await group.locator('tbody tr').last().textContent()).toContain(`typo-${FAILED_ITEMS - 1}`);

    // The items, filtered by status.
    await page.locator('#batch-items-status').selectOption('rejected');
    await page.locator('#batch-items-filters').getByRole('button', { name: 'Show items' }).click();
    // The first (unfiltered) page starts with the paid emp-000; the rejected page with typo-000.
    const itemRows = page.locator('#batch-items-list tbody tr');
    await expect.poll(() => itemRows.first().textContent()).toContain('typo-000');
    expect(await itemRows.count()).toBe(50);
    expect(await page.locator('#batch-items-list tbody').textContent()).not.toContain('paid');
    expect(await page.locator('#batch-items-next').isVisible()).toBe(true);

    // Retry is the tenant batch operator's: no button for ops, and the API refuses her anyway.
    expect(await page.locator('#batch-retry-button').count()).toBe(0);
    expect(await page.locator('#batch-retry-note').textContent()).toContain("tenant acme's batch operator");
    expect((await api(tokens.alice, 'POST', `/batches/${batchId}/retry`, {})).status).toBe(403);
    await page.screenshot({ path: join(RESULTS_DIR, 'console-batch.png'), fullPage: true });

    expect(serverErrors).toEqual([]);
    // The overview's GET /reconciliations/latest is 404 before the first run (docs/ops-console.md): not this page's.
    expect(notFound.filter((path) => path !== '/reconciliations/latest')).toEqual([]);
    expect(consoleErrors.filter((text) => !text.includes('404'))).toEqual([]);
  });

  it('by its id in the search box; a malformed id is explained, not sent', async () => {
    await page.goto(`${twin.url}/ops#batch`);
    const view = page.locator('#view-batch');
    await view.getByLabel('Batch id').fill('bat_nope');
    await view.getByRole('button', { name: 'Open batch' }).click();
    await expect.poll(() => page.locator('#batch-error').textContent()).toContain('is not a batch id');
    await view.getByLabel('Batch id').fill(batchId);
    await view.getByRole('button', { name: 'Open batch' }).click();
    await expect.poll(() => page.locator('#batch-summary h3').textContent()).toBe(`Batch ${batchId}`);
  });

  it('finance holds no ops:read: no Batches view, and the route refuses the token', async () => {
    await signInAs(tokens.frank);
    expect(await page.locator('#nav a', { hasText: 'Batches' }).count()).toBe(0);
    expect((await api(tokens.frank, 'GET', `/ops/batches/${batchId}`)).status).toBe(403);
  });
});
