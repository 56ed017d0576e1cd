import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEDGER_ENTRIES_ON_PAYOUT_MAX } from '../../../functions/adapters/ledger-copy';
import { PAYOUT_SK, payoutPk } from '../../../functions/adapters/payout-items';
import { PayoutsRepository } from '../../../functions/adapters/payouts-repository';
import { queryJournalsOf } from '../../../functions/adapters/reconciliation/day-reads';
import { dayWindow, ReconciliationPayoutsSource } from '../../../functions/adapters/reconciliation/payouts-source';
import type { TransitionCommand } from '../../../functions/domain/payout';
import { ledgerFactOf, type LedgerFact } from '../../../functions/domain/reconciliation/matching-types';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { copyOf, journalEntriesOf, payoutItemOf } from '../../support/ledger-copy-check';
import { countReads, type ReadCounter } from '../../support/recon-day-history';
import { samplePayout } from '../payouts/helpers';

// Issue 12, the journal's copy on the payout item: payouts taken through the real writers (create,
// transitions, a reversal, a failure, a cancel) on DynamoDB Local carry their journal entries on
// their item, written in the same transactions; the day's ledger facts read from the day index
// items equal those of one journal Query per payout, at ≤ 1.5 items read per payout, and an item
// without a complete copy (written before it existed, or past its bound) still reconciles from its
// journal. (A correction's copy is checked in test/integration/corrections/corrections.test.ts.)

/** The goal of issue 12: items read per payout of the day, whatever the history. */
const ITEMS_READ_PER_PAYOUT_MAX = 1.5;

let emulators: StartedEmulators;
let repo: PayoutsRepository;
let counter: ReadCounter;
const ids: string[] = [];
/** One fixed moment for every write, so the day read back is the payouts' day whenever the test runs. */
const DAY = '2026-10-05';
const AT = `${DAY}T10:00:00.000Z`;

const command = (
  payoutId: string,
  event: TransitionCommand['event'],
  extra: Partial<TransitionCommand> = {},
): TransitionCommand => ({
  payoutId,
  event,
  source: 'provider_webhook',
  sourceRef: `evt-${event}-${payoutId}`,
  occurredAt: AT,
  recordedAt: AT,
  actor: { kind: 'provider', id: 'sandbox' },
  claim: { provider: 'sandbox' },
  ...extra,
});

/** Each path a payout's ledger can take after creation (submitted: available → in_transit). */
const FLOWS: readonly (readonly [string, readonly [TransitionCommand['event'], Partial<TransitionCommand>?][]])[] = [
  [
    'paid with a fee, then reversed',
    [['provider_accepted'], ['provider_paid', { feeMinor: 25 }], ['provider_reversed']],
  ],
  ['pending, then paid without a fee', [['provider_accepted'], ['provider_pending'], ['provider_paid']]],
  ['failed', [['provider_failed']]],
  ['canceled by the provider', [['provider_canceled']]],
  ['only created', []],
];

beforeAll(async () => {
  emulators = await startEmulators();
  const client = emulators.clients.documentClient;
  repo = new PayoutsRepository({
    client,
    payoutsTable: emulators.names.tables['PayoutsTable']!,
    ledgerTable: emulators.names.tables['LedgerTable']!,
    auditTable: emulators.names.tables['AuditTable']!,
  });
  for (const [, events] of FLOWS) {
    const created = samplePayout({ createdAt: AT, lastEventAt: AT });
    expect((await repo.createPayout(created)).kind).toBe('created');
    for (const [event, extra] of events) {
      const result = await repo.applyTransition(command(created.payout.payoutId, event, extra));
      expect(result.kind).toBe('applied');
    }
    ids.push(created.payout.payoutId);
  }
  counter = countReads(client);
});
afterAll(async () => emulators?.stop());

/** The day of the payouts (all created at AT). */
const today = () => dayWindow(DAY);

async function dayFacts() {
  counter.reset();
  const source = new ReconciliationPayoutsSource({ client: emulators.clients.documentClient, ...tablesOf() });
  const window = today();
  const payouts = [];
  for await (const payout of source.payoutsCreatedIn(window)) payouts.push(payout);
  const facts: LedgerFact[] = [];
  for await (const fact of source.ledgerFactsFrom(window)) facts.push(fact);
  return {
    payouts,
    facts: sorted(facts),
    payoutsRead: counter.read.get(repo.payoutsTable) ?? 0,
    ledgerRead: counter.read.get(repo.ledgerTable) ?? 0,
  };
}

/** The reference: one journal Query per payout, as the day path read before the copy. */
async function journalFacts(payoutIds: readonly string[]): Promise<LedgerFact[]> {
  const facts: LedgerFact[] = [];
  const items = queryJournalsOf(emulators.clients.documentClient, repo.ledgerTable, payoutIds, today().fromIso);
  for await (const item of items) facts.push(ledgerFactOf(String(item['payoutId']), item['postings'] as never));
  return sorted(facts);
}

const tablesOf = () => ({ payoutsTable: repo.payoutsTable, ledgerTable: repo.ledgerTable });
const sorted = (facts: LedgerFact[]) =>
  [...facts].sort((a, b) =>
    `${a.payoutId}${a.sentMinor}${a.feeMinor}`.localeCompare(`${b.payoutId}${b.sentMinor}${b.feeMinor}`),
  );

describe('the journal copy on the payout item', () => {
  it.each(FLOWS.map(([name], i) => [name, i] as const))('%s: the copy is the journal, entry by entry', async (_, i) => {
    const item = await payoutItemOf(emulators.clients.documentClient, repo.payoutsTable, ids[i]!);
    const journal = await journalEntriesOf(emulators.clients.documentClient, repo.ledgerTable, ids[i]!);
    expect(journal.length).toBeGreaterThan(0);
    expect(item['ledgerEntriesComplete']).toBe(true);
    expect(copyOf(item)).toEqual(journal);
  });

  it('a payout read answers without the copy (it is reconciliation’s, not the payout’s)', async () => {
    const payout = await repo.getPayoutById(ids[0]!);
    expect(payout).toBeDefined();
    expect(payout).not.toHaveProperty('ledgerEntries');
    expect(payout).not.toHaveProperty('ledgerEntriesComplete');
  });

  it('the day’s ledger facts from the payout items equal the journal Queries’, at ≤ 1.5 items per payout', async () => {
    const day = await dayFacts();
    expect(day.payouts.map((p) => p.payoutId).sort()).toEqual([...ids].sort());
    expect(day.facts).toEqual(await journalFacts(ids));
    expect(day.facts.length).toBeGreaterThan(ids.length);
    expect({ payoutsRead: day.payoutsRead, ledgerRead: day.ledgerRead }).toEqual({
      payoutsRead: ids.length,
      ledgerRead: 0,
    });
    expect((day.payoutsRead + day.ledgerRead) / ids.length).toBeLessThanOrEqual(ITEMS_READ_PER_PAYOUT_MAX);
  });

  it('an item without a complete copy (written before it existed) reconciles from its journal', async () => {
    const client = emulators.clients.documentClient;
    // One as written before the copy: no attribute at all. One that a transition appended to after
    // the change: a partial list but no marker, which the reader must not trust.
    const [legacy, partial] = [ids[0]!, ids[1]!];
    const key = (payoutId: string) => ({ pk: payoutPk(payoutId), sk: PAYOUT_SK });
    await client.send(
      new UpdateCommand({
        TableName: repo.payoutsTable,
        Key: key(legacy),
        UpdateExpression: 'REMOVE ledgerEntries, ledgerEntriesComplete',
      }),
    );
    await client.send(
      new UpdateCommand({
        TableName: repo.payoutsTable,
        Key: key(partial),
        UpdateExpression: 'REMOVE ledgerEntriesComplete SET ledgerEntries = :one',
        ExpressionAttributeValues: { ':one': copyOf(await payoutItemOf(client, repo.payoutsTable, partial)).slice(-1) },
      }),
    );
    const day = await dayFacts();
    expect(day.facts).toEqual(await journalFacts(ids));
    const journalItems = async (payoutId: string) =>
      (await journalEntriesOf(client, repo.ledgerTable, payoutId)).length;
    expect(day.ledgerRead).toBe((await journalItems(legacy)) + (await journalItems(partial)));
    expect(day.payoutsRead).toBe(ids.length);
  });

  it('past LEDGER_ENTRIES_ON_PAYOUT_MAX versions the copy is dropped, and the journal read instead', async () => {
    const client = emulators.clients.documentClient;
    const created = samplePayout({ createdAt: AT, lastEventAt: AT });
    await repo.createPayout(created);
    const payoutId = created.payout.payoutId;
    // A payout at the bound (no lifecycle gets there; set by hand): its next booking crosses it.
    await client.send(
      new UpdateCommand({
        TableName: repo.payoutsTable,
        Key: { pk: payoutPk(payoutId), sk: PAYOUT_SK },
        UpdateExpression: 'SET #version = :max',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':max': LEDGER_ENTRIES_ON_PAYOUT_MAX },
      }),
    );
    expect(await repo.applyTransition(command(payoutId, 'provider_paid', { feeMinor: 7 }))).toMatchObject({
      kind: 'applied',
    });
    const item = await payoutItemOf(client, repo.payoutsTable, payoutId);
    expect(item).not.toHaveProperty('ledgerEntries');
    expect(item).not.toHaveProperty('ledgerEntriesComplete');
    ids.push(payoutId);
    const day = await dayFacts();
    expect(day.facts).toEqual(await journalFacts(ids));
    expect(day.facts.filter((f) => f.payoutId === payoutId)).toHaveLength(2);
  });
});
