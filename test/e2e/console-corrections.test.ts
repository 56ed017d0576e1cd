// The corrections view in real headless Chromium against the whole twin (issue 10): alice (ops)
// proposes "paid" for a payout whose webhook never comes, with evidence; her own Approve is disabled
// and the server refuses it too; finance does not see the view (nor may call its routes); carol
// (compliance) approves it in the console, and the payout is paid with source operator.
// Screenshots land in test-results/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../local/paths.js';
import { synthesize } from '../../local/template/synth.js';
import { ibanFor } from '../support/sandbox-client.js';
import { launchChromium } from '../support/browser.js';
import { startTwin, type StartedTwin } from '../support/twin.js';

const RESULTS_DIR = join(REPO_ROOT, 'test-results');
const POLL_MS = 250;
const WAIT_MS_MAX = 60_000;
const EVIDENCE = 'stmt_2026-11-20#line-14';

let twin: StartedTwin;
let browser: BrowserContext;
let page: Page;
let payoutId: string;
const tokens: Record<'alice' | 'carol' | 'frank', string> = { alice: '', carol: '', frank: '' };
const savedFaults = process.env['SANDBOX_WEBHOOK_FAULTS'];

async function api<T = any>(
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${twin.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
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
  process.env['SANDBOX_WEBHOOK_FAULTS'] = 'none';
  await synthesize({ onlyIfStale: true });
  twin = await startTwin({ port: 0, fresh: true });
  mkdirSync(RESULTS_DIR, { recursive: true });
  browser = await launchChromium('console-corrections-chromium-', { viewport: { width: 1440, height: 1000 } });
  page = browser.pages()[0] ?? (await browser.newPage());

  // A payout the sandbox takes to in_transit and never settles: its paid webhook never comes.
  const backend = await twin.token({ tenant: 'acme', role: 'backend' });
  const created = await api(
    backend,
    'POST',
    '/payouts',
    {
      amount: 7_700,
      currency: 'EUR',
      destination: { country: 'DE', method: 'sepa', iban: ibanFor('pending') },
      recipient: { name: 'Katherine Johnson' },
    },
    { 'idempotency-key': `console-corrections-${Date.now()}` },
  );
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  payoutId = created.body.payout_id;
  await until(
    'the payout to reach pending',
    async () => (await api(backend, 'GET', `/payouts/${payoutId}`)).body?.status === 'pending',
  );
  tokens.alice = await twin.token({ operator: 'alice', role: 'ops' });
  tokens.carol = await twin.token({ operator: 'carol', role: 'compliance' });
  tokens.frank = await twin.token({ operator: 'frank', role: 'finance' });
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await twin?.stop();
  if (savedFaults === undefined) delete process.env['SANDBOX_WEBHOOK_FAULTS'];
  else process.env['SANDBOX_WEBHOOK_FAULTS'] = savedFaults;
});

describe('corrections view in Chromium', () => {
  it('alice proposes, cannot approve her own; finance sees no view; carol approves and the payout is paid by an operator', async () => {
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    const serverErrors: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 500)
        serverErrors.push(`${response.status()} ${response.request().method()} ${response.url()}`);
    });

    // alice (ops): proposes "paid" from the provider statement.
    await signInAs(tokens.alice);
    await page.getByRole('link', { name: 'Corrections' }).click();
    const view = page.locator('#view-corrections');
    await view.getByLabel('Payout id').fill(payoutId);
    await view.getByLabel('Target status').selectOption('paid');
    await view.getByLabel('Reason').fill('The provider statement of today lists it paid; its webhook never came.');
    await view.getByLabel('Evidence type').selectOption('provider_statement');
    await view.getByLabel('Evidence reference').fill(EVIDENCE);
    await view.getByRole('button', { name: 'Propose correction' }).click();
    const row = page.locator('#corr-list tbody tr').filter({ hasText: payoutId });
    await row.waitFor();
    await expect.poll(() => row.textContent()).toContain(EVIDENCE);
    expect(await row.getByRole('button', { name: /^Approve/ }).isDisabled()).toBe(true);
    await expect.poll(() => row.textContent()).toContain('needs a second operator');
    await page.screenshot({ path: join(RESULTS_DIR, 'console-corrections-proposed.png'), fullPage: true });
    const [proposed] = (await api(tokens.alice, 'GET', `/ops/corrections?payout_id=${payoutId}`)).body.data;
    expect(proposed).toMatchObject({
      state: 'proposed',
      proposed_by: 'alice',
      target_status: 'paid',
      evidence: { reference: EVIDENCE },
    });
    // The server holds four eyes whatever the page shows.
    const self = await api(
      tokens.alice,
      'POST',
      `/ops/corrections/${proposed.correction_id}/approve`,
      {},
      { 'idempotency-key': 'self-approve-1' },
    );
    expect(self).toMatchObject({ status: 403, body: { error: { code: 'self_approval_forbidden' } } });

    // frank (finance): no payouts:correct, so no Corrections view, and its routes refuse him.
    await signInAs(tokens.frank);
    expect(await page.locator('#nav a', { hasText: 'Corrections' }).count()).toBe(0);
    await page.goto(`${twin.url}/ops#corrections`);
    await page.locator('#nav').waitFor();
    expect(await page.locator('#view-corrections').isHidden()).toBe(true);
    expect((await api(tokens.frank, 'GET', '/ops/corrections')).status).toBe(403);

    // carol (compliance): approves it; it is applied at once.
    await signInAs(tokens.carol);
    await page.getByRole('link', { name: 'Corrections' }).click();
    const carolsRow = page.locator('#corr-list tbody tr').filter({ hasText: payoutId });
    await carolsRow.waitFor();
    await carolsRow.getByRole('button', { name: /^Approve/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Note (optional)').fill('Statement line 14 checked against the payout id.');
    await dialog.getByRole('button', { name: 'Approve and apply' }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    // The status line is overwritten by the list's reload right after; the record is what counts.
    const state = await until('the correction to be applied', async () => {
      const alert = (await page.locator('#corr-error').textContent()) ?? '';
      if (alert !== '') return `refused: ${alert} ${serverErrors.join('; ')}`;
      const read = (await api(tokens.carol, 'GET', `/ops/corrections/${proposed.correction_id}`)).body;
      return read.state === 'proposed' ? undefined : String(read.state);
    });
    expect(state).toBe('applied');
    await page.locator('#view-corrections').getByLabel('State').selectOption('applied');
    await page.locator('#corr-filters').getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => page.locator('#corr-list').textContent()).toContain(payoutId);
    await page.screenshot({ path: join(RESULTS_DIR, 'console-corrections-applied.png'), fullPage: true });

    const applied = (await api(tokens.carol, 'GET', `/ops/corrections/${proposed.correction_id}`)).body;
    expect(applied).toMatchObject({
      state: 'applied',
      approved_by: 'carol',
      approval_note: 'Statement line 14 checked against the payout id.',
    });
    const payout = (await api(tokens.alice, 'GET', `/ops/payouts?payout_id=${payoutId}`)).body.data[0];
    expect(payout).toMatchObject({ status: 'paid', status_reason: 'operator_correction' });
    const timeline = (await api(tokens.alice, 'GET', `/ops/payouts/${payoutId}/events`)).body.data;
    expect(timeline.at(-1)).toMatchObject({
      event: 'status_corrected',
      outcome: 'applied',
      from: 'pending',
      to: 'paid',
      source: 'operator',
    });

    expect(serverErrors).toEqual([]);
    expect(consoleErrors.filter((text) => !text.includes('403') && !text.includes('404'))).toEqual([]);
  });
});
