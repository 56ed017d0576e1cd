// O(day) reads for reconciliation (issue 12), one JSON line each, all from one run on DynamoDB Local:
//  - recon.items_read_per_payout: DynamoDB items read (payouts + ledger tables, counted by SDK
//    middleware: Query/Scan ScannedCount, BatchGet items) to reconcile one day with 30 days of
//    history, per payout of that day; baseline = the old filtered Scan's figure on the same table.
//    The seeded payout items carry the copy of their journal entries the writers put there
//    (adapters/ledger-copy.ts), so the day path reads no journal partition;
//  - the same split per table (payouts_table_…, ledger_table_…);
//  - recon.mark_reconciled: UpdateItems per payout of the day and their time per 1,000 payouts
//    (the cost of setting `reconciledAt`), beside the time of the day's reads.
//
//   npm run bench -- recon-day [--days 30] [--per-day 200]
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ReconciliationPayoutsSource, type ReconReadMode } from '../functions/adapters/reconciliation/payouts-source';
import { ENV } from '../functions/shared/names';
import { parseArgs } from '../local/cli/cli-args.js';
import { startEmulators } from '../test/support/emulators.js';
import { countReads, dayOf, historyPayouts, reconcileDay, seedHistory } from '../test/support/recon-day-history.js';
import { printFigure } from './_figure.js';

const FIRST_DAY = '2026-10-01';
const DAYS_DEFAULT = 30;
const PER_DAY_DEFAULT = 200;

export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  const { flags } = parseArgs(argv);
  const days = Number(flags['days'] ?? DAYS_DEFAULT);
  const perDay = Number(flags['per-day'] ?? PER_DAY_DEFAULT);
  const emulators = await startEmulators();
  try {
    const client = emulators.clients.documentClient;
    const tables = { payoutsTable: emulators.env[ENV.payoutsTable]!, ledgerTable: emulators.env[ENV.ledgerTable]! };
    const byDay = historyPayouts(
      Array.from({ length: days }, (_, d) => dayOf(FIRST_DAY, d)),
      perDay,
    );
    await seedHistory(client, tables, byDay);
    const counter = countReads(client);
    // The day before the last: its next-day fee entries are in the table, as on a real night.
    const day = days - 2;
    const measure = async (readMode: ReconReadMode) => {
      counter.reset();
      const source = new ReconciliationPayoutsSource({ client, ...tables, readMode });
      const started = performance.now();
      const { result } = await reconcileDay(source, dayOf(FIRST_DAY, day), byDay[day]!);
      return {
        ms: performance.now() - started,
        payouts: counter.read.get(tables.payoutsTable) ?? 0,
        ledger: counter.read.get(tables.ledgerTable) ?? 0,
        updates: counter.updated.get(tables.payoutsTable) ?? 0,
        matched: result.counts.matched,
      };
    };
    const scan = await measure('scan');
    const indexed = await measure('day_index');
    const perPayout = (n: number) => Number((n / perDay).toFixed(3));
    printFigure(
      'recon.items_read_per_payout',
      perPayout(indexed.payouts + indexed.ledger),
      'items',
      perPayout(scan.payouts + scan.ledger),
    );
    printFigure(
      'recon.payouts_table_items_read_per_payout',
      perPayout(indexed.payouts),
      'items',
      perPayout(scan.payouts),
    );
    printFigure('recon.ledger_table_items_read_per_payout', perPayout(indexed.ledger), 'items', perPayout(scan.ledger));
    printFigure('recon.run_ms', Number(indexed.ms.toFixed(1)), 'ms', Number(scan.ms.toFixed(1)));
    printFigure('recon.mark_reconciled.updates_per_payout', perPayout(indexed.updates), 'UpdateItem', null);
    await markReconciledCost(
      client,
      tables,
      byDay[day]!.map((p) => p.payoutId),
    );
  } finally {
    await emulators.stop();
  }
}

/** Time of the UpdateItems that set `reconciledAt` on the day's payouts, alone, per 1,000 payouts. */
async function markReconciledCost(
  client: ConstructorParameters<typeof ReconciliationPayoutsSource>[0]['client'],
  tables: { payoutsTable: string; ledgerTable: string },
  ids: readonly string[],
): Promise<void> {
  const source = new ReconciliationPayoutsSource({ client, ...tables });
  const started = performance.now();
  await source.markReconciled(ids, '2026-12-01T02:30:00.000Z');
  const ms = performance.now() - started;
  printFigure('recon.mark_reconciled.ms_per_1k_payouts', Number(((ms * 1000) / ids.length).toFixed(1)), 'ms', null);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
