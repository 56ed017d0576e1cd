import { join } from 'node:path';
import { CsvReader } from '../../domain/reconciliation/csv-reader';
import { ReportRowReader, type ReportRow } from '../../domain/reconciliation/report';
import { classifyOrphan, classifyPayout } from '../../domain/reconciliation/classify';
import {
  withLedger,
  type LedgerFact,
  type MatchedBy,
  type ReconPayout,
  type ReconRow,
} from '../../domain/reconciliation/matching-types';
import { exceptionRuleOf } from '../../domain/exceptions';
import { isMismatch, mismatchSubjectOf, type MismatchSubject } from '../../domain/reconciliation/categories';
import {
  EXCEPTIONS_CSV_HEADER,
  RECONCILIATION_CSV_HEADER,
  exceptionsCsvLine,
  reconciliationCsvLine,
  type ExceptionRef,
} from '../../domain/reconciliation/export-rows';
import { SummaryAccumulator } from '../../domain/reconciliation/summary';
import { BUCKET_COUNT_DEFAULT, compareKeys, orphanSortKey } from './export-order';
import { FileSink } from './file-sink';
import { ReconStore, type JoinedRow } from './recon-store';

/**
 * The matching engine: a provider report (bytes) and our payouts (a stream) in, reconciliation.csv,
 * exceptions.csv and summary.json out, with memory bounded whatever the row count.
 *
 * The join runs in DuckDB (recon-store.ts): an embedded engine whose hash joins and aggregates spill
 * to /tmp past its memory limit, in place of the hand-written Grace hash join this file used to be. What
 * stays here is ours: the strict report parse (machine-readable errors with line numbers, before any
 * side effect), the classification (pure domain functions), the exceptions and the hashed files.
 *
 *   1  report bytes → strict parse → DuckDB `report`; payouts and ledger facts → DuckDB
 *   2  SQL: each report row resolved to a payout id, by provider reference, else by the payout id
 *      in its metadata; payouts from other days that rows name are looked up (lookupPayouts)
 *   3  SQL: payouts ⋈ their claiming rows (+ ledger sums), and the unclaimed rows, by export bucket
 *   4  per bucket: classify → exceptions → CSV rows, in export order (export-order.ts)
 */
/** How many exception writes run at once: enough to hide DynamoDB latency, few enough to stay polite. */
export const EXCEPTION_WRITE_CONCURRENCY = 8;

export interface EnginePorts {
  /**
   * Opens or updates the exception for a mismatch row; returns its (deterministic) id. `ref.subject`
   * is what the exception is about, the rest what the domain derived from it (exceptions.ts).
   */
  openException(row: ReconRow, ref: Omit<ExceptionRef, 'exceptionId'> & { subject: MismatchSubject }): Promise<string>;
  /** Payouts outside the window that provider rows point at (created on another day). */
  lookupPayouts?(payoutIds: readonly string[]): Promise<ReconPayout[]>;
  /** Called once per bucket with the payouts both sides agree on. */
  onMatched?(payoutIds: readonly string[]): Promise<void>;
}

export interface EngineInput {
  readonly date: string;
  readonly report: AsyncIterable<Uint8Array>;
  readonly payouts: AsyncIterable<ReconPayout>;
  /** Journal entries of the window's payouts, folded per entry; summed per payout in the join. */
  readonly ledger?: AsyncIterable<LedgerFact>;
  readonly outputDir: string;
  /** Export buckets (export-order.ts): they set the row order, so they are part of the output. */
  readonly partitions?: number;
}

export interface EngineResult {
  readonly reportRows: number;
  readonly payoutRows: number;
  readonly ledgerRows: number;
  readonly files: { name: string; path: string; rows: number; bytes: number; sha256: string }[];
  readonly counts: ReturnType<SummaryAccumulator['counts']>;
}

export async function runEngine(input: EngineInput, ports: EnginePorts): Promise<EngineResult> {
  const count = input.partitions ?? BUCKET_COUNT_DEFAULT;
  const store = await ReconStore.open(count);
  try {
    const reportRows = await loadReport(input.report, store);
    const payoutRows = await loadAll(store, 'payouts_in', input.payouts, (a, p) => a.payout(p));
    const ledgerRows = await loadAll(store, 'ledger', input.ledger ?? [], (a, f) => a.ledger(f));
    await store.resolve();
    if (ports.lookupPayouts !== undefined) await store.lookUp(ports.lookupPayouts);
    const written = await joinAndWrite(input, ports, store.joined());
    return { reportRows, payoutRows, ledgerRows, ...written };
  } finally {
    await store.close();
  }
}

type Appender = Awaited<ReturnType<ReconStore['appender']>>;

async function loadAll<T>(
  store: ReconStore,
  table: 'payouts_in' | 'ledger',
  source: AsyncIterable<T> | Iterable<T>,
  append: (appender: Appender, item: T) => void,
): Promise<number> {
  const appender = await store.appender(table);
  let rows = 0;
  try {
    for await (const item of source) {
      rows += 1;
      append(appender, item);
    }
  } finally {
    appender.close();
  }
  return rows;
}

/** The strict parse: a malformed report throws here, before any payout is read or anything written. */
async function loadReport(report: AsyncIterable<Uint8Array>, store: ReconStore): Promise<number> {
  const reader = new CsvReader();
  const rowReader = new ReportRowReader();
  const appender = await store.appender('report');
  let rows = 0;
  let lastLine = 0;
  const take = (records: ReturnType<CsvReader['push']>): void => {
    for (const record of records) {
      lastLine = record.line;
      const row = rowReader.read(record);
      if (row === undefined) continue;
      rows += 1;
      appender.report(row);
    }
  };
  try {
    for await (const chunk of report) take(reader.push(chunk));
    take(reader.end());
    rowReader.finish(lastLine);
  } finally {
    appender.close();
  }
  return rows;
}

/** Writes the joined rows bucket by bucket, opens the exceptions, and closes the three hashed files. */
async function joinAndWrite(input: EngineInput, ports: EnginePorts, joined: AsyncIterable<JoinedRow[]>) {
  const reconciliation = new FileSink(join(input.outputDir, 'reconciliation.csv'), { hash: true });
  const exceptions = new FileSink(join(input.outputDir, 'exceptions.csv'), { hash: true });
  reconciliation.write(RECONCILIATION_CSV_HEADER, 0);
  exceptions.write(EXCEPTIONS_CSV_HEADER, 0);
  const summary = new SummaryAccumulator();
  const writeBucket = async (bucket: JoinedRow[]): Promise<void> => {
    const rows = classifyBucket(bucket);
    const refs = await openExceptions(rows, ports);
    const matched: string[] = [];
    rows.forEach((row, i) => {
      summary.add(row);
      const ref = refs[i];
      reconciliation.write(reconciliationCsvLine(row, ref));
      if (ref !== undefined) exceptions.write(exceptionsCsvLine(row, ref));
      if (row.matchStatus === 'matched' && row.payout !== undefined) matched.push(row.payout.payoutId);
    });
    if (matched.length > 0) await ports.onMatched?.(matched);
  };
  for await (const bucket of bucketsOf(joined)) await writeBucket(bucket);
  const summaryFile = new FileSink(join(input.outputDir, 'summary.json'), { hash: true });
  summaryFile.write(summary.toJson(input.date), 0);
  const files = [
    { name: 'reconciliation.csv', ...reconciliation.close() },
    { name: 'exceptions.csv', ...exceptions.close() },
    { name: 'summary.json', ...summaryFile.close() },
  ];
  return { files, counts: summary.counts() };
}

/** Regroups DuckDB's chunks (ordered by bucket) into whole buckets. */
async function* bucketsOf(chunks: AsyncIterable<JoinedRow[]>): AsyncIterable<JoinedRow[]> {
  let current: JoinedRow[] = [];
  for await (const chunk of chunks) {
    for (const row of chunk) {
      if (current.length > 0 && current[0]!.bucket !== row.bucket) {
        yield current;
        current = [];
      }
      current.push(row);
    }
  }
  if (current.length > 0) yield current;
}

/** Classifies one bucket's joined rows with the domain functions, in export order. */
function classifyBucket(bucket: readonly JoinedRow[]): ReconRow[] {
  const keyed: { key: string; row: ReconRow }[] = bucket.map((joined) => {
    if (joined.payoutJson === null) {
      const report = JSON.parse(joined.claimsJson!) as ReportRow;
      return {
        key: orphanSortKey(report.payoutId, report.providerReference, report.line),
        row: classifyOrphan(report),
      };
    }
    const ours = JSON.parse(joined.payoutJson) as ReconPayout;
    const payout = withLedger(ours, ledgerFactsOf(ours.payoutId, joined));
    const claims = joined.claimsJson === null ? [] : (JSON.parse(`[${joined.claimsJson}]`) as ReportRow[]);
    claims.sort((a, b) => a.line - b.line); // report order: the first claim is the one compared
    const matchedBy: MatchedBy =
      claims.length === 0 ? 'none' : joined.byReference === true ? 'provider_reference' : 'payout_id';
    return { key: payout.payoutId, row: classifyPayout(payout, claims, matchedBy) };
  });
  keyed.sort((a, b) => compareKeys(a.key, b.key));
  return keyed.map((k) => k.row);
}

/** The ledger's sums for a payout as one fact, or none when no journal entry names it. */
function ledgerFactsOf(payoutId: string, joined: JoinedRow): LedgerFact[] | undefined {
  if (joined.ledgerSentMinor === null || joined.ledgerFeeMinor === null) return undefined;
  return [{ payoutId, sentMinor: joined.ledgerSentMinor, feeMinor: joined.ledgerFeeMinor }];
}

async function openExceptions(rows: ReconRow[], ports: EnginePorts): Promise<(ExceptionRef | undefined)[]> {
  const refs: (ExceptionRef | undefined)[] = new Array(rows.length).fill(undefined);
  // One write per dedup key: two provider rows for one unknown reference are one exception, and
  // writing it twice at once would race its optimistic version.
  type Pending = {
    row: ReconRow;
    indexes: number[];
    subject: MismatchSubject;
    partial: Omit<ExceptionRef, 'exceptionId'>;
  };
  const byKey = new Map<string, Pending>();
  rows.forEach((row, index) => {
    if (row.category === null || !isMismatch(row.category)) return;
    const category = row.category;
    const subject = mismatchSubjectOf(category, {
      payoutId: row.payout?.payoutId,
      providerReference: row.report?.providerReference,
    });
    const { dedupKey, owner, slaSeconds } = exceptionRuleOf(subject);
    const known = byKey.get(dedupKey);
    if (known !== undefined) return void known.indexes.push(index);
    byKey.set(dedupKey, { row, indexes: [index], subject, partial: { dedupKey, category, owner, slaSeconds } });
  });
  const pending = [...byKey.values()];
  for (let start = 0; start < pending.length; start += EXCEPTION_WRITE_CONCURRENCY) {
    await Promise.all(
      pending.slice(start, start + EXCEPTION_WRITE_CONCURRENCY).map(async ({ row, indexes, subject, partial }) => {
        const ref = { ...partial, exceptionId: await ports.openException(row, { ...partial, subject }) };
        for (const index of indexes) refs[index] = ref;
      }),
    );
  }
  return refs;
}
