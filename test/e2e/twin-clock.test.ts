// The twin's clock on the real template: after POST /.twin/clock/advance, the platform's own
// functions live in the new time (a payout created now is created on the later day), and the
// sandbox provider moves with it — its webhooks, signed with the twin's time, are still accepted by
// the intake (which checks their timestamp against its own clock), so the payout gets paid.
import { ulid } from 'ulidx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceSandboxClock } from '../../local/sandbox/client.js';
import { startTwin, type StartedTwin } from '../support/twin.js';

const ADVANCE_SECONDS = 2 * 86_400;
/** docs/sandbox-provider.md: the default test IBAN, paid after accepted → in_transit. */
const PAID_IBAN = 'DE89370400440532013000';
/** The sandbox moves one state every 5 s on its clock. */
const SANDBOX_STEP_SECONDS = 30;
const PAID_WAIT_MS_MAX = 60_000;
const POLL_MS = 500;

let twin: StartedTwin;
let token: string;

beforeAll(async () => {
  twin = await startTwin({ port: 0, fresh: true });
  token = await twin.token({ tenant: 'clock', role: 'backend', scopes: ['payouts:write', 'payouts:read'] });
});

afterAll(async () => {
  await twin?.stop();
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const init = {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
  };
  const withBody = body === undefined ? init : { ...init, body: JSON.stringify(body) };
  const response = await fetch(`${twin.url}${path}`, withBody);
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('the twin clock on the real template', () => {
  it('a payout created after an advance is created on the later day and paid through signed webhooks', async () => {
    const realDay = new Date().toISOString().slice(0, 10);
    const advanced = await call('POST', '/.twin/clock/advance', { seconds: ADVANCE_SECONDS });
    expect(advanced.status).toBe(200);
    const twinDay = String(advanced.body['now']).slice(0, 10);
    expect(twinDay > realDay).toBe(true);

    const destination = { country: 'DE', method: 'sepa', iban: PAID_IBAN };
    const recipient = { name: 'Clock Recipient' };
    const payout = { amount: 1_000, currency: 'EUR', destination, recipient, description: 'twin clock' };
    const created = await call('POST', '/payouts', payout, { 'idempotency-key': `clock-${ulid()}` });
    expect(created.status).toBe(201);
    expect(String(created.body['created_at']).slice(0, 10)).toBe(twinDay);

    let status = '';
    for (const deadline = Date.now() + PAID_WAIT_MS_MAX; Date.now() < deadline && status !== 'paid';) {
      await advanceSandboxClock(twin.twin.sandboxProviderUrl, SANDBOX_STEP_SECONDS);
      await new Promise((resolveLater) => setTimeout(resolveLater, POLL_MS));
      status = String((await call('GET', `/payouts/${created.body['payout_id']}`)).body['status']);
    }
    expect(status).toBe('paid');
  });
});
