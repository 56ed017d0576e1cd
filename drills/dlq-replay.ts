// Drill: one message forced into the DLQ and replayed (DESIGN §6). A signed provider
// event about a real payout is stored in the inbox and its queue message is put straight on the
// webhook DLQ with an error history, as if it had failed maxReceiveCount times. Then, as ops would:
// the sweeper turns it into an exception; GET /ops/dlq shows it; a dry-run redrive says what would
// move; the redrive moves it; the payout is paid once and the exception resolves itself; replaying
// the stored event twice changes nothing.
//
//   npm run drill -- dlq-replay
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { ulid } from 'ulidx';
import { InboxRepository } from '../functions/adapters/inbox-repository.js';
import { bucketName } from '../local/template/names.js';
import { report, runDrill } from './_twin.js';
import { connectWebhookTwin, waitFor } from './_webhooks.js';

const TENANT = 'drill';
const PENDING_IBAN = 'DE35370400440532013002';
const WAIT_MS_MAX = 60_000;
const log = (line: string) => console.log(`• ${line}`);

async function main(): Promise<boolean> {
  const twin = await connectWebhookTwin(log);
  try {
    const auth = { authorization: `Bearer ${await twin.token({ tenant: TENANT, role: 'backend' })}` };
    const opsAuth = {
      authorization: `Bearer ${await twin.token({ operator: 'drill-ops', role: 'ops' })}`,
      'content-type': 'application/json',
    };
    const ops = async (method: string, path: string, body?: unknown) =>
      (await fetch(`${twin.url}${path}`, {
        method,
        headers: opsAuth,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }).then((r) => r.json())) as Record<string, any>;
    const created = (await fetch(`${twin.url}/payouts`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': `drill-dlq-${ulid()}` },
      body: JSON.stringify({
        amount: 3_100,
        currency: 'EUR',
        destination: { country: 'DE', method: 'sepa', iban: PENDING_IBAN },
        recipient: { name: 'Drill Recipient' },
        description: 'dlq-replay drill',
      }),
    }).then((r) => r.json())) as Record<string, unknown>;
    const payoutId = String(created['payout_id']);
    const get = async () =>
      (await fetch(`${twin.url}/payouts/${payoutId}`, { headers: auth }).then((r) => r.json())) as Record<
        string,
        unknown
      >;
    log(`created payout ${payoutId}; waiting for it to be pending at the sandbox`);
    const pending = await waitFor(get, (p) => p['status'] === 'pending', WAIT_MS_MAX);

    const eventId = `evt_drill_${ulid()}`;
    const body = {
      id: eventId,
      type: 'payout.paid',
      timestamp: new Date().toISOString(),
      data: { payout_id: payoutId, provider_reference: pending['provider_reference'], status: 'paid', fee_minor: 0 },
    };
    const inbox = new InboxRepository(twin.documentClient, twin.tables.inbox, twin.s3, bucketName('EvidenceBucket'));
    const now = new Date().toISOString();
    await inbox.receive({
      provider: 'sandbox',
      providerEventId: eventId,
      eventType: 'payout.paid',
      receivedAt: now,
      signatureTimestampSeconds: Math.floor(Date.now() / 1000),
      rawBody: new TextEncoder().encode(JSON.stringify(body)),
    });
    await inbox.markEnqueued('sandbox', eventId, now);
    for (let i = 0; i < 5; i++)
      await inbox.recordFailure(
        'sandbox',
        eventId,
        { message: 'forced by the dlq-replay drill', category: 'processing_error' },
        new Date().toISOString(),
      );
    await twin.sqs.send(
      new SendMessageCommand({
        QueueUrl: twin.webhookDlqUrl,
        MessageBody: JSON.stringify({
          provider: 'sandbox',
          provider_event_id: eventId,
          event_type: 'payout.paid',
          received_at: now,
        }),
      }),
    );
    log(`forced ${eventId} (payout.paid) into the webhook DLQ with 5 recorded failures`);

    log('running the sweeper (POST /.twin/schedules/sweep/run)');
    const sweepStatus = await twin.runSweep();
    const exceptions = await ops('GET', '/exceptions?category=webhook_dead_lettered&state=open&limit=200');
    const exception = (exceptions['data'] as Array<Record<string, any>>).find(
      (e) => e['evidence']?.['provider_event_id'] === eventId,
    );
    log(`  → sweep ${sweepStatus}; exception ${exception?.['exception_id']} owner ${exception?.['owner']}`);
    const dlq = await ops('GET', '/ops/dlq?limit=50');
    const message = (dlq['data'] as Array<Record<string, any>>).find((m) => m['provider_event_id'] === eventId);
    log(
      `GET /ops/dlq → message ${message?.['message_id']}, errors ${message?.['error_count']}, last: ${message?.['last_error']?.['message']}`,
    );
    const dry = await ops('POST', '/ops/dlq/redrive', { message_id: message?.['message_id'], dry_run: true });
    log(`dry run → ${JSON.stringify({ matched: dry['matched'], moved: dry['moved'] })}`);
    const moved = await ops('POST', '/ops/dlq/redrive', { message_id: message?.['message_id'] });
    log(`redrive → ${JSON.stringify({ matched: moved['matched'], moved: moved['moved'] })}`);
    const paid = await waitFor(get, (p) => p['status'] === 'paid', WAIT_MS_MAX);
    const afterRedrive = await waitFor(
      async () =>
        (
          (await ops('GET', '/exceptions?category=webhook_dead_lettered&limit=200'))['data'] as Array<
            Record<string, any>
          >
        ).find((e) => e['exception_id'] === exception?.['exception_id']),
      (e) => e?.['state'] === 'resolved',
      WAIT_MS_MAX,
    );
    log('replaying the stored event twice (POST /ops/replay)');
    const replays = [
      await ops('POST', '/ops/replay', { event_ids: [`sandbox#${eventId}`] }),
      await ops('POST', '/ops/replay', { event_ids: [`sandbox#${eventId}`] }),
    ];
    await new Promise((r) => setTimeout(r, 3_000));
    const final = await get();
    const timeline = (await fetch(`${twin.url}/payouts/${payoutId}/events`, { headers: auth }).then((r) =>
      r.json(),
    )) as { data: Array<Record<string, unknown>> };

    const ok = report([
      {
        what: 'the sweeper turned the DLQ message into an ops exception',
        expected: ['webhook_dead_lettered', 'ops', 'open'],
        saw: [exception?.['category'], exception?.['owner'], exception?.['state']],
      },
      {
        what: 'GET /ops/dlq shows it with its error history',
        expected: [5, 'processing_error'],
        saw: [message?.['error_count'], message?.['error_category']],
      },
      { what: 'the dry run matches it and moves nothing', expected: [1, 0], saw: [dry['matched'], dry['moved']] },
      { what: 'the redrive moves it', expected: [1, 1], saw: [moved['matched'], moved['moved']] },
      { what: 'the payout is paid', expected: 'paid', saw: paid['status'] },
      {
        what: 'the exception resolved itself once the redriven message was processed',
        expected: 'resolved',
        saw: afterRedrive?.['state'],
      },
      { what: 'each replay enqueued the stored event', expected: [1, 1], saw: replays.map((r) => r['enqueued']) },
      {
        what: 'after two replays the payout is unchanged',
        expected: [paid['status'], paid['last_event_at']],
        saw: [final['status'], final['last_event_at']],
      },
      {
        what: 'timeline entries from this provider event (applied once)',
        expected: [['provider_paid', 'applied']],
        saw: timeline.data.filter((e) => e['source_ref'] === eventId).map((e) => [e['event'], e['outcome']]),
      },
    ]);
    return ok;
  } finally {
    await twin.stop();
  }
}

runDrill('dlq-replay', main);
