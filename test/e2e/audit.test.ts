// The audit trail on the whole twin: a payout created through the API and moved by the sandbox is
// found by compliance with GET /audit; a tenant's token and an operator without audit:read are
// refused; `npm run audit -- verify` passes the day, then names a record tampered in DynamoDB; and
// the console shows its audit search to compliance only, in headless Chromium.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditChainPk, auditRecordSk } from '../../functions/adapters/audit-items.js';
import { REPO_ROOT } from '../../local/paths.js';
import { ibanFor } from '../support/sandbox-client.js';
import { launchChromium } from '../support/browser.js';
import { startTwin, type StartedTwin } from '../support/twin.js';

const RESULTS_DIR = join(REPO_ROOT, 'test-results');
const POLL_MS = 250;
const WAIT_MS_MAX = 60_000;

let twin: StartedTwin;
let payoutId: string;
let compliance: string;
const today = () => new Date().toISOString().slice(0, 10);

async function api(token: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${twin.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
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

/** `npm run audit -- verify` as a person runs it (async: the twin runs in this process). */
async function auditCli(...args: string[]): Promise<{ status: number | null; json: any; stderr: string }> {
  const child = spawn('npx', ['tsx', 'bin/audit.ts', ...args, '--state-dir', twin.stateDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    json = stdout;
  }
  return { status, json, stderr };
}

beforeAll(async () => {
  twin = await startTwin({ port: 0, fresh: true });
  const backend = await twin.token({ tenant: 'acme', role: 'backend' });
  const created = await api(backend, '/payouts', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `audit-e2e-${Date.now()}` },
    body: JSON.stringify({
      amount: 4_200,
      currency: 'EUR',
      destination: { country: 'DE', method: 'sepa', iban: ibanFor('paid') },
      recipient: { name: 'Grace Hopper' },
    }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  payoutId = created.body.payout_id;
  await until(
    'the payout to be paid',
    async () => (await api(backend, `/payouts/${payoutId}`)).body?.status === 'paid',
  );
  compliance = await twin.token({ operator: 'cora', role: 'compliance' });
}, 400_000);

afterAll(async () => {
  await twin?.stop();
});

describe('GET /audit on the twin', () => {
  it("compliance finds the payout's records: its creation by the tenant, each move by the submitter and the provider", async () => {
    const page = await until('the paid transition in the trail', async () => {
      const answer = await api(compliance, `/audit?subject=${encodeURIComponent(`payout:${payoutId}`)}`);
      return answer.body?.data?.some((r: any) => r.action === 'payout.provider_paid') ? answer : undefined;
    });
    expect(page.status).toBe(200);
    const records = page.body.data as any[];
    expect(records[0]).toMatchObject({
      seq: 1,
      action: 'payout.created',
      actor: { type: 'tenant', role: 'backend', tenant: 'acme' },
      tenant_id: 'acme',
    });
    expect(records.map((r) => r.seq)).toEqual(records.map((_r, i) => i + 1));
    for (let i = 1; i < records.length; i++) expect(records[i].prev_hash).toBe(records[i - 1].hash);
    expect(records.some((r) => r.actor.type === 'provider' && r.actor.id === 'sandbox')).toBe(true);
  });

  it("refuses a tenant's token (403) and an operator without audit:read (403)", async () => {
    const tenant = await api(await twin.token({ tenant: 'acme', role: 'backend' }), '/audit');
    expect(tenant.status).toBe(403);
    const ops = await api(await twin.token({ operator: 'otto', role: 'ops' }), '/audit');
    expect(ops.status).toBe(403);
  });
});

describe('npm run audit -- verify', () => {
  it('passes the day, then names the record tampered in DynamoDB (exit 1)', async () => {
    const clean = await auditCli('verify', '--date', today());
    expect(clean.status, clean.stderr).toBe(0);
    expect(clean.json).toMatchObject({ date: today(), ok: true, first_break: null });
    expect(clean.stderr).toContain('every chain holds');

    const subject = { type: 'payout', id: payoutId } as const;
    await twin.clients.documentClient.send(
      new UpdateCommand({
        TableName: twin.names.tables['AuditTable']!,
        Key: { pk: auditChainPk(subject), sk: auditRecordSk(1) },
        UpdateExpression: 'SET details.amount_minor = :amount',
        ExpressionAttributeValues: { ':amount': 1 },
      }),
    );
    const broken = await auditCli('verify', '--date', today());
    expect(broken.status).toBe(1);
    expect(broken.json.first_break).toMatchObject({ reason: 'hash_mismatch', chain: `payout:${payoutId}`, seq: 1 });
    expect(broken.stderr).toContain(broken.json.first_break.audit_id);

    expect((await auditCli('verify', '--date', 'yesterday')).status).toBe(2);
  });
});

describe('console audit search', () => {
  let browser: BrowserContext;

  beforeAll(async () => {
    mkdirSync(RESULTS_DIR, { recursive: true });
    browser = await launchChromium('console-audit-chromium-', { viewport: { width: 1440, height: 1000 } });
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function signIn(token: string) {
    const page = await browser.newPage();
    await page.goto(`${twin.url}/ops`);
    await page.getByLabel('Bearer token').fill(token);
    await page.getByRole('button', { name: 'Use this token' }).click();
    await page.locator('#nav a').first().waitFor();
    return page;
  }

  it('shows compliance the audit trail and finds the payout by subject', async () => {
    const page = await signIn(compliance);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.getByRole('link', { name: 'Audit trail' }).click();
    const view = page.locator('#view-audit');
    await view.getByLabel('Subject').fill(`payout:${payoutId}`);
    await view.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.locator('#audit-results').textContent()).toContain('payout.created');
    expect(await page.locator('#audit-results').textContent()).toContain('payout.provider_paid');
    await page
      .locator('#audit-results tbody tr')
      .first()
      .getByRole('button', { name: /^Inspect/ })
      .click();
    await expect.poll(() => page.locator('#audit-detail').textContent()).toContain('idempotency_key');
    await page.screenshot({ path: join(RESULTS_DIR, 'console-audit.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('does not show it to ops (no audit:read), and #audit falls back to the overview', async () => {
    const page = await signIn(await twin.token({ operator: 'otto', role: 'ops' }));
    expect(await page.locator('#nav').textContent()).not.toContain('Audit trail');
    await page.goto(`${twin.url}/ops#audit`);
    await page.locator('#nav a').first().waitFor();
    expect(await page.locator('#view-audit').isHidden()).toBe(true);
    expect(await page.locator('#view-overview').isHidden()).toBe(false);
    await page.close();
  });
});
