// Drill: one ledger-to-provider mismatch (DESIGN §6). A payout whose provider report disagrees
// (the sandbox's `report_amount_changed` test IBAN) is found by reconciliation, categorised
// (amount_mismatch), owned (finance), exported (a row in reconciliation.csv and exceptions.csv via
// GET /exports/{date}'s presigned URLs) and resolved (POST /exceptions/{id}/resolve); a re-run then
// neither duplicates nor reopens the exception.
//
// A day is reconciled only once it has ended (functions/domain/reconciliation/run-date.ts), and a
// payout cannot be backdated: so the drill creates its payout today, sees today refused, then moves
// the twin's clock (POST /.twin/clock/advance; the sandbox provider's clock moves with it) past the
// end of that day and reconciles it. Against a running twin, the clock stays advanced afterwards
// (POST /.twin/clock/reset returns it to real time).
//
//   npm run drill -- ledger-mismatch
import { setTimeout as sleep } from 'node:timers/promises';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulidx';
import { advanceSandboxClock } from '../local/sandbox/client.js';
import { addDays } from '../functions/domain/reconciliation/run-date.js';
import { journalPk } from '../functions/adapters/payout-items.js';
import { advanceTwinClock, attach, connectTwin, readTwinClock, report, runDrill, type DrillTwin } from './_twin.js';
import { csvRows } from './_csv.js';

const TENANT = 'drill';
/** docs/sandbox-provider.md: paid, reported with a different amount (+100 minor units). */
const REPORT_AMOUNT_CHANGED_IBAN = 'DE83370400440532013011';
const AMOUNT_MINOR = 12_345;
const PAID_WAIT_MS_MAX = 60_000;
const POLL_MS = 500;
/** The sandbox moves one state every 5 s on its clock; this is well past accepted → in_transit → paid. */
const SANDBOX_ADVANCE_SECONDS = 30;
/** POST /reconciliations only queues the run; the twin's poller hands it to `reconcile` within seconds. */
const RECONCILIATION_WAIT_MS_MAX = 120_000;
const TERMINAL_RUN_STATES = ['succeeded', 'failed'];
/**
 * A day D has ended everywhere once it has ended in UTC−12, the zone furthest behind UTC: at
 * D+1 12:00Z. Past that, D has ended in UTC and in any RECONCILE_TIMEZONE the stack may name.
 */
const DAY_END_LAG_MS_MAX = 12 * 3600 * 1000;
/** Past the end of the day by this much, so no reading of the clock lands on its last second. */
const CLOCK_MARGIN_SECONDS = 600;

const log = (line: string) => console.log(`• ${line}`);

/** The payout's journal entries (LEDGER_TABLE), one row per posting, for the evidence pack's trace. */
async function ledgerPostings(twin: DrillTwin, payoutId: string): Promise<Record<string, unknown>[]> {
  const out = await twin.documentClient.send(
    new QueryCommand({
      TableName: twin.tables.ledger,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': journalPk(payoutId) },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).flatMap((entry) =>
    ((entry['postings'] as Array<Record<string, unknown>> | undefined) ?? []).map((posting) => ({
      version: entry['version'],
      event: entry['event'],
      from: posting['from'],
      to: posting['to'],
      amount_minor: posting['amountMinor'],
      currency: entry['currency'],
      recorded_at: entry['recordedAt'],
      source_ref: entry['sourceRef'],
    })),
  );
}

async function main(): Promise<boolean> {
  const twin = await connectTwin(log);
  try {
    // Two actors of the access matrix: the tenant's backend creates and reads the payout; finance
    // reconciles, reads the exports and resolves the exception. Neither token could do the other's part.
    const tenantToken = await twin.token({ tenant: TENANT, role: 'backend' });
    const financeToken = await twin.token({ operator: 'drill-finance', role: 'finance' });
    const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const token = path.startsWith('/payouts') ? tenantToken : financeToken;
      const response = await fetch(`${twin.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return {
        status: response.status,
        requestId: response.headers.get('request-id'),
        body: (await response.json()) as Record<string, any>,
      };
    };

    log(
      `POST /payouts: ${AMOUNT_MINOR} EUR minor units to the report_amount_changed test IBAN ${REPORT_AMOUNT_CHANGED_IBAN}`,
    );
    const created = await call(
      'POST',
      '/payouts',
      {
        amount: AMOUNT_MINOR,
        currency: 'EUR',
        destination: { country: 'DE', method: 'sepa', iban: REPORT_AMOUNT_CHANGED_IBAN },
        recipient: { name: 'Drill Recipient' },
        description: 'ledger-mismatch drill',
      },
      { 'idempotency-key': `drill-${ulid()}` },
    );
    const payoutId = String(created.body['payout_id']);
    const date = String(created.body['created_at']).slice(0, 10);
    log(`  → ${created.status}, payout ${payoutId}, created ${created.body['created_at']}`);

    log(`advancing the sandbox clock ${SANDBOX_ADVANCE_SECONDS}s and waiting for the payout to be paid (webhooks)`);
    let status = '';
    for (const deadline = Date.now() + PAID_WAIT_MS_MAX; Date.now() < deadline; await sleep(POLL_MS)) {
      await advanceSandboxClock(twin.sandboxProviderUrl, SANDBOX_ADVANCE_SECONDS).catch(() => []);
      status = String((await call('GET', `/payouts/${payoutId}`)).body['status']);
      if (status === 'paid') break;
    }
    log(`  → status ${status}`);

    log(`POST /reconciliations {"date":"${date}"} while ${date} is still going on`);
    const early = await call('POST', '/reconciliations', { date });
    log(`  → ${early.status} ${early.body['error']?.['code']}`);

    const clockBefore = await readTwinClock(twin.url);
    const endsEverywhereMs = Date.parse(`${addDays(date, 1)}T00:00:00.000Z`) + DAY_END_LAG_MS_MAX;
    const untilEndSeconds = Math.max(0, Math.ceil((endsEverywhereMs - Date.parse(clockBefore.now)) / 1000));
    const advanceSeconds = untilEndSeconds + CLOCK_MARGIN_SECONDS;
    log(`POST /.twin/clock/advance {"seconds":${advanceSeconds}}: past the end of ${date} in every zone`);
    log(`  (twin now ${clockBefore.now})`);
    const clockAfter = await advanceTwinClock(twin.url, advanceSeconds);
    log(`  → twin now ${clockAfter.now} (${clockAfter.offset_ms / 1000} s ahead of real time)`);

    /** POST (202, queued), then GET /reconciliations/{date} until the run has finished or the wait runs out. */
    const reconcile = async () => {
      log(`POST /reconciliations {"date":"${date}"}`);
      const queued = await call('POST', '/reconciliations', { date });
      log(
        `  → ${queued.status} ${queued.body['reconciliation']?.['state']}, run ${queued.body['reconciliation']?.['run_id']}; polling GET /reconciliations/${date}`,
      );
      let finished: Record<string, any> | undefined;
      for (const deadline = Date.now() + RECONCILIATION_WAIT_MS_MAX; Date.now() < deadline; await sleep(POLL_MS)) {
        const state = (await call('GET', `/reconciliations/${date}`)).body['reconciliation'];
        if (TERMINAL_RUN_STATES.includes(state?.['state'])) {
          finished = state;
          break;
        }
      }
      log(`  → ${finished?.['state'] ?? 'not finished in time'}, counts ${JSON.stringify(finished?.['counts'])}`);
      return { status: queued.status, run: finished };
    };
    const run = await reconcile();

    log(`GET /exports/${date} and download the files through their presigned URLs`);
    const exported = await call('GET', `/exports/${date}`);
    const urlOf = (name: string) =>
      (exported.body['files'] as { name: string; url: string }[] | undefined)?.find((f) => f.name === name)?.url;
    const reconciliation = csvRows(await fetch(urlOf('reconciliation.csv')!).then((r) => r.text()));
    const exceptions = csvRows(await fetch(urlOf('exceptions.csv')!).then((r) => r.text()));
    const row = reconciliation.find((r) => r['payout_id'] === payoutId);
    const exceptionRow = exceptions.find((r) => r['payout_id'] === payoutId);
    log(`  → reconciliation.csv row: ${row?.['mismatch_category']} / ${row?.['detail']}`);
    const exceptionId = row?.['exception_id'] ?? '';

    log('GET /exceptions?category=amount_mismatch&owner=finance');
    const listed = await call('GET', '/exceptions?category=amount_mismatch&owner=finance&limit=200');
    const open = (listed.body['data'] as Record<string, any>[] | undefined)?.find(
      (e) => e['exception_id'] === exceptionId || e['exceptionId'] === exceptionId,
    );
    log(`POST /exceptions/${exceptionId}/resolve`);
    const resolved = await call('POST', `/exceptions/${exceptionId}/resolve`, {
      note: 'ledger-mismatch drill: provider confirmed the amount; correction booked',
    });
    log(`  → ${resolved.status}`);

    log('a re-run of the same date');
    const rerun = await reconcile();
    const afterRerun = await call('GET', '/exceptions?category=amount_mismatch&owner=finance&state=resolved&limit=200');
    const same = ((afterRerun.body['data'] as Record<string, any>[] | undefined) ?? []).filter(
      (e) => (e['exception_id'] ?? e['exceptionId']) === exceptionId,
    );
    const run2 = await call('GET', `/reconciliations/${date}`);
    const payout = await call('GET', `/payouts/${payoutId}`);
    const timeline = await call('GET', `/payouts/${payoutId}/events`);
    attach('trace', {
      request: {
        payout_id: payoutId,
        create_request_id: created.requestId,
        status: payout.body['status'],
        provider: payout.body['provider'],
        provider_reference: payout.body['provider_reference'],
        request_ids: payout.body['request_ids'],
      },
      timeline: ((timeline.body['data'] as Record<string, unknown>[] | undefined) ?? []).map((entry) => ({
        at: entry['at'],
        event: entry['event'],
        outcome: entry['outcome'],
        from: entry['from'],
        to: entry['to'],
        source: entry['source'],
        source_ref: entry['source_ref'],
        request_id: entry['request_id'],
      })),
      ledger_postings: await ledgerPostings(twin, payoutId),
      export_row: row ?? null,
      exception: { ...(exceptionRow ?? {}), state_after_drill: same[0]?.['state'] ?? null },
      read_request_ids: { payout: payout.requestId, exports: exported.requestId, exceptions: listed.requestId },
    });

    const ok = report([
      { what: 'payout created', expected: 201, saw: created.status },
      { what: 'payout paid (our books: ledger in_transit → settled)', expected: 'paid', saw: status },
      {
        what: 'its day refused while it has not ended',
        expected: [400, 'date_not_ended'],
        saw: [early.status, early.body['error']?.['code']],
      },
      {
        what: 'the twin clock moved past the end of its day',
        expected: true,
        saw: Date.parse(clockAfter.now) >= endsEverywhereMs,
      },
      {
        what: 'reconciliation queued (202), then succeeded',
        expected: [202, 'succeeded'],
        saw: [run.status, run.run?.['state']],
      },
      {
        what: 'found and categorised: reconciliation.csv row',
        expected: ['unmatched', 'amount_mismatch', 'finance'],
        saw: [row?.['match_status'], row?.['mismatch_category'], row?.['exception_owner']],
      },
      {
        what: 'the provider reported 100 minor units more',
        expected: [String(AMOUNT_MINOR), String(AMOUNT_MINOR + 100)],
        saw: [row?.['amount_minor'], row?.['provider_gross_minor']],
      },
      {
        what: 'exported: exceptions.csv names the same exception',
        expected: [exceptionId, 'amount_mismatch', 'finance'],
        saw: [exceptionRow?.['exception_id'], exceptionRow?.['category'], exceptionRow?.['owner']],
      },
      {
        what: 'owned: the exception is open for finance',
        expected: ['open', 'finance'],
        saw: [open?.['state'], open?.['owner']],
      },
      { what: 'resolved through POST /exceptions/{id}/resolve', expected: 200, saw: resolved.status },
      {
        what: 're-run succeeded, the exception stays resolved and single',
        expected: [202, 'succeeded', 1],
        saw: [rerun.status, rerun.run?.['state'], same.length],
      },
      {
        what: 'GET /reconciliations/{date} shows the last success',
        expected: 'succeeded',
        saw: run2.body['last_success']?.['state'],
      },
    ]);
    return ok;
  } finally {
    await twin.stop();
  }
}

runDrill('ledger-mismatch', main);
