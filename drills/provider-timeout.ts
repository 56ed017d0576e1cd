// Drill: a provider timeout never pays twice (provider submission). Creates a payout whose
// IBAN selects the sandbox's `timeout_on_submit` trigger: the sandbox records the payout, then holds
// its answer past our submitTimeoutMs. The submitter gives up, the record returns to the queue after
// its visibility timeout, the retry re-submits with the same idempotency key (our payout id) and is
// answered with the payout the sandbox already holds — unless the sandbox's `payout.accepted`
// webhook got there first, in which case the retry sees the payout past `submitted` and does not
// call the provider at all. Either way: one payout at the provider, accepted, after the retry window.
//
//   npm run drill -- provider-timeout        (waits for one visibility timeout: about 3 minutes)
//
// @launch-gate beside: `npm run drill -- all` runs it beside the other drills. Its checks hold
// whatever they do meanwhile: held webhooks (stale-status, incident) only mean the queue's retry,
// not the webhook, moves it past submitted; a moved clock only makes the sandbox settle sooner.
import { setTimeout as sleep } from 'node:timers/promises';
import { ulid } from 'ulidx';
import { sandboxPayoutsFor } from '../local/sandbox/client.js';
import { triggerByName } from '../local/sandbox/triggers.js';
import { connectTwin, report, runDrill } from './_twin.js';

const TENANT = 'drill';
/** The sandbox records the payout at once; the adapter gives up after 5 s. */
const DANGEROUS_MOMENT_WAIT_MS_MAX = 60_000;
/** submit-payout's visibility timeout is 6 × 30 s; the retry comes after it. */
const RETRY_WAIT_MS_MAX = 300_000;
/** The visibility timeout plus slack: by then the retried message has been processed. */
const RETRY_WINDOW_MS = 200_000;
const POLL_MS = 1_000;

const log = (line: string) => console.log(`• ${line}`);

async function main(): Promise<boolean> {
  const twin = await connectTwin(log);
  try {
    const token = await twin.token({ tenant: TENANT, role: 'backend' });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const iban = triggerByName('timeout_on_submit')!.iban;
    log(`POST /payouts to IBAN ${iban} (sandbox trigger timeout_on_submit)`);
    const created = await fetch(`${twin.url}/payouts`, {
      method: 'POST',
      headers: { ...headers, 'idempotency-key': `drill-timeout-${ulid()}` },
      body: JSON.stringify({
        amount: 7_700,
        currency: 'EUR',
        destination: { country: 'DE', method: 'sepa', iban },
        recipient: { name: 'Drill Recipient' },
        description: 'provider-timeout drill',
      }),
    });
    const createdAtMs = Date.now();
    const payoutId = String(((await created.json()) as Record<string, unknown>)['payout_id']);
    log(`  → ${created.status}, payout ${payoutId}`);
    const status = async () =>
      (await (await fetch(`${twin.url}/payouts/${payoutId}`, { headers })).json()) as Record<string, any>;

    log('waiting for the dangerous moment: the sandbox holds the payout, we have not heard so');
    let atProvider = 0;
    let oursThen = '';
    for (const deadline = Date.now() + DANGEROUS_MOMENT_WAIT_MS_MAX; Date.now() < deadline; await sleep(POLL_MS)) {
      atProvider = (await sandboxPayoutsFor(twin.sandboxProviderUrl, payoutId)).length;
      oursThen = (await status())['status'];
      if (atProvider > 0) break;
    }
    log(`  → sandbox holds ${atProvider}; ours says ${oursThen}`);

    log(
      `waiting up to ${RETRY_WAIT_MS_MAX / 1000}s for our payout to leave submitted (sandbox webhook or the queue's retry)`,
    );
    let final: Record<string, any> = await status();
    for (
      const deadline = Date.now() + RETRY_WAIT_MS_MAX;
      Date.now() < deadline && final['status'] === 'submitted';
      await sleep(POLL_MS)
    )
      final = await status();
    log(`  → ${final['status']} after ${Math.round((Date.now() - createdAtMs) / 1000)}s`);
    const windowLeftMs = createdAtMs + RETRY_WINDOW_MS - Date.now();
    if (windowLeftMs > 0) {
      log(
        `waiting ${Math.round(windowLeftMs / 1000)}s more, past the visibility timeout, so the queue's retry has run`,
      );
      await sleep(windowLeftMs);
    }
    final = await status();
    const sandboxPayouts = await sandboxPayoutsFor(twin.sandboxProviderUrl, payoutId);
    const timeline = (await (await fetch(`${twin.url}/payouts/${payoutId}/events`, { headers })).json()) as {
      data?: Array<Record<string, any>>;
    };
    for (const entry of timeline.data ?? [])
      log(
        `  timeline: ${entry['at']} ${entry['event']} ${entry['outcome']} ${entry['from'] ?? ''}→${entry['to'] ?? ''} (${entry['source']})`,
      );

    const ok = report([
      {
        what: 'the sandbox recorded the payout while ours was still submitted (the dangerous moment)',
        expected: [1, 'submitted'],
        saw: [atProvider, oursThen],
      },
      {
        what: 'our payout left submitted (accepted, or further along by webhook)',
        expected: true,
        saw: ['accepted', 'pending', 'paid'].includes(final['status']),
      },
      {
        what: 'payouts at the provider for this payout id, after the retry window',
        expected: 1,
        saw: sandboxPayouts.length,
      },
      {
        what: 'provider_accepted applied exactly once on our timeline',
        expected: 1,
        saw: (timeline.data ?? []).filter(
          (entry) => entry['event'] === 'provider_accepted' && entry['outcome'] === 'applied',
        ).length,
      },
      {
        what: 'our provider reference is the sandbox payout',
        expected: sandboxPayouts[0]?.id ?? null,
        saw: final['provider_reference'],
      },
    ]);
    return ok;
  } finally {
    await twin.stop();
  }
}

runDrill('provider-timeout', main);
