// The "Before funds move" view in real headless Chromium against the whole twin (issue 15). Three
// payouts are created held: an inline recipient on the SDN fixture list (a compliance screening
// hold, its case in the evidence), a payout through the policy-gated IN/INR/imps corridor for a
// tenant not enabled for it (an ops corridor_enablement hold), and a payout to a recipient whose
// onboarding compliance reopened (a compliance onboarding hold). carol (compliance) sees her queue,
// is refused the screening release (decide the case) and the onboarding release while the review is
// open, verifies the recipient and releases it; the payout goes on to submission. alice (ops) opens
// on the ops queue and is refused the corridor release. Screenshots land in test-results/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../local/paths.js';
import { synthesize } from '../../local/template/synth.js';
import { ibanFor } from '../support/sandbox-client.js';
import { launchChromium } from '../support/browser.js';
import { twinCall, waitUntil } from '../support/twin-http.js';
import { startTwin, type StartedTwin } from '../support/twin.js';

const RESULTS_DIR = join(REPO_ROOT, 'test-results');
const POLL_MS = 250;
const WAIT_MS_MAX = 60_000;
/** On the twin's fixture SDN list (fixtures/screening): screened at create, held for compliance. */
const LISTED_NAME = 'Ivan Petrovich Zarkov';
/** Not in config/tenant-enablements.json, so its IN/INR/imps payouts are held for ops. */
const TENANT = 'acme';
const SEPA = { country: 'DE', method: 'sepa', iban: ibanFor('paid') };
const IMPS = { country: 'IN', method: 'imps', account_number: '123456789012', ifsc: 'HDFC0001234' };

let twin: StartedTwin;
let browser: BrowserContext;
let page: Page;
let backend: string;
const tokens: Record<'alice' | 'carol', string> = { alice: '', carol: '' };
const held: Record<'screening' | 'corridor' | 'onboarding', string> = { screening: '', corridor: '', onboarding: '' };
let recipientId: string;
let screeningCaseId: string;
const savedFaults = process.env['SANDBOX_WEBHOOK_FAULTS'];

const api = (token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  twinCall(twin.url, method, path, token, body, headers);

const until = <T>(what: string, probe: () => Promise<T | undefined | false>) =>
  waitUntil(what, probe, { waitMsMax: WAIT_MS_MAX, pollMs: POLL_MS });

async function createPayout(key: string, body: Record<string, unknown>): Promise<any> {
  const created = await api(backend, 'POST', '/payouts', body, { 'idempotency-key': `console-holds-${key}` });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body;
}

async function onboarding(decision: 'reopen' | 'verify', reason: string): Promise<void> {
  const decided = await api(tokens.carol, 'POST', `/ops/recipients/${recipientId}/onboarding`, {
    tenant_id: TENANT,
    decision,
    reason,
  });
  expect(decided.status, JSON.stringify(decided.body)).toBe(200);
}

async function signInAs(token: string): Promise<void> {
  await page.goto(`${twin.url}/ops`);
  if (await page.locator('#signout').isVisible()) await page.locator('#signout').click();
  await page.getByLabel('Bearer token').fill(token);
  await page.getByRole('button', { name: 'Use this token' }).click();
  await page.locator('#nav').waitFor();
}

const holdRow = (payoutId: string) => page.locator('#holds-list tbody tr').filter({ hasText: payoutId });

/** Release… on the row, a reason, confirm: the dialog closes whatever the server answers. */
async function release(payoutId: string, reason: string): Promise<void> {
  await holdRow(payoutId)
    .getByRole('button', { name: /^Release hold/ })
    .click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Reason').fill(reason);
  await dialog.getByRole('button', { name: 'Release hold' }).click();
  await dialog.waitFor({ state: 'hidden' });
}

beforeAll(async () => {
  process.env['SANDBOX_WEBHOOK_FAULTS'] = 'none';
  await synthesize({ onlyIfStale: true });
  twin = await startTwin({ port: 0, fresh: true });
  mkdirSync(RESULTS_DIR, { recursive: true });
  browser = await launchChromium('console-holds-chromium-', { viewport: { width: 1600, height: 1000 } });
  page = browser.pages()[0] ?? (await browser.newPage());
  backend = await twin.token({ tenant: TENANT, role: 'backend' });
  tokens.alice = await twin.token({ operator: 'alice', role: 'ops' });
  tokens.carol = await twin.token({ operator: 'carol', role: 'compliance' });

  const hit = await createPayout('screening', {
    amount: 7_000,
    currency: 'EUR',
    destination: SEPA,
    recipient: { name: LISTED_NAME },
  });
  held.screening = hit.payout_id;
  const screeningHold = hit.holds.find((hold: { kind: string }) => hold.kind === 'screening');
  expect(screeningHold, JSON.stringify(hit.holds)).toMatchObject({ owner: 'compliance' });
  screeningCaseId = String(screeningHold.evidence.case_id);

  const corridor = await createPayout('corridor', {
    amount: 5_000,
    currency: 'INR',
    destination: IMPS,
    recipient: { name: 'Raman Iyer' },
  });
  held.corridor = corridor.payout_id;
  // INR has no approval threshold (config/approval-policy.json): it awaits four eyes too, on the
  // approver's queue (the payouts in requires_approval), not on the ops queue.
  expect(corridor.holds).toEqual([
    expect.objectContaining({ kind: 'approval', owner: 'approver' }),
    expect.objectContaining({ kind: 'corridor_enablement', owner: 'ops' }),
  ]);

  // A recipient record (created, screened clear and verified by its first payout), which compliance
  // then reopens for review: the next payout to it is held for compliance's onboarding review.
  const first = await createPayout('first', {
    amount: 1_000,
    currency: 'EUR',
    destination: SEPA,
    recipient: { name: 'Grace Hopper' },
  });
  recipientId = first.recipient_id;
  expect(recipientId, JSON.stringify(first)).toBeTruthy();
  await onboarding('reopen', 'New address documents to check');
  const review = await createPayout('onboarding', {
    amount: 5_000,
    currency: 'EUR',
    destination: SEPA,
    recipient_id: recipientId,
  });
  held.onboarding = review.payout_id;
  expect(review.holds).toEqual([expect.objectContaining({ kind: 'onboarding', owner: 'compliance' })]);
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await twin?.stop();
  if (savedFaults === undefined) delete process.env['SANDBOX_WEBHOOK_FAULTS'];
  else process.env['SANDBOX_WEBHOOK_FAULTS'] = savedFaults;
});

describe('"Before funds move" view in Chromium', () => {
  it('carol is refused the screening and the open-review releases, then releases the verified one; alice is refused the corridor', async () => {
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    const serverErrors: string[] = [];
    /** The queue reads must never fail; other views' reads may (compliance has no ops:read). */
    const queueRefusals: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 500)
        serverErrors.push(`${response.status()} ${response.request().method()} ${response.url()}`);
      if (response.status() >= 400 && new URL(response.url()).pathname === '/ops/holds')
        queueRefusals.push(`${response.status()} ${response.url()}`);
    });
    const alert = page.locator('#holds-error');

    // carol (compliance): her own role's queue first, both of compliance's holds on it.
    await signInAs(tokens.carol);
    await page.getByRole('link', { name: 'Before funds move' }).click();
    expect(await page.locator('#holds-owner').inputValue()).toBe('compliance');
    await holdRow(held.screening).waitFor();
    await holdRow(held.onboarding).waitFor();
    expect(await holdRow(held.corridor).count()).toBe(0);
    const screeningText = (await holdRow(held.screening).textContent()) ?? '';
    expect(screeningText).toContain(`screening_case:${screeningCaseId}`);
    expect(screeningText).toContain(`case id: ${screeningCaseId}`); // the evidence, name and value
    expect(screeningText).toContain(TENANT);
    // carol reads no payouts (no ops:read): the id is shown, not linked.
    expect(
      await holdRow(held.screening)
        .getByRole('link', { name: /^Open payout/ })
        .count(),
    ).toBe(0);
    await page.screenshot({ path: join(RESULTS_DIR, 'console-holds-compliance.png'), fullPage: true });

    // A screening hold is its case's to decide: refused, with the case to decide instead.
    await release(held.screening, 'Looked at it, not the listed person');
    await expect.poll(() => alert.textContent()).toContain('screening_hold_released_by_decision');
    expect(await alert.textContent()).toContain('HTTP 409');
    expect(await alert.getByRole('link', { name: new RegExp(screeningCaseId) }).count()).toBe(1);
    await page.screenshot({ path: join(RESULTS_DIR, 'console-holds-screening-refused.png'), fullPage: true });

    // The onboarding review is still open: refused until the recipient is verified.
    await release(held.onboarding, 'Documents checked');
    await expect.poll(() => alert.textContent()).toContain('hold_requirement_unmet');
    expect(await alert.textContent()).toContain('HTTP 422');
    expect(await holdRow(held.onboarding).count()).toBe(1);

    // Verified, the same release goes through: the row leaves the queue and the payout is submitted.
    await onboarding('verify', 'New address documents checked');
    await release(held.onboarding, 'Onboarding review finished: recipient verified');
    await until('the onboarding hold to leave the queue', async () => (await holdRow(held.onboarding).count()) === 0);
    expect(await alert.isHidden()).toBe(true);
    expect(await holdRow(held.screening).count()).toBe(1);
    const released = (await api(backend, 'GET', `/payouts/${held.onboarding}`)).body;
    expect(released.holds).toEqual([
      expect.objectContaining({ kind: 'onboarding', released_by: 'operator:carol', released_at: expect.any(String) }),
    ]);
    await until('the released payout to leave submitted', async () => {
      const status = (await api(backend, 'GET', `/payouts/${held.onboarding}`)).body.status;
      return status !== 'submitted' && status;
    });
    // The screening payout is still before its provider: nothing but the case's decision releases it.
    expect((await api(backend, 'GET', `/payouts/${held.screening}`)).body.holds).toEqual([
      expect.objectContaining({ kind: 'screening', released_at: null }),
    ]);

    // alice (ops): the ops queue by default, the corridor hold refused until the tenant is enabled.
    await signInAs(tokens.alice);
    await page.getByRole('link', { name: 'Before funds move' }).click();
    expect(await page.locator('#holds-owner').inputValue()).toBe('ops');
    await holdRow(held.corridor).waitFor();
    // alice reads payouts (ops:read): the payout id opens its timeline, and back.
    await holdRow(held.corridor)
      .getByRole('link', { name: `Open payout ${held.corridor}` })
      .click();
    await expect.poll(() => page.locator('#lookup-result').textContent()).toContain(`Payout ${held.corridor}`);
    await page.getByRole('link', { name: 'Before funds move' }).click();
    await holdRow(held.corridor).waitFor();
    expect(await holdRow(held.corridor).textContent()).toContain('corridor_enablement:IN/INR/imps');
    await release(held.corridor, 'Provider says the account is enabled');
    await expect.poll(() => alert.textContent()).toContain('hold_requirement_unmet');
    expect(await alert.textContent()).toContain('config/tenant-enablements.json');
    await page.screenshot({ path: join(RESULTS_DIR, 'console-holds-corridor-refused.png'), fullPage: true });
    expect((await api(backend, 'GET', `/payouts/${held.corridor}`)).body.holds).toContainEqual(
      expect.objectContaining({ kind: 'corridor_enablement', released_at: null }),
    );

    // An owner with nothing open says so.
    await page.locator('#holds-owner').selectOption('tenant');
    await page.locator('#holds-filters').getByRole('button', { name: 'Show holds' }).click();
    await expect.poll(() => page.locator('#holds-list').textContent()).toContain('No open holds for Tenant');

    expect(serverErrors).toEqual([]);
    expect(queueRefusals).toEqual([]);
    // The refusals shown above (409, 422) and other views' reads the token may not make (403).
    expect(consoleErrors.filter((text) => !/status of (403|404|409|422)/.test(text))).toEqual([]);
  });
});
