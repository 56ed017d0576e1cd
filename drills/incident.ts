// Drill: a staged provider incident (DESIGN §6, issue 11 §2). The sandbox's settlement stalls and
// its webhooks stop (POST /v1/test/settlement, POST /v1/test/webhooks/hold): payouts it accepted go
// nowhere. The twin's clock moves past the corridor's long-pending threshold
// (functions/domain/staleness.ts), the sweeper re-asks the provider, hears "accepted" still, and
// opens one `long_pending` exception per payout. Ops identify them (GET /exceptions), assign them
// (POST /exceptions/{id}/assign), the provider recovers and reports the payouts paid, ops resolve
// them (POST /exceptions/{id}/resolve), and the webhook backlog then brings our payouts to paid without
// reopening or duplicating anything. Each exception is measured against its category's
// SLA (SLA_SECONDS_BY_CATEGORY) by the twin's clock: opened → resolved, and sla_due_at as stated.
//
//   npm run drill -- incident        (moves the twin's clock forward by a little over a day)
import { setTimeout as sleep } from 'node:timers/promises';
import { ulid } from 'ulidx';
import { SLA_SECONDS_BY_CATEGORY, defaultOwnerOf, exceptionIdFor } from '../functions/domain/exceptions.js';
import { LONG_PENDING_AFTER_SECONDS_BY_CORRIDOR, corridorKey } from '../functions/domain/staleness.js';
import { holdSandboxWebhooks, sandboxPayoutsFor, stallSandboxSettlement } from '../local/sandbox/client.js';
import { advanceTwinClock, attach, connectTwin, report, runDrill } from './_twin.js';

const TENANT = 'drill';
const COUNTRY = 'GB';
const CURRENCY = 'GBP';
/** The `paid` trigger's GB account: paid within seconds, once the provider is up. */
const PAID_ACCOUNT = { sort_code: '601613', account_number: '11111100' };
const PAYOUTS_IN_INCIDENT = 3;
const CATEGORY = 'long_pending';
const OWNER = defaultOwnerOf(CATEGORY);
const LONG_PENDING_AFTER_SECONDS = LONG_PENDING_AFTER_SECONDS_BY_CORRIDOR[corridorKey(COUNTRY, CURRENCY)]!;
const CLOCK_MARGIN_SECONDS = 600;
const WAIT_MS_MAX = 60_000;
const POLL_MS = 500;
/** Pages of GET /exceptions read while identifying (200 each): other drills' exceptions share the queue. */
const EXCEPTION_PAGES_MAX = 10;

const log = (line: string) => console.log(`• ${line}`);

type Json = Record<string, any>;

async function main(): Promise<boolean> {
  const twin = await connectTwin(log);
  let staged = false;
  try {
    const mint = async () => ({
      tenant: await twin.token({ tenant: TENANT, role: 'backend' }),
      ops: await twin.token({ operator: 'drill-ops', role: 'ops' }),
    });
    let tokens = await mint();
    const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const token = path.startsWith('/payouts') ? tokens.tenant : tokens.ops;
      const response = await fetch(`${twin.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as Json };
    };
    const statuses = async (ids: string[]) =>
      Promise.all(ids.map(async (id) => String((await call('GET', `/payouts/${id}`)).body['status'])));
    const waitStatuses = async (ids: string[], done: (s: string) => boolean) => {
      let seen = await statuses(ids);
      for (const deadline = Date.now() + WAIT_MS_MAX; !seen.every(done) && Date.now() < deadline; await sleep(POLL_MS))
        seen = await statuses(ids);
      return seen;
    };

    log('incident starts: POST /v1/test/settlement {"stalled":true} and /v1/test/webhooks/hold {"held":true}');
    staged = true;
    await stallSandboxSettlement(twin.sandboxProviderUrl, true);
    await holdSandboxWebhooks(twin.sandboxProviderUrl, true);

    const payoutIds: string[] = [];
    for (let n = 1; n <= PAYOUTS_IN_INCIDENT; n++) {
      const created = await call(
        'POST',
        '/payouts',
        {
          amount: 1_000 * n,
          currency: CURRENCY,
          destination: { country: COUNTRY, method: 'faster_payments', ...PAID_ACCOUNT },
          recipient: { name: `Incident Recipient ${n}` },
          description: 'incident drill',
        },
        { 'idempotency-key': `drill-incident-${ulid()}` },
      );
      payoutIds.push(String(created.body['payout_id']));
      log(`POST /payouts #${n} → ${created.status}, payout ${created.body['payout_id']}`);
    }
    const stalled = await waitStatuses(payoutIds, (s) => s !== 'submitted');
    log(`  → the provider accepted them and then went quiet: ${stalled.join(', ')}`);

    const advanceSeconds = LONG_PENDING_AFTER_SECONDS + CLOCK_MARGIN_SECONDS;
    log(`POST /.twin/clock/advance {"seconds":${advanceSeconds}}: past the corridor's long-pending threshold`);
    await advanceTwinClock(twin.url, advanceSeconds);
    tokens = await mint(); // the clock moved past the first tokens' lifetime
    log('POST /.twin/schedules/sweep/run: the sweeper re-asks the provider, which still says accepted');
    const sweep = await fetch(`${twin.url}/.twin/schedules/sweep/run`, { method: 'POST' });
    const stillStalled = await statuses(payoutIds);

    log(`identify: GET /exceptions?category=${CATEGORY}&state=open (ops)`);
    const open = new Map<string, Json>();
    let cursor: string | undefined;
    for (let page = 0; page < EXCEPTION_PAGES_MAX; page++) {
      const query = `category=${CATEGORY}&state=open&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const listed = await call('GET', `/exceptions?${query}`);
      for (const e of (listed.body['data'] ?? []) as Json[])
        if (payoutIds.includes(e['payout_id'])) open.set(e['payout_id'], e);
      cursor = listed.body['next_cursor'] ?? undefined;
      if (cursor === undefined || cursor === null) break;
    }
    const identified = payoutIds.map((id) => open.get(id));
    for (const e of identified)
      log(`  → ${e?.['exception_id']} for ${e?.['payout_id']}, owner ${e?.['owner']}, due ${e?.['sla_due_at']}`);

    const assigned: Json[] = [];
    for (const e of identified) {
      const response = await call('POST', `/exceptions/${e?.['exception_id']}/assign`, {
        assignee: 'drill-ops',
        note: 'incident drill: provider settlement outage, watching the provider status page',
      });
      log(`assign ${e?.['exception_id']} → ${response.status}`);
      assigned.push(response.body);
    }

    log('the provider recovers: POST /v1/test/settlement {"stalled":false}; its webhooks are still backed up');
    await stallSandboxSettlement(twin.sandboxProviderUrl, false);
    const atProvider = await Promise.all(
      payoutIds.map(async (id) => (await sandboxPayoutsFor(twin.sandboxProviderUrl, id))[0]?.status),
    );
    log(`  → the provider's own dashboard (GET /v1/payouts) says ${atProvider.join(', ')}`);

    // Ops close the incident once the provider confirms the money landed: our books catch up from
    // the webhook backlog, and the processor leaves an exception ops already resolved alone.
    const resolved: Json[] = [];
    const resolveStatuses: number[] = [];
    for (const e of identified) {
      const response = await call('POST', `/exceptions/${e?.['exception_id']}/resolve`, {
        note: 'incident drill: provider recovered and confirms the payout paid; webhook backlog draining',
      });
      log(`resolve ${e?.['exception_id']} → ${response.status}`);
      resolved.push(response.body);
      resolveStatuses.push(response.status);
    }

    log('POST /v1/test/webhooks/hold {"held":false}: the backlog is delivered');
    await holdSandboxWebhooks(twin.sandboxProviderUrl, false);
    staged = false;
    const recovered = await waitStatuses(payoutIds, (s) => s === 'paid');
    log(`  → ${recovered.join(', ')}`);
    const afterBacklog = new Map<string, Json>();
    const listed = await call('GET', `/exceptions?category=${CATEGORY}&state=resolved&limit=200`);
    for (const e of (listed.body['data'] ?? []) as Json[])
      if (payoutIds.includes(e['payout_id'])) afterBacklog.set(e['payout_id'], e);

    const slaSeconds = SLA_SECONDS_BY_CATEGORY[CATEGORY];
    const measured = identified.map((e, i) => {
      const after = resolved[i];
      const openedAt = String(e?.['opened_at']);
      const resolvedAt = String(after?.['resolution']?.['at'] ?? after?.['updated_at']);
      const tookSeconds = Math.round((Date.parse(resolvedAt) - Date.parse(openedAt)) / 1000);
      return {
        exception_id: e?.['exception_id'],
        payout_id: payoutIds[i],
        category: e?.['category'],
        owner: e?.['owner'],
        opened_at: openedAt,
        sla_due_at: e?.['sla_due_at'],
        resolved_at: resolvedAt,
        sla_seconds: slaSeconds,
        took_seconds: tookSeconds,
        within_sla: tookSeconds >= 0 && Date.parse(resolvedAt) <= Date.parse(String(e?.['sla_due_at'])),
      };
    });
    attach('sla', measured);
    for (const m of measured)
      log(`  SLA ${m.exception_id}: ${m.took_seconds}s of ${m.sla_seconds}s → within: ${m.within_sla}`);

    const each = (values: unknown[]) => values;
    return report([
      {
        what: 'the provider accepted every payout before it went quiet',
        expected: each(payoutIds.map(() => 'accepted')),
        saw: stalled,
      },
      {
        what: 'past the long-pending threshold the sweep ran and the payouts are still stalled',
        expected: [200, ...payoutIds.map(() => 'accepted')],
        saw: [sweep.status, ...stillStalled],
      },
      {
        what: `identified: one open ${CATEGORY} exception per payout, owned by ${OWNER}, id from its subject`,
        expected: payoutIds.map((payoutId) => [exceptionIdFor({ category: CATEGORY, payoutId }), 'open', OWNER]),
        saw: identified.map((e) => [e?.['exception_id'], e?.['state'], e?.['owner']]),
      },
      {
        what: "each exception's sla_due_at is opened_at + its category's SLA",
        expected: identified.map(() => slaSeconds),
        saw: identified.map((e) => (Date.parse(e?.['sla_due_at']) - Date.parse(e?.['opened_at'])) / 1000),
      },
      {
        what: 'assigned to drill-ops',
        expected: identified.map(() => ['assigned', 'drill-ops']),
        saw: assigned.map((b) => [b['state'], b['assignee']]),
      },
      {
        what: 'the provider recovered: it reports every payout paid',
        expected: payoutIds.map(() => 'paid'),
        saw: atProvider,
      },
      {
        what: 'resolved by ops through POST /exceptions/{id}/resolve, each within its SLA',
        expected: identified.map(() => [200, 'resolved', true]),
        saw: resolved.map((b, i) => [resolveStatuses[i], b['state'], measured[i]?.within_sla]),
      },
      {
        what: 'the webhook backlog converged every payout to paid',
        expected: payoutIds.map(() => 'paid'),
        saw: recovered,
      },
      {
        what: 'the late webhooks left each exception resolved, once, with the resolution ops wrote',
        expected: identified.map((e) => [e?.['exception_id'], 'resolved', 'drill-ops']),
        saw: payoutIds.map((id) => {
          const e = afterBacklog.get(id);
          return [e?.['exception_id'], e?.['state'], e?.['resolution']?.['by']];
        }),
      },
    ]);
  } finally {
    if (staged) {
      await stallSandboxSettlement(twin.sandboxProviderUrl, false).catch(() => undefined);
      await holdSandboxWebhooks(twin.sandboxProviderUrl, false).catch(() => undefined);
    }
    await twin.stop();
  }
}

runDrill('incident', main);
