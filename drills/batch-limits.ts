// Drill: batch limits (issue 13, DESIGN §6). Through the twin's HTTP API:
//  1. 15,000 inline items are accepted (202) and 15,001 refused (400 batch_items_too_many, nothing written).
//     The 15,000-item batch's EUR total is over the four-eyes threshold, so it waits for its approval and
//     is never fanned out here: draining 15,000 payouts takes minutes on 2 cores (npm run bench -- batches),
//     and the gate's other drills share this twin. The drain is shown on a batch of DRAIN_ITEMS instead.
//  2. A batch of DRAIN_ITEMS: 1 % of its items go to the sandbox's `failed` test IBAN, one to the
//     policy-gated IN/INR corridor (so the batch needs its approval: INR has no threshold, fail closed),
//     one to the JP corridor, which is not enabled. It is approved and drains: the JP item is rejected
//     alone; the IN item passes the single payout's gates (issue 15) and is held before submission
//     (corridor_enablement, owned by ops: the tenant is not enabled for the corridor), never sent to the
//     provider; the tenant cancels it, and the batch ends completed_with_failures.
//  3. The same sender_batch_id with other content inside the window: 409 batch_id_reused, with the link.
//  4. The backend's token gets 403 on the retry; the batch operator's retry moves nothing, because the only
//     rejection is terminal (a corridor we have not enabled); no paid item is paid twice (the sandbox holds
//     one payout per payout id).
//  5. Reconciliation of the day: every item's payout is on reconciliation.csv, with its batch identity.
//
//   npm run drill -- batch-limits
import { setTimeout as sleep } from 'node:timers/promises';
import { ulid } from 'ulidx';
import { addDays } from '../functions/domain/reconciliation/run-date.js';
import { BATCH_ITEMS_MAX } from '../functions/domain/batches/batch-limits.js';
import { advanceSandboxClock, countSandboxPayouts } from '../local/sandbox/client.js';
import { advanceTwinClock, connectTwin, readTwinClock, report, runDrill, type Check } from './_twin.js';
import { csvRows } from './_csv.js';

const TENANT = 'drill-batches';
/** Items of the batch that is drained to final states (the CI-sized part of the drill). */
const DRAIN_ITEMS = 100;
/** 1 % of DRAIN_ITEMS fail at the provider (the sandbox's `failed` test IBAN: account_closed). */
const FAILING_ITEMS = DRAIN_ITEMS / 100;
/** Which of the drained items go to the sandbox's failing IBAN: spread evenly through the batch. */
const FAILING_INDICES = new Set(
  Array.from({ length: FAILING_ITEMS }, (_, i) => Math.floor(((i + 0.5) * DRAIN_ITEMS) / FAILING_ITEMS)),
);
const PAID_IBAN = 'DE89370400440532013000';
const FAILED_IBAN = 'DE62370400440532013001';
/** Small enough that DRAIN_ITEMS stay under the EUR threshold; the large batch's items are over it together. */
const ITEM_AMOUNT_MINOR = 1_000;
const DRAIN_WAIT_MS_MAX = 240_000;
const POLL_MS = 1_000;
const SANDBOX_STEP_SECONDS = 30;
const FINAL_BATCH_STATUSES = ['completed', 'completed_with_failures', 'canceled'];
const RECONCILIATION_WAIT_MS_MAX = 120_000;
/** A day has ended in every zone at D+1 12:00Z (ledger-mismatch.ts says why); past it by a margin. */
const DAY_END_LAG_MS_MAX = 12 * 3600 * 1000;
const CLOCK_MARGIN_SECONDS = 600;

const log = (line: string) => console.log(`• ${line}`);
type Json = Record<string, any>;

const itemId = (index: number) => `item-${String(index).padStart(5, '0')}`;

function item(index: number, iban = PAID_IBAN): Json {
  return {
    sender_item_id: itemId(index),
    amount: ITEM_AMOUNT_MINOR,
    currency: 'EUR',
    destination: { country: 'DE', method: 'sepa', iban },
    recipient: { name: `Drill Payee ${index}` },
  };
}

/** Not enabled (config/corridors.json): rejected by the fan-out, terminal, into the platform's group. */
const NOT_ENABLED_ITEM = {
  sender_item_id: 'item-jp-00001',
  amount: 5_000,
  currency: 'JPY',
  destination: { country: 'JP', method: 'zengin' },
  recipient: { name: 'Drill Payee JP' },
};

const POLICY_GATED_ITEM = {
  sender_item_id: 'item-in-00001',
  amount: 50_000,
  currency: 'INR',
  destination: { country: 'IN', method: 'imps', account_number: '1234567890', ifsc: 'HDFC0000001' },
  recipient: { name: 'Drill Payee IN' },
};

async function main(): Promise<boolean> {
  const twin = await connectTwin(log);
  try {
    const tokens = {
      backend: await twin.token({ tenant: TENANT, role: 'backend' }),
      approver: await twin.token({ tenant: TENANT, role: 'approver' }),
      operator: await twin.token({ tenant: TENANT, role: 'batch-operator' }),
      finance: await twin.token({ operator: 'drill-finance', role: 'finance' }),
      ops: await twin.token({ operator: 'drill-ops', role: 'ops' }),
    };
    const call = async (method: string, path: string, token: string, body?: unknown) => {
      const response = await fetch(`${twin.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, headers: response.headers, body: (await response.json()) as Json };
    };
    const run = ulid().toLowerCase();
    const checks: Check[] = [];

    const limits = await acceptAndRefuse(call, tokens.backend, run);
    checks.push(...limits);
    const drained = await drainSmallBatch(twin, call, tokens, run);
    checks.push(...drained.checks);
    checks.push(...(await reconcileDay(twin, call, tokens.finance, drained)));
    return report(checks);
  } finally {
    await twin.stop();
  }
}

type Call = (
  method: string,
  path: string,
  token: string,
  body?: unknown,
) => Promise<{ status: number; headers: Headers; body: Json }>;

async function acceptAndRefuse(call: Call, backend: string, run: string): Promise<Check[]> {
  const senderBatchId = `limits-${run}`;
  const items = Array.from({ length: BATCH_ITEMS_MAX }, (_, i) => item(i));
  log(`POST /batches with ${BATCH_ITEMS_MAX} inline items (sender_batch_id ${senderBatchId})`);
  const startedMs = Date.now();
  const accepted = await call('POST', '/batches', backend, { sender_batch_id: senderBatchId, items });
  const acceptMs = Date.now() - startedMs;
  log(
    `  → ${accepted.status} in ${acceptMs} ms, batch ${accepted.body['batch_id']}, ${accepted.body['item_count']} items`,
  );
  // The accept stores the items as one object and answers 202 (docs/batches.md); if it ever fails, the error says why.
  if (accepted.status !== 202) log(`    ${JSON.stringify(accepted.body['error'] ?? accepted.body).slice(0, 300)}`);
  const over = `${senderBatchId}-over`;
  log(`POST /batches with ${BATCH_ITEMS_MAX + 1} items (sender_batch_id ${over})`);
  const refused = await call('POST', '/batches', backend, {
    sender_batch_id: over,
    items: [...items, item(BATCH_ITEMS_MAX)],
  });
  log(`  → ${refused.status} ${refused.body['error']?.['code']}`);
  const found = await call('GET', `/batches?sender_batch_id=${over}`, backend);
  return [
    {
      what: `${BATCH_ITEMS_MAX} items are accepted`,
      expected: [202, BATCH_ITEMS_MAX],
      saw: [accepted.status, accepted.body['item_count']],
    },
    {
      what: `${BATCH_ITEMS_MAX + 1} items are refused as a whole`,
      expected: [400, 'batch_items_too_many'],
      saw: [refused.status, refused.body['error']?.['code']],
    },
    {
      what: 'the refused batch wrote nothing (GET /batches?sender_batch_id= finds none)',
      expected: 0,
      saw: found.body['data']?.length,
    },
  ];
}

interface Drained {
  checks: Check[];
  batchId: string;
  senderBatchId: string;
  items: Json[];
}

async function drainSmallBatch(
  twin: Awaited<ReturnType<typeof connectTwin>>,
  call: Call,
  tokens: Record<'backend' | 'approver' | 'operator' | 'ops', string>,
  run: string,
): Promise<Drained> {
  const senderBatchId = `drain-${run}`;
  const failing = FAILING_INDICES;
  const items = [
    ...Array.from({ length: DRAIN_ITEMS }, (_, i) => item(i, failing.has(i) ? FAILED_IBAN : PAID_IBAN)),
    POLICY_GATED_ITEM,
    NOT_ENABLED_ITEM,
  ];
  log(
    `POST /batches: ${items.length} items, ${FAILING_ITEMS} to the sandbox's failed IBAN, 1 in the policy-gated IN/INR corridor, 1 in the JP corridor (not enabled)`,
  );
  const created = await call('POST', '/batches', tokens.backend, { sender_batch_id: senderBatchId, items });
  const batchId = String(created.body['batch_id']);
  log(
    `  → ${created.status}, batch ${batchId}, approval ${JSON.stringify(created.body['approval']?.['thresholds'] ?? null)}`,
  );
  log(`POST /batches/${batchId}/approve by the tenant's approver`);
  const approved = await call('POST', `/batches/${batchId}/approve`, tokens.approver);
  log(`  → ${approved.status}`);

  log('POST /batches again: same sender_batch_id, one amount changed');
  const changed = items.map((it, i) => (i === 0 ? { ...it, amount: ITEM_AMOUNT_MINOR + 1 } : it));
  const reused = await call('POST', '/batches', tokens.backend, { sender_batch_id: senderBatchId, items: changed });
  log(`  → ${reused.status} ${reused.body['error']?.['code']} ${reused.body['error']?.['batch_url']}`);

  // Every item final but the held one, which waits before submission for its hold (nothing will release it).
  log(`draining: advancing the sandbox clock ${SANDBOX_STEP_SECONDS}s a poll until every unheld item is final`);
  const startedMs = Date.now();
  let batch: Json = {};
  for (const deadline = Date.now() + DRAIN_WAIT_MS_MAX; Date.now() < deadline; await sleep(POLL_MS)) {
    await advanceSandboxClock(twin.sandboxProviderUrl, SANDBOX_STEP_SECONDS).catch(() => []);
    batch = (await call('GET', `/batches/${batchId}`, tokens.backend)).body;
    const counts = (batch['counts'] ?? {}) as Record<string, number>;
    const unfinished = ['received', 'requires_approval', 'submitted', 'accepted', 'pending'].reduce(
      (sum, status) => sum + (counts[status] ?? 0),
      0,
    );
    if (
      FINAL_BATCH_STATUSES.includes(batch['status']) ||
      (batch['materialised_item_count'] === items.length && unfinished <= 1)
    )
      if ((await heldItems(call, tokens.backend, batchId)).length === unfinished) break;
  }
  log(
    `  → ${batch['status']} after ${((Date.now() - startedMs) / 1000).toFixed(1)} s, counts ${JSON.stringify(batch['counts'])}`,
  );
  const held = await heldItems(call, tokens.backend, batchId);
  log(`held items: ${JSON.stringify(held.map((it) => [it['sender_item_id'], it['open_holds']]))}`);
  const heldPayout =
    held[0] === undefined ? {} : (await call('GET', `/payouts/${held[0]['payout_id']}`, tokens.backend)).body;
  const heldAtProvider =
    held[0] === undefined ? -1 : await countSandboxPayouts(twin.sandboxProviderUrl, held[0]['payout_id']);
  log(
    `GET /payouts/${heldPayout['payout_id']} → ${heldPayout['status']}, holds ${JSON.stringify(heldPayout['holds']?.map((h: Json) => [h['kind'], h['owner'], h['state'] ?? h['released_at'] ?? 'open']))}; sandbox payouts ${heldAtProvider}`,
  );
  log(`POST /payouts/${heldPayout['payout_id']}/cancel by the tenant's backend`);
  const canceled = await fetch(`${twin.url}/payouts/${heldPayout['payout_id']}/cancel`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${tokens.backend}`,
      'content-type': 'application/json',
      'idempotency-key': `drill-cancel-${run}`,
    },
    body: JSON.stringify({}),
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as Json }));
  log(`  → ${canceled.status} ${canceled.body['status'] ?? canceled.body['error']?.['code']}`);
  for (const deadline = Date.now() + DRAIN_WAIT_MS_MAX; Date.now() < deadline; await sleep(POLL_MS)) {
    batch = (await call('GET', `/batches/${batchId}`, tokens.backend)).body;
    if (FINAL_BATCH_STATUSES.includes(batch['status'])) break;
  }
  log(`  → batch ${batch['status']}, counts ${JSON.stringify(batch['counts'])}`);

  // The provider's failures are the items' own outcome; the fan-out's rejections are counted into one
  // exception per (batch, failure source) (docs/batches.md), which ops read by batch id.
  const groups = (await call('GET', `/exceptions?batch_id=${batchId}`, tokens.ops)).body;
  log(
    `GET /exceptions?batch_id=${batchId} → ${JSON.stringify(groups['data']?.map((g: Json) => [g['category'], g['owner'], g['item_count']]))}`,
  );
  const failed = (await call('GET', `/batches/${batchId}/items?status=failed&limit=100`, tokens.backend)).body;
  const failedPayouts = await Promise.all(
    (failed['data'] ?? []).map(
      async (it: Json) => (await call('GET', `/payouts/${it['payout_id']}`, tokens.backend)).body,
    ),
  );
  log(
    `GET /batches/${batchId}/items?status=failed → ${failed['data']?.length} items: ${failedPayouts.map((p) => `${p['payout_id']} ${p['status_reason'] ?? p['failure_code'] ?? ''}`).join(', ')}`,
  );
  const rejected = (await call('GET', `/batches/${batchId}/items?status=rejected`, tokens.backend)).body;
  log(
    `GET /batches/${batchId}/items?status=rejected → ${JSON.stringify(rejected['data']?.map((it: Json) => it['error']?.['code']))}`,
  );

  log(`POST /batches/${batchId}/retry with the backend's token, then with the batch operator's`);
  const byBackend = await call('POST', `/batches/${batchId}/retry`, tokens.backend);
  const retried = await call('POST', `/batches/${batchId}/retry`, tokens.operator);
  log(
    `  → backend ${byBackend.status} ${byBackend.body['error']?.['code']}; operator ${retried.status} moved ${retried.body['moved']}`,
  );
  await sleep(5 * POLL_MS); // the retry's fan-out of the reopened item
  const all = await allItems(call, tokens.backend, batchId);
  // The canceled item never reached the provider (checked above): every other item with a payout has one there.
  const withPayout = all.filter((it) => it['status'] !== 'rejected' && it['status'] !== 'canceled');
  const counts = await Promise.all(
    withPayout.map((it) => countSandboxPayouts(twin.sandboxProviderUrl, it['payout_id'])),
  );
  const after = (await call('GET', `/batches/${batchId}`, tokens.backend)).body;
  log(
    `after the retry: ${JSON.stringify(after['counts'])}; sandbox payouts per item: ${JSON.stringify(countBy(counts))}`,
  );

  return {
    batchId,
    senderBatchId,
    items: all,
    checks: [
      { what: 'the batch over the EUR threshold is approved by the approver', expected: 200, saw: approved.status },
      {
        what: 'the same sender_batch_id with other content, within the window: refused with the original',
        expected: [409, 'batch_id_reused', batchId, `/batches/${batchId}`],
        saw: [
          reused.status,
          reused.body['error']?.['code'],
          reused.body['error']?.['batch_id'],
          reused.body['error']?.['batch_url'],
        ],
      },
      {
        what: `a batch with ${FAILING_ITEMS} failing items (1 %) ends completed_with_failures`,
        expected: 'completed_with_failures',
        saw: batch['status'],
      },
      {
        what: 'its failed items are listed with their failure (account_closed at the provider)',
        expected: Array(FAILING_ITEMS).fill('failed'),
        saw: failedPayouts.map((p) => p['status']),
      },
      {
        what: 'the policy-gated item is held before submission, as a single payout is: its hold owned by ops',
        expected: [
          [POLICY_GATED_ITEM.sender_item_id, [['corridor_enablement', 'ops', 'corridor_enablement:IN/INR/imps']]],
        ],
        saw: held.map((it) => [
          it['sender_item_id'],
          it['open_holds']?.map((h: Json) => [h['kind'], h['owner'], h['requirement']]),
        ]),
      },
      {
        what: 'the held item never reached the provider (no sandbox payout), and the tenant can cancel it',
        expected: [0, 200, 'canceled'],
        saw: [heldAtProvider, canceled.status, canceled.body['status']],
      },
      {
        what: 'the item in the corridor we have not enabled is rejected alone, with its error',
        expected: [['corridor_not_enabled', 'terminal']],
        saw: rejected['data']?.map((it: Json) => [it['error']?.['code'], it['error']?.['category']]),
      },
      {
        // One exception per failure source, not one per item: the provider's account_closed items (the
        // recipient's) in one group, the item the fan-out rejected (our corridor matrix: the platform's) in another.
        what: 'failed items are grouped per failure source: the provider-failed ones, and the rejected one',
        expected: [
          ['batch_items_failed_platform', 1, [NOT_ENABLED_ITEM.sender_item_id]],
          ['batch_items_failed_recipient', FAILING_ITEMS, [...FAILING_INDICES].map((i) => itemId(i))],
        ],
        // Groups are listed by when they opened; both open in the same fan-out, so compare them by category.
        saw: groups['data']
          ?.map((g: Json) => [g['category'], g['item_count'], g['items']?.map((m: Json) => m['sender_item_id'])])
          .sort((a: Json[], b: Json[]) => String(a[0]).localeCompare(String(b[0]))),
      },
      {
        what: 'a retry with the backend token is refused',
        expected: [403, 'insufficient_scope'],
        saw: [byBackend.status, byBackend.body['error']?.['code']],
      },
      {
        what: 'the batch operator retry moves nothing: the only rejection is terminal',
        expected: [200, 0],
        saw: [retried.status, retried.body['moved']],
      },
      {
        what: 'no item is paid twice: one sandbox payout per item with a payout; the counts unchanged by the retry',
        expected: { payouts_per_item: [1], counts: batch['counts'] },
        saw: { payouts_per_item: [...new Set(counts)], counts: after['counts'] },
      },
    ],
  };
}

/** The items whose payouts wait on an open hold (GET /batches/{id}/items shows `open_holds`). */
async function heldItems(call: Call, token: string, batchId: string): Promise<Json[]> {
  return (await allItems(call, token, batchId)).filter((it) => (it['open_holds'] ?? []).length > 0);
}

async function allItems(call: Call, token: string, batchId: string): Promise<Json[]> {
  const items: Json[] = [];
  let cursor: string | null = null;
  do {
    const page: Json = (
      await call('GET', `/batches/${batchId}/items?limit=100${cursor ? `&cursor=${cursor}` : ''}`, token)
    ).body;
    items.push(...(page['data'] ?? []));
    cursor = page['next_cursor'] ?? null;
  } while (cursor !== null);
  return items;
}

async function reconcileDay(
  twin: Awaited<ReturnType<typeof connectTwin>>,
  call: Call,
  finance: string,
  drained: Drained,
): Promise<Check[]> {
  const clock = await readTwinClock(twin.url);
  const date = clock.now.slice(0, 10);
  const endsEverywhereMs = Date.parse(`${addDays(date, 1)}T00:00:00.000Z`) + DAY_END_LAG_MS_MAX;
  const advanceSeconds =
    Math.max(0, Math.ceil((endsEverywhereMs - Date.parse(clock.now)) / 1000)) + CLOCK_MARGIN_SECONDS;
  log(`POST /.twin/clock/advance {"seconds":${advanceSeconds}}: past the end of ${date}; POST /reconciliations`);
  await advanceTwinClock(twin.url, advanceSeconds);
  await call('POST', '/reconciliations', finance, { date });
  let state: Json | undefined;
  for (const deadline = Date.now() + RECONCILIATION_WAIT_MS_MAX; Date.now() < deadline; await sleep(POLL_MS)) {
    state = (await call('GET', `/reconciliations/${date}`, finance)).body['reconciliation'];
    if (state?.['state'] === 'succeeded' || state?.['state'] === 'failed') break;
  }
  log(`  → ${state?.['state']}, counts ${JSON.stringify(state?.['counts'])}`);
  const exported = await call('GET', `/exports/${date}`, finance);
  const url = (exported.body['files'] as { name: string; url: string }[] | undefined)?.find(
    (f) => f.name === 'reconciliation.csv',
  )?.url;
  const rows = url === undefined ? [] : csvRows(await fetch(url).then((r) => r.text()));
  const byPayout = new Map(rows.map((r) => [r['payout_id'], r]));
  const withPayout = drained.items.filter((it) => it['status'] !== 'rejected');
  // The row names its batch through the item identity's key; a sender_batch_id column, once exports carry it
  // (the i13-recon half of issue 13), must agree with it.
  const unlinked = withPayout.filter((it) => {
    const row = byPayout.get(it['payout_id']);
    if (row === undefined) return true;
    const keyOk = row['idempotency_key'] === `batch/${drained.senderBatchId}/${it['sender_item_id']}`;
    return !keyOk || (row['sender_batch_id'] !== undefined && row['sender_batch_id'] !== drained.senderBatchId);
  });
  log(
    `GET /exports/${date} reconciliation.csv: ${rows.length} rows; batch items without their row or batch: ${unlinked.length}`,
  );
  return [
    { what: `reconciliation of ${date} succeeds`, expected: 'succeeded', saw: state?.['state'] },
    {
      what: 'every item with a payout is on reconciliation.csv with its batch identity (batch/<sender_batch_id>/<sender_item_id>)',
      expected: { items: withPayout.length, unlinked: [] },
      saw: { items: withPayout.length, unlinked: unlinked.map((it) => it['sender_item_id']) },
    },
  ];
}

function countBy(values: readonly number[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[String(value)] = (counts[String(value)] ?? 0) + 1;
  return counts;
}

runDrill('batch-limits', main);
