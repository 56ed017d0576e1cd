// Drill: one payout per provider (sandbox, stripe, paypal, adyen), each through its corridor in
// config/corridors.json, goes submitted → paid → reconciled. Paid by each provider's own signed webhook
// through the real intake: the sandbox moves on its clock; the Stripe, PayPal and Adyen stand-ins move
// when told (POST /.twin/providers/<provider>/state) and sign their webhook as the provider does. Then the
// day is reconciled the way ledger-mismatch does it (the twin's clock past the end of the day, POST
// /reconciliations) and each payout must be `matched` in reconciliation.csv against its own provider's
// report row: the sandbox's settlement file, Stripe's itemized payouts, PayPal's TRR, Adyen's accounting
// report, each rendered by its stand-in from its own state (docs/reconciliation.md, "Each provider's report").
// Against a running twin, the clock stays advanced afterwards (POST /.twin/clock/reset returns it).
//
//   npm run drill -- providers
import { setTimeout as sleep } from 'node:timers/promises';
import { ulid } from 'ulidx';
import { addDays } from '../functions/domain/reconciliation/run-date.js';
import { advanceSandboxClock } from '../local/sandbox/client.js';
import { SANDBOX_US_ROUTING_NUMBER, triggerByName } from '../local/sandbox/triggers.js';
import { csvRows } from './_csv.js';
import { advanceTwinClock, attach, connectTwin, readTwinClock, report, runDrill, type Check } from './_twin.js';

const TENANT = 'drill-providers';
const STATUS_WAIT_MS_MAX = 60_000;
const RECONCILIATION_WAIT_MS_MAX = 120_000;
const POLL_MS = 300;
/** The sandbox moves one state every 5 s on its clock: well past accepted → in_transit → paid. */
const SANDBOX_ADVANCE_SECONDS = 30;
/** A day has ended in every zone at D+1 12:00Z (UTC−12); a margin keeps the clock off its last second. */
const DAY_END_LAG_MS_MAX = 12 * 3600 * 1000;
const CLOCK_MARGIN_SECONDS = 600;

type Provider = 'sandbox' | 'stripe' | 'paypal' | 'adyen';
interface Leg {
  readonly provider: Provider;
  readonly amountMinor: number;
  readonly currency: string;
  readonly destination: Record<string, string>;
  /** The stand-in's states, in order, that take its payout to paid (each one a signed webhook). */
  readonly moves: readonly string[];
}

/** One payout per corridor of config/corridors.json whose provider is not the sandbox, and a sandbox ACH one. */
const LEGS: readonly Leg[] = [
  {
    provider: 'sandbox',
    amountMinor: 10_101,
    currency: 'USD',
    destination: {
      country: 'US',
      method: 'ach',
      routing_number: SANDBOX_US_ROUTING_NUMBER,
      account_number: triggerByName('paid')!.usAccountNumber,
    },
    moves: [],
  },
  {
    provider: 'stripe',
    amountMinor: 20_202,
    currency: 'USD',
    destination: { country: 'US', method: 'stripe_connect', stripe_account: 'acct_1DrillProviders' },
    moves: ['in_transit', 'paid'],
  },
  {
    provider: 'paypal',
    amountMinor: 30_303,
    currency: 'USD',
    destination: { country: 'US', method: 'paypal', email: 'drill-providers@example.com' },
    moves: ['SUCCESS'],
  },
  {
    provider: 'adyen',
    amountMinor: 40_404,
    currency: 'EUR',
    destination: { country: 'NL', method: 'bank_transfer', iban: 'NL91ABNA0417164300' },
    moves: ['booked'],
  },
];

const log = (line: string) => console.log(`• ${line}`);

type Call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Answer>;
type Answer = { status: number; requestId: string | null; body: Record<string, any> };

interface Traced {
  leg: Leg;
  payoutId: string;
  createStatus: number;
  createRequestId: string | null;
  reference: string;
  /** What the provider's report prints as the row's reference: PayPal's TRR, the item's transaction id. */
  reportReference: string;
  status: string;
  moves: { state: string; status: number }[];
}

async function waitFor(call: Call, payoutId: string, done: (payout: Record<string, any>) => boolean) {
  let payout: Record<string, any> = {};
  for (const deadline = Date.now() + STATUS_WAIT_MS_MAX; Date.now() < deadline; await sleep(POLL_MS)) {
    payout = (await call('GET', `/payouts/${payoutId}`)).body;
    if (done(payout)) break;
  }
  return payout;
}

/** Creates the leg's payout, waits until its provider holds it, then has the provider pay it. */
async function payThrough(call: Call, twinUrl: string, sandboxUrl: string, leg: Leg): Promise<Traced> {
  log(`POST /payouts: ${leg.amountMinor} ${leg.currency} minor units, ${leg.destination['method']} → ${leg.provider}`);
  const created = await call(
    'POST',
    '/payouts',
    {
      amount: leg.amountMinor,
      currency: leg.currency,
      destination: leg.destination,
      recipient: { name: 'Drill Recipient' },
      description: `providers drill: ${leg.provider}`,
    },
    { 'idempotency-key': `drill-${ulid()}` },
  );
  const payoutId = String(created.body['payout_id']);
  log(`  → ${created.status}, payout ${payoutId}, provider ${created.body['provider']}`);
  const held = await waitFor(call, payoutId, (p) => typeof p['provider_reference'] === 'string');
  const reference = String(held['provider_reference']);
  log(`  held by ${leg.provider} as ${reference} (${held['status']})`);
  const moves: Traced['moves'] = [];
  for (const state of leg.moves) {
    const moved = await fetch(`${twinUrl}/.twin/providers/${leg.provider}/state`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider_reference: reference, state }),
    });
    moves.push({ state, status: moved.status });
    log(`  POST /.twin/providers/${leg.provider}/state ${state} → ${moved.status} (its signed webhook to the intake)`);
  }
  const paid = await waitFor(call, payoutId, (p) => {
    if (leg.provider === 'sandbox') void advanceSandboxClock(sandboxUrl, SANDBOX_ADVANCE_SECONDS).catch(() => []);
    return p['status'] === 'paid';
  });
  log(`  → status ${paid['status']}`);
  const transactionId = paid['provider_transaction_id'];
  return {
    leg,
    payoutId,
    createStatus: created.status,
    createRequestId: created.requestId,
    reference,
    // The export names a PayPal payout as PayPal's TRR does (docs/providers/paypal.md, "Report").
    reportReference: leg.provider === 'paypal' && typeof transactionId === 'string' ? transactionId : reference,
    status: String(paid['status']),
    moves,
  };
}

async function main(): Promise<boolean> {
  const twin = await connectTwin(log);
  try {
    const tenantToken = await twin.token({ tenant: TENANT, role: 'backend' });
    const financeToken = await twin.token({ operator: 'drill-finance', role: 'finance' });
    const call: Call = async (method, path, body, headers = {}) => {
      const token = path.startsWith('/payouts') ? tenantToken : financeToken;
      const response = await fetch(`${twin.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, requestId: response.headers.get('request-id'), body: await response.json() };
    };

    const traced: Traced[] = [];
    for (const leg of LEGS) traced.push(await payThrough(call, twin.url, twin.sandboxProviderUrl, leg));
    const date = (await readTwinClock(twin.url)).now.slice(0, 10);

    const endsEverywhereMs = Date.parse(`${addDays(date, 1)}T00:00:00.000Z`) + DAY_END_LAG_MS_MAX;
    const untilEnd = Math.max(
      0,
      Math.ceil((endsEverywhereMs - Date.parse((await readTwinClock(twin.url)).now)) / 1000),
    );
    const clock = await advanceTwinClock(twin.url, untilEnd + CLOCK_MARGIN_SECONDS);
    log(`POST /.twin/clock/advance: twin now ${clock.now}, past the end of ${date} in every zone`);

    log(`POST /reconciliations {"date":"${date}"}; polling GET /reconciliations/${date}`);
    const queued = await call('POST', '/reconciliations', { date });
    let run: Record<string, any> | undefined;
    for (const deadline = Date.now() + RECONCILIATION_WAIT_MS_MAX; Date.now() < deadline; await sleep(POLL_MS)) {
      const state = (await call('GET', `/reconciliations/${date}`)).body['reconciliation'];
      if (['succeeded', 'failed'].includes(state?.['state'])) {
        run = state;
        break;
      }
    }
    log(
      `  → ${queued.status}, then ${run?.['state'] ?? 'not finished in time'}, counts ${JSON.stringify(run?.['counts'])}`,
    );

    const exported = await call('GET', `/exports/${date}`);
    const url = (exported.body['files'] as { name: string; url: string }[] | undefined)?.find(
      (f) => f.name === 'reconciliation.csv',
    )?.url;
    const rows = url === undefined ? [] : csvRows(await fetch(url).then((r) => r.text()));
    const rowOf = (t: Traced) => rows.find((r) => r['payout_id'] === t.payoutId);
    for (const t of traced) log(`  reconciliation.csv ${t.leg.provider} ${t.payoutId}: ${rowOf(t)?.['match_status']}`);

    // Not `trace` (the pack's one traced payout is ledger-mismatch's): one row per provider, and the run.
    attach(
      'provider_legs',
      traced.map((t) => ({
        provider: t.leg.provider,
        corridor: `${t.leg.destination['country']}/${t.leg.currency}/${t.leg.destination['method']}`,
        payout_id: t.payoutId,
        create_request_id: t.createRequestId,
        provider_reference: t.reference,
        report_reference: t.reportReference,
        stand_in_moves: t.moves,
        status: t.status,
        report_row: rowOf(t) ?? null,
      })),
    );
    attach('reconciliation_run', {
      date,
      run_id: run?.['run_id'],
      state: run?.['state'],
      counts: run?.['counts'],
      providers: run?.['providers'],
      exports_request_id: exported.requestId,
    });

    const checks: Check[] = [
      {
        what: 'reconciliation queued (202), then succeeded',
        expected: [202, 'succeeded'],
        saw: [queued.status, run?.['state']],
      },
    ];
    for (const t of traced) {
      const row = rowOf(t);
      checks.push(
        {
          what: `${t.leg.provider}: created (201) through its corridor and held by ${t.leg.provider}`,
          expected: [201, true],
          saw: [t.createStatus, t.reference !== '' && t.reference !== 'undefined'],
        },
        {
          what: `${t.leg.provider}: paid by its provider's signed webhook`,
          expected: ['paid', t.leg.moves.map(() => 200)],
          saw: [t.status, t.moves.map((m) => m.status)],
        },
        {
          what: `${t.leg.provider}: matched against its own provider's report row`,
          expected: [t.leg.provider, t.reportReference, 'matched', String(t.leg.amountMinor)],
          saw: [row?.['provider'], row?.['provider_reference'], row?.['match_status'], row?.['provider_gross_minor']],
        },
      );
    }
    return report(checks);
  } finally {
    await twin.stop();
  }
}

runDrill('providers', main);
