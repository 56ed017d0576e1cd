// The ops console in real headless Chromium against the whole twin: sign in, see the queues, filter
// the DLQ, inspect a dead-lettered webhook, dry-run then redrive it with a confirmation, and see it
// processed (DLQ empty, payout paid, exception resolved). Screenshots land in test-results/.
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InboxRepository } from '../../functions/adapters/inbox-repository.js';
import { CachedWebhookSecrets } from '../../functions/adapters/webhook-secrets.js';
import { WebhookQueue } from '../../functions/adapters/webhook-queue.js';
import { intakeWebhook } from '../../functions/app/webhooks/intake.js';
import { REPO_ROOT } from '../../local/paths.js';
import { loadSandboxSecret } from '../../local/sandbox/webhook-emitter.js';
import { signStandardWebhook } from '../../local/sandbox/webhook-signer.js';
import { synthesize } from '../../local/template/synth.js';
import { ibanFor } from '../support/sandbox-client.js';
import { launchChromium } from '../support/browser.js';
import { startTwin, type StartedTwin } from '../support/twin.js';

const RESULTS_DIR = join(REPO_ROOT, 'test-results');
/** The platform's on-call operator, not the payout's tenant: no payouts:read, the timeline uses /ops/payouts. */
const OPERATOR = { operator: 'console-e2e', role: 'ops' } as const;
const POLL_MS = 250;
const WAIT_MS_MAX = 60_000;
const VIEWPORT = { width: 1440, height: 1000 };

let twin: StartedTwin;
let browser: BrowserContext;
let page: Page;
let payoutId: string;
let providerReference: string;
let operatorToken: string;
let tenantReader: string;
const poisonEventId = `evt_console_e2e_${Date.now()}`;
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

/**
 * A sandbox `payout.paid` event that went through the real intake code (signature verified, raw
 * body in the inbox) but whose queue message is already in the WebhookDlq — what maxReceiveCount
 * failures leave behind, without waiting 5 × the 180 s visibility timeout.
 */
async function forcePoisonIntoDlq(
  eventId: string,
  payout: { payoutId: string; providerReference: string },
): Promise<void> {
  const body = JSON.stringify({
    id: eventId,
    type: 'payout.paid',
    timestamp: new Date().toISOString(),
    data: {
      payout_id: payout.payoutId,
      provider_reference: payout.providerReference,
      status: 'paid',
      previous_status: 'in_transit',
      amount: 4_200,
      currency: 'EUR',
      fee_minor: 11,
    },
  });
  const headers = signStandardWebhook(loadSandboxSecret(), eventId, Date.now() / 1000, body);
  const { documentClient, s3, sqs } = twin.clients;
  const result = await intakeWebhook(
    {
      secrets: new CachedWebhookSecrets(() =>
        readFile(join(REPO_ROOT, 'config', 'webhook-secrets.local.json'), 'utf8'),
      ),
      inbox: new InboxRepository(
        documentClient,
        twin.names.tables['InboxTable']!,
        s3,
        twin.names.buckets['EvidenceBucket']!,
      ),
      queue: new WebhookQueue(sqs, twin.names.queueUrls['WebhookDlq']!),
      countRejection: () => undefined,
      nowMs: () => Date.now(),
    },
    {
      provider: 'sandbox',
      headers: { ...headers, 'content-type': 'application/json' },
      rawBody: new TextEncoder().encode(body),
      requestId: 'console-e2e-poison',
    },
  );
  expect(result.statusCode, result.body).toBe(202);
}

beforeAll(async () => {
  // Webhook faults off: this suite is about the console, and the payout must rest in `pending`.
  process.env['SANDBOX_WEBHOOK_FAULTS'] = 'none';
  await synthesize({ onlyIfStale: true });
  twin = await startTwin({ port: 0, fresh: true });
  mkdirSync(RESULTS_DIR, { recursive: true });
  browser = await launchChromium('console-chromium-', { viewport: VIEWPORT });
  page = browser.pages()[0] ?? (await browser.newPage());

  // A payout that the sandbox takes to in_transit and never settles (the `pending` trigger).
  const client = await twin.token({ tenant: 'acme', role: 'backend', scopes: ['payouts:write', 'payouts:read'] });
  const created = await api(
    client,
    'POST',
    '/payouts',
    {
      amount: 4_200,
      currency: 'EUR',
      destination: { country: 'DE', method: 'sepa', iban: ibanFor('pending') },
      recipient: { name: 'Grace Hopper' },
    },
    { 'idempotency-key': `console-e2e-${Date.now()}` },
  );
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  payoutId = created.body.payout_id;
  const pending = await until('the payout to reach pending', async () => {
    const read = await api(client, 'GET', `/payouts/${payoutId}`);
    return read.body?.status === 'pending' ? read.body : undefined;
  });
  providerReference = pending.provider_reference;
  tenantReader = client;
  operatorToken = await twin.token(OPERATOR);
  await forcePoisonIntoDlq(poisonEventId, { payoutId, providerReference });
  // The sweeper turns DLQ messages into owned exceptions.
  expect((await twin.runSchedule('sweep')).ok).toBe(true);
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await twin?.stop();
  if (savedFaults === undefined) delete process.env['SANDBOX_WEBHOOK_FAULTS'];
  else process.env['SANDBOX_WEBHOOK_FAULTS'] = savedFaults;
});

describe('ops console in Chromium', () => {
  it('signs in, filters the DLQ, redrives one message after a dry run and a confirmation, and sees it processed', async () => {
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));

    await page.goto(`${twin.url}/ops`);
    await expect.poll(() => page.title()).toContain('Payout ops');
    // Sign in with a token from the twin's issuer (what `npm run token` prints), pasted.
    await page.getByLabel('Bearer token').fill(operatorToken);
    await page.getByRole('button', { name: 'Use this token' }).click();

    // Overview: the webhook DLQ shows one message; no reconciliation has run on this fresh twin.
    const depths = page.locator('#queue-depths table');
    await depths.waitFor();
    await expect
      .poll(() => page.locator('#reconciliation-panel').textContent())
      .toContain('No reconciliation run yet.');
    await expect.poll(() => page.locator('#status').textContent()).toContain('message(s) in dead-letter queues');

    // DLQ: filter, find the message, inspect its payload and errors.
    await page.getByRole('link', { name: 'Dead-letter queue' }).click();
    const dlqView = page.locator('#view-dlq');
    await dlqView.getByLabel('Provider').fill('sandbox');
    await dlqView.getByLabel('Event type').fill('payout.paid');
    await dlqView.getByRole('button', { name: 'Apply filters' }).click();
    const row = page.locator('#dlq-list tbody tr').filter({ hasText: payoutId });
    await row.waitFor();
    expect(await page.locator('#dlq-list tbody tr').count()).toBe(1);
    await row.getByRole('button', { name: /^Inspect/ }).click();
    await expect.poll(() => page.locator('#dlq-detail .payload').textContent()).toContain(poisonEventId);

    // Dry run first: nothing moves, the count is shown.
    await dlqView.getByRole('button', { name: 'Redrive this message…' }).click();
    await expect
      .poll(() => page.locator('#dlq-redrive .dry-run-summary').textContent())
      .toContain('1 message would be redriven');
    await page.screenshot({ path: join(RESULTS_DIR, 'console.png'), fullPage: true });
    const stillThere = await api(operatorToken, 'GET', '/ops/dlq?queue=webhook');
    expect(stillThere.body.data).toHaveLength(1);

    // Then the real redrive, behind an explicit confirmation.
    await dlqView.getByRole('button', { name: 'Redrive 1 message…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Redrive now' }).click();
    await expect.poll(() => page.locator('#dlq-redrive').textContent()).toContain('Redriven: 1 message');

    // Processed: DLQ empty, payout paid, its dead-letter exception resolved.
    await until(
      'the DLQ to empty',
      async () => (await api(operatorToken, 'GET', '/ops/dlq?queue=webhook')).body.data.length === 0,
    );
    await until(
      'the payout to be paid',
      async () =>
        (await api(operatorToken, 'GET', `/ops/payouts?payout_id=${payoutId}`)).body.data[0]?.status === 'paid',
    );
    await dlqView.getByRole('button', { name: 'Apply filters' }).click();
    await page.locator('#dlq-list .empty').waitFor();

    // The operator (role ops, no tenant) finds acme's payout through the audited operator routes.
    await page.getByRole('link', { name: 'Payout timeline' }).click();
    await page.locator('#view-payout').getByLabel('Value').fill(payoutId);
    await page.getByRole('button', { name: 'Show timeline' }).click();
    await expect.poll(() => page.locator('#lookup-result').textContent()).toContain(poisonEventId);
    expect(await page.locator('#lookup-result dl').textContent()).toContain('paid');
    expect(await page.locator('#lookup-result h3').textContent()).toContain('tenant acme');
    await page.locator('#view-payout').getByLabel('Look up by').selectOption('provider_reference');
    await page.locator('#view-payout').getByLabel('Value').fill(providerReference);
    await page.getByRole('button', { name: 'Show timeline' }).click();
    await expect.poll(() => page.locator('#lookup-result h3').textContent()).toContain(payoutId);
    // The scopes hold on the twin: a tenant's payouts:read token cannot use the operator routes,
    // and the operator token (no payouts:read) cannot use the tenant routes.
    expect((await api(tenantReader, 'GET', `/ops/payouts?payout_id=${payoutId}`)).status).toBe(403);
    expect((await api(tenantReader, 'GET', `/ops/payouts/${payoutId}/events`)).status).toBe(403);
    expect((await api(operatorToken, 'GET', `/payouts/${payoutId}`)).status).toBe(403);
    await page.screenshot({ path: join(RESULTS_DIR, 'console-timeline.png'), fullPage: true });

    await until('the dead-letter exception to be resolved', async () =>
      (await api(operatorToken, 'GET', '/exceptions?state=resolved&category=webhook_dead_lettered')).body.data.some(
        (e: { payout_id?: string }) => e.payout_id === payoutId,
      ),
    );
    await page.getByRole('link', { name: 'Exceptions' }).click();
    const exceptionsView = page.locator('#view-exceptions');
    await exceptionsView.getByLabel('State').selectOption('resolved');
    await exceptionsView.getByLabel('Category').selectOption('webhook_dead_lettered');
    await exceptionsView.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => page.locator('#exc-list').textContent()).toContain(payoutId);

    // A second dead letter, for a payout we never had: assign it, then resolve it, each with a note.
    const strayEventId = `${poisonEventId}_stray`;
    await forcePoisonIntoDlq(strayEventId, {
      payoutId: 'po_never_created_console_e2e',
      providerReference: 'sbx_po_unknown',
    });
    expect((await twin.runSchedule('sweep')).ok).toBe(true);
    await exceptionsView.getByLabel('State').selectOption('open');
    await exceptionsView.getByRole('button', { name: 'Apply filters' }).click();
    const stray = page.locator('#exc-list tbody tr').filter({ hasText: 'po_never_created_console_e2e' });
    await stray.waitFor();
    await stray.getByRole('button', { name: /^Assign/ }).click();
    await page.getByRole('dialog').getByLabel('Assignee (optional)').fill('night-shift');
    await page.getByRole('dialog').getByLabel('Note').fill('Looking into the unknown payout id with the provider.');
    await page.getByRole('dialog').getByRole('button', { name: 'Assign' }).click();
    // The dialog closes on submit, before the assign call has answered: a list fetched right away
    // can predate the write, so keep applying the filter until the assignment shows.
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await exceptionsView.getByLabel('State').selectOption('assigned');
    await expect
      .poll(async () => {
        await exceptionsView.getByRole('button', { name: 'Apply filters' }).click();
        return page.locator('#exc-list').textContent();
      })
      .toContain('night-shift');
    await page.screenshot({ path: join(RESULTS_DIR, 'console-exceptions.png'), fullPage: true });
    await page
      .locator('#exc-list tbody tr')
      .filter({ hasText: 'po_never_created_console_e2e' })
      .getByRole('button', { name: /^Resolve/ })
      .click();
    await page
      .getByRole('dialog')
      .getByLabel('Resolution note')
      .fill('Test event from the provider sandbox; no payout of ours. Discarded.');
    await page.getByRole('dialog').getByRole('button', { name: 'Resolve' }).click();
    const strayException = await until('the stray exception to be resolved', async () =>
      (await api(operatorToken, 'GET', '/exceptions?state=resolved')).body.data.find(
        (e: { payout_id?: string }) => e.payout_id === 'po_never_created_console_e2e',
      ),
    );
    expect(strayException.resolution.note).toContain('Discarded');

    expect(consoleErrors.filter((text) => !text.includes('404'))).toEqual([]);
  });
});
