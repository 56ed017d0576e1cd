// The console's guard rails in Chromium, against a stand-in for the ops API (docs/ops-api.md):
// "Redrive all" asks for the count to be typed, Escape cancels with nothing moved and focus back
// on the button, and replay runs a dry run before anything is enqueued. Keyboard only.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageConfig, renderPage } from '../../functions/handlers/ops-console';
import { launchChromium } from '../support/browser.js';

const TOKEN = `${Buffer.from('{}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'op', principal_type: 'operator', principal_role: 'ops', scope: 'payout-platform/ops:read payout-platform/ops:redrive' })).toString('base64url')}.sig`;

let server: Server;
let url: string;
let browser: BrowserContext;
let page: Page;
let dlq = ['m1', 'm2', 'm3'].map((id) => ({
  message_id: id,
  queue: 'webhook',
  provider: 'sandbox',
  provider_event_id: `evt_${id}`,
  event_type: 'payout.paid',
  payout_id: `po_${id}`,
  error_category: 'payout_not_found',
  receive_count: 5,
  age_seconds: 60,
  payload: {},
}));
const calls: Array<{ path: string; body: Record<string, unknown> }> = [];

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path === '/ops') {
      const { html, csp } = renderPage(pageConfig({ STAGE: 'test' }));
      return void response
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp })
        .end(html);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
    if (request.method === 'POST') calls.push({ path, body });
    const send = (answer: unknown) =>
      void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    if (path === '/ops/queues')
      return send({
        data: [
          { queue: 'webhook', role: 'dlq', visible: dlq.length, in_flight: 0, delayed: 0, oldest_age_seconds: 60 },
        ],
      });
    if (path === '/ops/dlq') return send({ data: dlq });
    if (path === '/ops/dlq/redrive') {
      const matched = dlq;
      if (!body['dry_run']) dlq = [];
      return send({
        dry_run: body['dry_run'],
        matched: matched.length,
        moved: body['dry_run'] ? 0 : matched.length,
        messages: matched,
        truncated: false,
      });
    }
    if (path === '/ops/replay')
      return send({
        dry_run: body['dry_run'],
        matched: 2,
        enqueued: body['dry_run'] ? 0 : 2,
        events: [{ event_id: 'sandbox#evt_a' }, { event_id: 'sandbox#evt_b' }],
        truncated: false,
      });
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium('console-chromium-');
  page = browser.pages()[0] ?? (await browser.newPage());
  await page.goto(`${url}/ops#dlq`);
  await page.getByLabel('Bearer token').fill(TOKEN);
  await page.getByLabel('Bearer token').press('Tab');
  await page.keyboard.press('Enter'); // "Use this token", reached by keyboard
  await page.locator('#dlq-list tbody tr').first().waitFor();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server.close(resolve));
});

describe('ops console confirmations', () => {
  it('redrive all: dry run, Escape cancels with nothing moved, then the typed count confirms', async () => {
    await page.getByRole('button', { name: 'Redrive all…' }).focus();
    await page.keyboard.press('Enter');
    const go = page.getByRole('button', { name: 'Redrive 3 messages…' });
    await go.waitFor();
    expect(calls).toEqual([{ path: '/ops/dlq/redrive', body: { queue: 'webhook', all: true, dry_run: true } }]);

    await go.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Redrive 3 messages…');
    expect(calls).toHaveLength(1); // cancelled: nothing sent

    await page.keyboard.press('Enter');
    await dialog.waitFor();
    const confirm = dialog.getByRole('button', { name: 'Redrive now' });
    expect(await confirm.isDisabled()).toBe(true);
    await page.keyboard.type('2'); // focus starts in the count field
    expect(await confirm.isDisabled()).toBe(true);
    await page.keyboard.press('Backspace');
    await page.keyboard.type('3');
    expect(await confirm.isDisabled()).toBe(false);
    await confirm.click();
    await page.locator('#dlq-redrive .done').waitFor();
    expect(await page.locator('#dlq-redrive .done').textContent()).toBe('Redriven: 3 messages.');
    expect(calls[1]).toEqual({ path: '/ops/dlq/redrive', body: { queue: 'webhook', all: true, dry_run: false } });
    await page.locator('#dlq-list .empty').waitFor();
  });

  it('replay: dry run by event ids, then confirm', async () => {
    calls.length = 0;
    await page.getByRole('link', { name: 'Replay' }).click();
    await page.getByLabel('Event ids').fill('sandbox#evt_a, sandbox#evt_b');
    await page.getByRole('button', { name: 'Dry run replay' }).click();
    await page.getByRole('button', { name: 'Replay 2 stored events…' }).click();
    await page.getByLabel('Type 2 to confirm').fill('2');
    await page.getByRole('dialog').getByRole('button', { name: 'Replay now' }).click();
    await page.locator('#replay-flow .done').waitFor();
    expect(calls).toEqual([
      { path: '/ops/replay', body: { event_ids: ['sandbox#evt_a', 'sandbox#evt_b'], dry_run: true } },
      { path: '/ops/replay', body: { event_ids: ['sandbox#evt_a', 'sandbox#evt_b'], dry_run: false } },
    ]);
  });
});
