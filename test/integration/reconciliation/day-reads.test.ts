import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ReconciliationPayoutsSource,
  type ReconReadMode,
} from '../../../functions/adapters/reconciliation/payouts-source';
import { ENV } from '../../../functions/shared/names';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { backfillReconDayIndex } from '../../../functions/adapters/reconciliation/day-index-backfill';
import { payoutPk } from '../../../functions/adapters/payout-items';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import {
  countReads,
  dayOf,
  historyPayouts,
  reconcileDay,
  seedHistory,
  type ReadCounter,
} from '../../support/recon-day-history';

// Issue 12, O(day) reads: three days of payouts (every 4th with a fee booked the next day) in
// DynamoDB Local; reconciling the middle day through the day index reads that day's payouts, whose
// items carry their journal entries (adapters/ledger-copy.ts), nothing else, and writes the same
// exports as the old table Scan.

const FIRST = '2026-11-23';
const DAYS = [FIRST, dayOf(FIRST, 1), dayOf(FIRST, 2)];
const PER_DAY = 40;
const SETTLE_EVERY = 4;
let emulators: StartedEmulators;
let counter: ReadCounter;
let tables: { payoutsTable: string; ledgerTable: string };
const byDay = historyPayouts(DAYS, PER_DAY);

beforeAll(async () => {
  emulators = await startEmulators();
  tables = { payoutsTable: emulators.env[ENV.payoutsTable]!, ledgerTable: emulators.env[ENV.ledgerTable]! };
  await seedHistory(emulators.clients.documentClient, tables, byDay, SETTLE_EVERY);
  counter = countReads(emulators.clients.documentClient);
});
afterAll(async () => emulators?.stop());

async function reconcileMiddleDay(readMode: ReconReadMode) {
  counter.reset();
  const source = new ReconciliationPayoutsSource({ client: emulators.clients.documentClient, ...tables, readMode });
  const run = await reconcileDay(source, DAYS[1]!, byDay[1]!);
  return {
    ...run,
    payoutsRead: counter.read.get(tables.payoutsTable) ?? 0,
    ledgerRead: counter.read.get(tables.ledgerTable) ?? 0,
  };
}

describe('reconciliation reads one day (day index gsi4)', () => {
  it('reads only the day’s payouts, their journal entries from their items, and writes what the Scan wrote', async () => {
    const scan = await reconcileMiddleDay('scan');
    const day = await reconcileMiddleDay('day_index');
    // The day's entries: one per payout, plus the next-day fee of every 4th (ids numbered across days).
    const dayEntries = PER_DAY + byDay[1]!.filter((_, i) => (PER_DAY + i) % SETTLE_EVERY === 0).length;
    expect({ payouts: day.payoutsRead, ledger: day.ledgerRead, ledgerRows: day.result.ledgerRows }).toEqual({
      payouts: PER_DAY,
      ledger: 0,
      ledgerRows: dayEntries,
    });
    expect(day.result.payoutRows).toBe(PER_DAY);
    // The Scan reads every item of both tables (payouts, destinations absent here, every entry).
    expect(scan.payoutsRead).toBe(3 * PER_DAY);
    expect(scan.ledgerRead).toBeGreaterThan(3 * PER_DAY);
    expect(day.bytes).toEqual(scan.bytes);
    expect(day.result.counts).toEqual(scan.result.counts);
    expect(day.result.counts.matched).toBeGreaterThan(0);
  });

  it('reads the ledger through the day index when the payouts were not streamed first', async () => {
    counter.reset();
    const source = new ReconciliationPayoutsSource({ client: emulators.clients.documentClient, ...tables });
    const facts = [];
    for await (const fact of source.ledgerFactsFrom({ date: DAYS[2]!, ...window(DAYS[2]!) })) facts.push(fact);
    const ids = new Set(byDay[2]!.map((p) => p.payoutId));
    expect(facts.length).toBeGreaterThanOrEqual(PER_DAY);
    expect(facts.every((fact) => ids.has(fact.payoutId))).toBe(true);
    expect(counter.read.get(tables.payoutsTable)).toBe(PER_DAY);
  });
});

describe('backfilling the day index', () => {
  it('gives payouts written before gsi4 their keys, once, and a day-index run then sees them', async () => {
    const client = emulators.clients.documentClient;
    const old = byDay[0]!.filter((_, i) => i % 2 === 0);
    for (const p of old)
      await client.send(
        new UpdateCommand({
          TableName: tables.payoutsTable,
          Key: { pk: payoutPk(p.payoutId), sk: 'PAYOUT' },
          UpdateExpression: 'REMOVE gsi4pk, gsi4sk',
        }),
      );
    const dayIds = async () => {
      const source = new ReconciliationPayoutsSource({ client, ...tables });
      const ids: string[] = [];
      for await (const p of source.payoutsCreatedIn({ date: DAYS[0]!, ...window(DAYS[0]!) })) ids.push(p.payoutId);
      return ids.sort();
    };
    expect(await dayIds()).toHaveLength(PER_DAY - old.length);
    expect(await backfillReconDayIndex(client, tables.payoutsTable)).toEqual({
      scanned: 3 * PER_DAY,
      updated: old.length,
    });
    expect(await dayIds()).toEqual(byDay[0]!.map((p) => p.payoutId).sort());
    expect((await backfillReconDayIndex(client, tables.payoutsTable)).updated).toBe(0);
  });
});

function window(date: string) {
  const from = Date.parse(`${date}T00:00:00.000Z`);
  return { fromIso: new Date(from).toISOString(), toIso: new Date(from + 86_400_000).toISOString() };
}
