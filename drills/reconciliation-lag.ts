// Drill: a reconciliation run is missed (issue 11 §2). A run succeeds; the twin clock then moves a
// whole alarm window past it, as if the nightly run had not happened; GET /status — the page the
// console's overview reads for its "since the last successful reconciliation" figure — shows the lag
// and reconciliation degraded, by the same rule and threshold as the ReconciliationMissingAlarm
// (functions/shared/alarm-thresholds.ts); catching up (the next day's run) clears it.
//
//   npm run drill -- reconciliation-lag
import { STATUS_CACHE_SECONDS } from '../functions/app/ops/status-api.js';
import { RECONCILIATION_WINDOW_HOURS } from '../functions/shared/alarm-thresholds.js';
import { advanceTwinClock, connectTwin, readTwinClock, report, runDrill } from './_twin.js';

const HOUR_SECONDS = 3_600;
const DAY_MS = 86_400_000;
const RUN_POLL_MS = 250;
const RUN_WAIT_MS_MAX = 60_000;
/** Past GET /status's short cache, so each read sees the clock it was made at. */
const CACHE_SKIP_SECONDS = STATUS_CACHE_SECONDS + 1;
const log = (line: string) => console.log(`• ${line}`);

type Json = Record<string, any>;

async function main(): Promise<boolean> {
  const twin = await connectTwin(log);
  try {
    const financeToken = async () => twin.token({ operator: 'drill-finance', role: 'finance' });
    const call = async (method: string, path: string, token?: string, body?: unknown) => {
      const response = await fetch(`${twin.url}${path}`, {
        method,
        headers: {
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
          'content-type': 'application/json',
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as Json };
    };
    const yesterday = async () =>
      new Date(Date.parse((await readTwinClock(twin.url)).now) - DAY_MS).toISOString().slice(0, 10);
    const reconcile = async (date: string): Promise<string | undefined> => {
      const token = await financeToken();
      log(`POST /reconciliations {"date":"${date}"}`);
      await call('POST', '/reconciliations', token, { date });
      for (const deadline = Date.now() + RUN_WAIT_MS_MAX; Date.now() < deadline;) {
        const run = (await call('GET', `/reconciliations/${date}`, token)).body['reconciliation'];
        if (run?.state === 'succeeded' || run?.state === 'failed') return String(run.state);
        await new Promise((done) => setTimeout(done, RUN_POLL_MS));
      }
      return undefined;
    };
    const status = async () => {
      await advanceTwinClock(twin.url, CACHE_SKIP_SECONDS);
      const page = (await call('GET', '/status')).body;
      const reconciliation = (page['components'] as Json[]).find((c) => c['component'] === 'reconciliation');
      return { page, reconciliation };
    };

    const firstRun = await reconcile(await yesterday());
    const before = await status();
    log(`status before: reconciliation ${before.reconciliation?.['state']}`);

    log(`the nightly run is missed: the twin clock moves ${RECONCILIATION_WINDOW_HOURS} h forward`);
    await advanceTwinClock(twin.url, RECONCILIATION_WINDOW_HOURS * HOUR_SECONDS);
    const missed = await status();
    const lagSeconds = Number(missed.page['reconciliation']?.['seconds_since_last_success']);
    log(`status after the missed run: reconciliation ${missed.reconciliation?.['state']}, lag ${lagSeconds} s`);

    const catchUpRun = await reconcile(await yesterday());
    const after = await status();
    log(`status after catching up: reconciliation ${after.reconciliation?.['state']}`);

    return report([
      { what: 'the first reconciliation run succeeds', expected: 'succeeded', saw: firstRun },
      {
        what: 'GET /status (no token) shows reconciliation operational',
        expected: 'operational',
        saw: before.reconciliation?.['state'],
      },
      {
        what: `a run missed: the lag passes the alarm window (${RECONCILIATION_WINDOW_HOURS} h)`,
        expected: true,
        saw: lagSeconds > RECONCILIATION_WINDOW_HOURS * HOUR_SECONDS,
      },
      {
        what: 'the derived alarm state fires: reconciliation degraded',
        expected: 'degraded',
        saw: missed.reconciliation?.['state'],
      },
      {
        what: 'the reason names the lag in hours',
        expected: true,
        saw: /last successful reconciliation was \d+ h ago/.test(String(missed.reconciliation?.['reasons']?.[0])),
      },
      { what: 'catching up: the next run succeeds', expected: 'succeeded', saw: catchUpRun },
      { what: 'catching up clears it', expected: 'operational', saw: after.reconciliation?.['state'] },
      {
        what: 'the lag is back under the window',
        expected: true,
        saw:
          Number(after.page['reconciliation']?.['seconds_since_last_success']) <
          RECONCILIATION_WINDOW_HOURS * HOUR_SECONDS,
      },
    ]);
  } finally {
    await twin.stop();
  }
}

runDrill('reconciliation-lag', main);
