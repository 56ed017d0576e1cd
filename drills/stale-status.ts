// Drill: a stale status read (DESIGN §6, issue 11 §2). The sandbox holds back its webhooks
// (POST /v1/test/webhooks/hold), pays the payout, and tells us nothing: our API still says
// `accepted`. The read must be honest about it — GET /lifecycle marks `accepted` as awaiting the
// provider (confirmation is still asynchronous) and, where the API carries reader copy
// (`status_copy`), says so in words. The sweeper does not re-ask before the corridor's threshold
// (functions/domain/staleness.ts: Faster Payments, 1 h), then re-asks the provider once the twin's
// clock is past it, and the payout converges to `paid`. The held webhooks are then delivered late
// and change nothing: `provider_paid` is applied once.
//
//   npm run drill -- stale-status       (moves the twin's clock forward by a little over an hour)
import { setTimeout as sleep } from 'node:timers/promises';
import { ulid } from 'ulidx';
import { STALE_AFTER_SECONDS_BY_CORRIDOR, corridorKey } from '../functions/domain/staleness.js';
import { advanceSandboxClock, holdSandboxWebhooks, sandboxPayoutsFor } from '../local/sandbox/client.js';
import { advanceTwinClock, attach, connectTwin, report, runDrill } from './_twin.js';

const TENANT = 'drill';
const COUNTRY = 'GB';
const CURRENCY = 'GBP';
/** docs/sandbox-provider.md: the `paid` trigger's GB account (accepted → in_transit → paid). */
const PAID_ACCOUNT = { sort_code: '601613', account_number: '11111100' };
const STALE_AFTER_SECONDS = STALE_AFTER_SECONDS_BY_CORRIDOR[corridorKey(COUNTRY, CURRENCY)]!;
/** Past the threshold by this much, so no reading of the clock lands on its edge. */
const CLOCK_MARGIN_SECONDS = 120;
/** The sandbox moves one state every 5 s on its clock; this is past accepted → in_transit → paid. */
const SANDBOX_ADVANCE_SECONDS = 30;
const WAIT_MS_MAX = 60_000;
const POLL_MS = 500;
/** A second application of a late webhook, if there were one, would show within this. */
const LATE_DELIVERY_SETTLE_MS = 3_000;

const log = (line: string) => console.log(`• ${line}`);

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (const deadline = Date.now() + WAIT_MS_MAX; !done(value) && Date.now() < deadline; await sleep(POLL_MS))
    value = await read();
  return value;
}

async function main(): Promise<boolean> {
  const twin = await connectTwin(log);
  let held = false;
  try {
    const tenantHeaders = async () => ({
      authorization: `Bearer ${await twin.token({ tenant: TENANT, role: 'backend' })}`,
      'content-type': 'application/json',
    });
    let headers = await tenantHeaders();
    const getJson = async (path: string) =>
      (await (await fetch(`${twin.url}${path}`, { headers })).json()) as Record<string, any>;
    log('POST /v1/test/webhooks/hold {"held":true}: the sandbox keeps every webhook back from now on');
    held = (await holdSandboxWebhooks(twin.sandboxProviderUrl, true)).held;

    log(`POST /payouts: 4,200 ${CURRENCY} minor units by Faster Payments (sandbox trigger paid)`);
    const created = await fetch(`${twin.url}/payouts`, {
      method: 'POST',
      headers: { ...headers, 'idempotency-key': `drill-stale-${ulid()}` },
      body: JSON.stringify({
        amount: 4_200,
        currency: CURRENCY,
        destination: { country: COUNTRY, method: 'faster_payments', ...PAID_ACCOUNT },
        recipient: { name: 'Drill Recipient' },
        description: 'stale-status drill',
      }),
    });
    const payoutId = String(((await created.json()) as Record<string, unknown>)['payout_id']);
    log(`  → ${created.status}, payout ${payoutId}; waiting for the submission answer (accepted)`);
    const accepted = await waitFor(
      () => getJson(`/payouts/${payoutId}`),
      (p) => p['status'] !== 'submitted',
    );

    log(`POST /v1/test/advance {"seconds":${SANDBOX_ADVANCE_SECONDS}}: the sandbox pays it; no webhook leaves`);
    await advanceSandboxClock(twin.sandboxProviderUrl, SANDBOX_ADVANCE_SECONDS);
    const atProvider = (await sandboxPayoutsFor(twin.sandboxProviderUrl, payoutId))[0];
    await sleep(LATE_DELIVERY_SETTLE_MS);
    const stale = await getJson(`/payouts/${payoutId}`);
    const lifecycle = await getJson('/lifecycle');
    const lifecycleEntry = (lifecycle['statuses'] as Array<Record<string, unknown>>).find(
      (s) => s['status'] === stale['status'],
    );
    log(`  → the provider says ${atProvider?.status}; GET /payouts/${payoutId} says ${stale['status']}`);
    log(`  → GET /lifecycle on ${stale['status']}: ${JSON.stringify(lifecycleEntry)}`);
    // Reader copy, where the API has it (issue 11 §3): keyed by field name, so it is checked once it lands.
    const copies = [stale['status_copy'], lifecycleEntry?.['status_copy']].filter((c) => c !== undefined);
    for (const copy of copies) log(`  → status_copy: ${JSON.stringify(copy)}`);

    log(`POST /.twin/schedules/sweep/run before the ${STALE_AFTER_SECONDS}s threshold: the sweeper still waits`);
    const earlySweep = await fetch(`${twin.url}/.twin/schedules/sweep/run`, { method: 'POST' });
    const afterEarlySweep = await getJson(`/payouts/${payoutId}`);

    const advanceSeconds = STALE_AFTER_SECONDS + CLOCK_MARGIN_SECONDS;
    log(`POST /.twin/clock/advance {"seconds":${advanceSeconds}}: past the corridor's staleness threshold`);
    await advanceTwinClock(twin.url, advanceSeconds);
    headers = await tenantHeaders(); // the clock moved past the first token's lifetime
    log('POST /.twin/schedules/sweep/run: the sweeper re-asks the provider');
    const sweep = await fetch(`${twin.url}/.twin/schedules/sweep/run`, { method: 'POST' });
    const converged = await waitFor(
      () => getJson(`/payouts/${payoutId}`),
      (p) => p['status'] === 'paid',
    );
    log(`  → sweep ${sweep.status}; the payout is ${converged['status']}`);

    log('POST /v1/test/webhooks/hold {"held":false}: the held webhooks are delivered, late');
    const released = await holdSandboxWebhooks(twin.sandboxProviderUrl, false);
    held = false;
    log(`  → ${released.released} webhook(s) released`);
    await sleep(LATE_DELIVERY_SETTLE_MS);
    const final = await getJson(`/payouts/${payoutId}`);
    const timeline = ((await getJson(`/payouts/${payoutId}/events`))['data'] ?? []) as Array<Record<string, any>>;
    const paidApplied = timeline.filter((e) => e['event'] === 'provider_paid' && e['outcome'] === 'applied');
    for (const entry of timeline)
      log(
        `  timeline: ${entry['at']} ${entry['event']} ${entry['outcome']} ` +
          `${entry['from']}→${entry['to']} (${entry['source']})`,
      );
    attach('stale_read', { payout_id: payoutId, provider_said: atProvider?.status, api_said: stale['status'], copies });

    return report([
      {
        what: 'payout created and accepted by the submission answer',
        expected: [201, 'accepted'],
        saw: [created.status, accepted['status']],
      },
      {
        what: 'the stale read: the provider has paid, our API (no webhook yet) does not',
        expected: ['paid', 'accepted'],
        saw: [atProvider?.status, stale['status']],
      },
      {
        what: 'GET /lifecycle: the status read awaits the provider (confirmation is asynchronous), not final',
        expected: { awaiting_provider: true, terminal: false },
        saw: { awaiting_provider: lifecycleEntry?.['awaiting_provider'], terminal: lifecycleEntry?.['terminal'] },
      },
      {
        what: 'every status_copy the API carries is a sentence (checked once the field lands; none today)',
        expected: copies.map(() => true),
        saw: copies.map((c) => (typeof c === 'string' ? c.length > 10 : typeof c === 'object' && c !== null)),
      },
      {
        what: 'a sweep before the threshold leaves the payout alone',
        expected: [200, 'accepted'],
        saw: [earlySweep.status, afterEarlySweep['status']],
      },
      {
        what: 'past the threshold, the sweeper re-asks and the state converges',
        expected: [200, 'paid'],
        saw: [sweep.status, converged['status']],
      },
      {
        what: 'the move to paid came from the poll (source poller), not a webhook',
        expected: 'poller',
        saw: paidApplied[0]?.['source'],
      },
      {
        what: 'the late webhooks changed nothing: still paid, provider_paid applied once',
        expected: ['paid', 1],
        saw: [final['status'], paidApplied.length],
      },
    ]);
  } finally {
    if (held) await holdSandboxWebhooks(twin.sandboxProviderUrl, false).catch(() => undefined);
    await twin.stop();
  }
}

runDrill('stale-status', main);
