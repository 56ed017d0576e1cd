// Drill: one duplicate create (DESIGN §6). Creates a payout, repeats it with the same
// Idempotency-Key, races 20 duplicates, then shows one payout, one provider submission and one
// set of ledger postings for that key.
//
//   npm run drill -- duplicate-create
import { QueryCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { ulid } from 'ulidx';
import { countSandboxPayouts } from '../local/sandbox/client.js';
import { connectTwin, report, runDrill } from './_twin.js';

const RACERS = 20;
const TENANT = 'drill';
/** The submitter runs asynchronously (queue → Lambda → sandbox); wait this long for it at most. */
const SUBMISSION_WAIT_MS_MAX = 60_000;
const POLL_MS = 500;
const BODY = {
  amount: 4_200,
  currency: 'EUR',
  destination: { country: 'NL', method: 'sepa', iban: 'NL91ABNA0417164300' },
  recipient: { name: 'Drill Recipient' },
  description: 'duplicate-create drill',
};

const log = (line: string) => console.log(`• ${line}`);

async function main(): Promise<boolean> {
  const twin = await connectTwin(log);
  try {
    const token = await twin.token({ tenant: TENANT, role: 'backend' });
    const key = `drill-${ulid()}`;
    const post = async (idempotencyKey: string = key) => {
      const response = await fetch(`${twin.url}/payouts`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': idempotencyKey,
        },
        body: JSON.stringify(BODY),
      });
      return {
        status: response.status,
        replayed: response.headers.get('idempotent-replayed') === 'true',
        body: (await response.json()) as Record<string, any>,
      };
    };

    log(`POST /payouts with Idempotency-Key ${key}`);
    const first = await post();
    log(`  → ${first.status}, payout ${first.body['payout_id']}`);
    log('POST /payouts again with the same key and body');
    const second = await post();
    log(`  → ${second.status}, Idempotent-Replayed: ${second.replayed}`);
    log(`racing ${RACERS} more with the same key`);
    const race = await Promise.all(Array.from({ length: RACERS }, () => post()));
    const raceIds = new Set(race.filter((r) => r.status === 201).map((r) => r.body['payout_id']));
    log(`  → statuses ${JSON.stringify(countBy(race.map((r) => r.status)))}`);

    const coldKey = `drill-cold-${ulid()}`;
    log(`racing ${RACERS} first-time requests on a fresh key ${coldKey} (none has completed yet)`);
    const coldRace = await Promise.all(Array.from({ length: RACERS }, () => post(coldKey)));
    const coldIds = [...new Set(coldRace.filter((r) => r.status === 201).map((r) => String(r.body['payout_id'])))];
    log(`  → statuses ${JSON.stringify(countBy(coldRace.map((r) => r.status)))}`);
    const coldList = await fetch(`${twin.url}/payouts?idempotency_key=${encodeURIComponent(coldKey)}`, {
      headers: { authorization: `Bearer ${token}` },
    }).then((r) => r.json() as Promise<{ data: unknown[] }>);

    const payoutId = String(first.body['payout_id']);
    const lock = await twin.documentClient.send(
      new GetCommand({
        TableName: twin.tables.payouts,
        Key: { pk: `IDEMKEY#${TENANT}#${key}`, sk: 'IDEMKEY' },
        ConsistentRead: true,
      }),
    );
    const list = await fetch(`${twin.url}/payouts?idempotency_key=${encodeURIComponent(key)}`, {
      headers: { authorization: `Bearer ${token}` },
    }).then((r) => r.json() as Promise<{ data: unknown[] }>);
    const journal = await twin.documentClient.send(
      new QueryCommand({
        TableName: twin.tables.ledger,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `JOURNAL#${payoutId}` },
        ConsistentRead: true,
      }),
    );
    const createdEntries = (journal.Items ?? []).filter((item) => item['event'] === 'created');
    log(`waiting up to ${SUBMISSION_WAIT_MS_MAX / 1000}s for the submitter to reach the sandbox provider`);
    let submissions = 0;
    for (const deadline = Date.now() + SUBMISSION_WAIT_MS_MAX; Date.now() < deadline; await sleep(POLL_MS)) {
      submissions = await countSandboxPayouts(twin.sandboxProviderUrl, payoutId);
      if (submissions > 0) break;
    }
    await sleep(2 * POLL_MS); // a second submission, if there were one, would show up now
    submissions = await countSandboxPayouts(twin.sandboxProviderUrl, payoutId);

    const ok = report([
      { what: 'first create answers 201', expected: 201, saw: first.status },
      {
        what: 'the repeat answers the first status and body, marked replayed',
        expected: [201, true, payoutId],
        saw: [second.status, second.replayed, second.body['payout_id']],
      },
      {
        what: `${RACERS} racers: only 201 (replay) or 409 (in progress)`,
        expected: true,
        saw: race.every((r) => r.status === 201 || r.status === 409),
      },
      {
        what: 'every 201 names the same payout',
        expected: [payoutId],
        saw: [...raceIds, payoutId].filter((v, i, all) => all.indexOf(v) === i),
      },
      { what: 'payouts listed for the key', expected: 1, saw: list.data.length },
      { what: 'key lock points at the payout', expected: payoutId, saw: lock.Item?.['payoutId'] },
      {
        what: 'ledger journal entries for the creation (available → in_transit)',
        expected: 1,
        saw: createdEntries.length,
      },
      { what: 'payouts at the provider for this payout id', expected: 1, saw: submissions },
      {
        what: `fresh-key race: only 201 or 409 (in progress, with Retry-After)`,
        expected: true,
        saw: coldRace.every((r) => r.status === 201 || r.status === 409),
      },
      { what: 'fresh-key race: at most one payout named by the 201s', expected: true, saw: coldIds.length <= 1 },
      { what: 'fresh-key race: payouts listed for the key', expected: 1, saw: coldList.data.length },
    ]);
    return ok;
  } finally {
    await twin.stop();
  }
}

function countBy(values: number[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

runDrill('duplicate-create', main);
