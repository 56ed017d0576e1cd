// Drill: a failed webhook delivery and its redelivery (DESIGN §6). Acting as the sandbox
// provider for one event about a real payout: the first delivery arrives too late (its signature
// timestamp is 10 minutes old, as after a long outage) and is refused 401 with nothing stored;
// the provider's redelivery (same webhook-id, fresh signature) is accepted and applied; a second
// redelivery is answered 200 and applied no second time.
//
//   npm run drill -- webhook-redelivery
import { ulid } from 'ulidx';
import { connectWebhookTwin, deliverSandbox, twinNowSeconds, waitFor } from './_webhooks.js';
import { report, runDrill } from './_twin.js';

const TENANT = 'drill';
/** Sandbox trigger "pending": accepted → in_transit, never settles (docs/sandbox-provider.md). */
const PENDING_IBAN = 'DE35370400440532013002';
const LATE_BY_SECONDS = 600;
const WAIT_MS_MAX = 60_000;
const log = (line: string) => console.log(`• ${line}`);

async function main(): Promise<boolean> {
  const twin = await connectWebhookTwin(log);
  try {
    const token = await twin.token({ tenant: TENANT, role: 'backend' });
    const auth = { authorization: `Bearer ${token}` };
    const created = await fetch(`${twin.url}/payouts`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': `drill-redelivery-${ulid()}` },
      body: JSON.stringify({
        amount: 2_500,
        currency: 'EUR',
        destination: { country: 'DE', method: 'sepa', iban: PENDING_IBAN },
        recipient: { name: 'Drill Recipient' },
        description: 'webhook-redelivery drill',
      }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
    const payoutId = String(created.body['payout_id']);
    log(`created payout ${payoutId} (${created.status}); waiting for the sandbox to report it in transit`);
    const get = async () =>
      (await fetch(`${twin.url}/payouts/${payoutId}`, { headers: auth }).then((r) => r.json())) as Record<
        string,
        unknown
      >;
    const before = await waitFor(get, (p) => p['status'] === 'pending', WAIT_MS_MAX);
    log(`  → status ${before['status']}, provider reference ${before['provider_reference']}`);

    const eventId = `evt_drill_${ulid()}`;
    const event = {
      id: eventId,
      type: 'payout.paid',
      timestamp: new Date((await twinNowSeconds(twin.url)) * 1000).toISOString(),
      data: { payout_id: payoutId, provider_reference: before['provider_reference'], status: 'paid', fee_minor: 0 },
    };
    log(`delivery 1 of ${eventId}: signed ${LATE_BY_SECONDS}s ago (a delivery held up past the ±300 s tolerance)`);
    const late = await deliverSandbox(twin.url, eventId, event, (await twinNowSeconds(twin.url)) - LATE_BY_SECONDS);
    log(`  → ${late.status}`);
    const afterLate = await get();
    log('delivery 2 (the provider retries: same webhook-id, fresh signature)');
    const retry = await deliverSandbox(twin.url, eventId, event);
    log(`  → ${retry.status} ${JSON.stringify(retry.body)}`);
    const paid = await waitFor(get, (p) => p['status'] === 'paid', WAIT_MS_MAX);
    log('delivery 3 (a duplicate redelivery)');
    const duplicate = await deliverSandbox(twin.url, eventId, event);
    log(`  → ${duplicate.status} ${JSON.stringify(duplicate.body)}`);
    await new Promise((r) => setTimeout(r, 2_000)); // a second application, if there were one, would show now
    const timeline = (await fetch(`${twin.url}/payouts/${payoutId}/events`, { headers: auth }).then((r) =>
      r.json(),
    )) as { data: Array<Record<string, unknown>> };
    const fromEvent = timeline.data.filter((e) => e['source_ref'] === eventId);

    const ok = report([
      { what: 'the late delivery is refused (signature outside tolerance)', expected: 401, saw: late.status },
      { what: 'nothing changed after the refused delivery', expected: 'pending', saw: afterLate['status'] },
      { what: 'the redelivery is accepted', expected: [202, false], saw: [retry.status, retry.body['duplicate']] },
      { what: 'the payout reaches paid', expected: 'paid', saw: paid['status'] },
      {
        what: 'the duplicate redelivery is answered 200, marked duplicate',
        expected: [200, true],
        saw: [duplicate.status, duplicate.body['duplicate']],
      },
      {
        what: 'timeline entries from this provider event (applied once)',
        expected: [['provider_paid', 'applied']],
        saw: fromEvent.map((e) => [e['event'], e['outcome']]),
      },
    ]);
    return ok;
  } finally {
    await twin.stop();
  }
}

runDrill('webhook-redelivery', main);
