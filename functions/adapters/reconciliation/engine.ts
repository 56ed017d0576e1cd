import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { CsvReader } from '../../domain/reconciliation/csv-reader';
import { ReportRowReader, type ReportRow } from '../../domain/reconciliation/report';
import { classifyOrphan, classifyPayout } from '../../domain/reconciliation/classify';
import type { LedgerFact, MatchedBy, ReconPayout, ReconRow } from '../../domain/reconciliation/matching-types';
import { exceptionRuleOf } from '../../domain/exceptions';
import { isMismatch, mismatchSubjectOf, type MismatchSubject } from '../../domain/reconciliation/categories';
import {
  EXCEPTIONS_CSV_HEADER,
  exceptionsCsvLine,
  reconciliationCsvLine,
  type ExceptionRef,
} from '../../domain/reconciliation/export-rows';
import { SummaryAccumulator, type AgreedBatchGroup, type AgreedGroup } from '../../domain/reconciliation/summary';
import { BATCH_FAILED_IDS_MAX } from '../../domain/reconciliation/batch-summary';
import { BUCKET_COUNT_DEFAULT, compareKeys, orphanSortKey } from './export-order';
import { FileSink } from './file-sink';
import { gateReport } from './report-gate';
import { ReconStore, type DomainRow } from './recon-store';
import type { ReconLakeTable } from '../../shared/recon-lake';

/**
 * The matching engine: a provider report and our payouts (a stream or a file) in, reconciliation.csv,
 * exceptions.csv and summary.json out, with memory bounded whatever the row count.
 *
 * DuckDB does the engine work (recon-store.ts): it reads the report file itself, joins, decides
 * which rows both sides agree on and writes their CSV lines, spilling to /tmp past its memory limit.
 * What stays in JavaScript is ours and small: the rows with any doubt go through the pure domain
 * classification (classify.ts, the source of truth), their exceptions are opened, and their lines
 * go back to DuckDB for the one COPY in export order.
 *
 *   1  report file → gate (report-gate.ts) → read_csv + typed checks; anything refused → the strict
 *      JS reader, which names the line and error (before any side effect) or reads the odd valid file
 *   2  payouts and ledger facts → NDJSON files → read_json; each report row resolved to a payout;
 *      payouts from other days that rows name are looked up (lookupPayouts)
 *   3  SQL: the agreed rows' lines; per bucket of the rest: classify → exceptions → lines
 *   4  COPY reconciliation.csv in export order (export-order.ts), then its SHA-256
 */
/** How many exception writes run at once: enough to hide DynamoDB latency, few enough to stay polite. */
export const EXCEPTION_WRITE_CONCURRENCY = 8;

/**
 * The engine's steps, in the order they end: `report` read and checked; `our_side` (payouts and
 * ledger facts) loaded; `resolve` (every provider row to a payout, the other days' payouts looked
 * up); `classify` (SQL's verdict); `domain` (the doubtful rows classified, their exceptions opened);
 * `export` (the ordered COPY, the hashes, summary.json). A port may time them: the bench prints
 * each step's CPU beside DuckDB's bare join (bench/reconcile.ts), which is the profile issue 12 asks for.
 */
export const ENGINE_PHASES = ['report', 'our_side', 'resolve', 'classify', 'domain', 'export'] as const;
export type EnginePhase = (typeof ENGINE_PHASES)[number];

export interface EnginePorts {
  /**
   * Opens or updates the exception for a mismatch row; returns its (deterministic) id. `ref.subject`
   * is what the exception is about, the rest what the domain derived from it (exceptions.ts).
   */
  openException(row: ReconRow, ref: Omit<ExceptionRef, 'exceptionId'> & { subject: MismatchSubject }): Promise<string>;
  /** Payouts outside the window that provider rows point at (created on another day). */
  lookupPayouts?(payoutIds: readonly string[]): Promise<ReconPayout[]>;
  /** Called with the payouts both sides agree on, in chunks. */
  onMatched?(payoutIds: readonly string[]): Promise<void>;
  /** Called as each step ends (ENGINE_PHASES order); it must not throw. */
  phaseDone?(phase: EnginePhase): void;
}

/**
 * One side's rows: a stream (the engine writes it to an NDJSON file as it comes) or that file
 * already on disk (one JSON object a line, the type's own field names; the bench hands its file).
 */
export type EngineRows<T> = AsyncIterable<T> | Iterable<T> | { readonly ndjsonPath: string };

export interface EngineInput {
  readonly date: string;
  /** The report's bytes; written to a scratch directory for DuckDB unless `reportPath` names the file already. */
  readonly report?: AsyncIterable<Uint8Array>;
  readonly reportPath?: string;
  /** The window's payouts in load order: the last for an id or a reference wins. */
  readonly payouts: EngineRows<ReconPayout>;
  /** Journal entries of the window's payouts, folded per entry; summed per payout in the join. */
  readonly ledger?: EngineRows<LedgerFact>;
  readonly outputDir: string;
  /** Export buckets (export-order.ts): they set the row order, so they are part of the output. */
  readonly partitions?: number;
  /**
   * When set, the day's lake partitions (shared/recon-lake.ts) are written under this directory as
   * DuckDB loads the day, for the athena engine to upload (athena-day.ts); their keys are returned.
   */
  readonly lakeRoot?: string;
  /**
   * The provider whose report this is: a row of it no payout claims names it in the export's `provider`
   * column. The caller hands the engine that provider's payouts only (app/reconciliation/provider-days.ts).
   */
  readonly provider?: string;
  /**
   * Where the day's totals accumulate. A run over several providers passes one for all of them and writes
   * summary.json itself; absent, the engine starts its own. Either way it writes its own summary.json.
   */
  readonly summary?: SummaryAccumulator;
}

export interface EngineResult {
  readonly reportRows: number;
  readonly payoutRows: number;
  readonly ledgerRows: number;
  readonly files: { name: string; path: string; rows: number; bytes: number; sha256: string }[];
  readonly counts: ReturnType<SummaryAccumulator['counts']>;
  /** Whether DuckDB read the report itself (false: the strict JS reader did). */
  readonly reportFastPath: boolean;
  /** The lake partitions written under `lakeRoot`, relative to it (empty without it). */
  readonly lakeKeys: readonly string[];
}

export async function runEngine(input: EngineInput, ports: EnginePorts): Promise<EngineResult> {
  const count = input.partitions ?? BUCKET_COUNT_DEFAULT;
  // Not in outputDir: that holds the exports and nothing else (a refused report leaves it empty).
  const scratch = mkdtempSync(join(tmpdir(), 'recon-inputs-'));
  let store: ReconStore | undefined;
  try {
    const reportPath = await reportFile(input, scratch);
    store = await ReconStore.open(count);
    const fast = await store.loadReportCsv(reportPath, await gateReport(reportPath));
    const reportRows = fast ?? (await loadReport(createReadStream(reportPath), store));
    ports.phaseDone?.('report');
    // Only after the report is read: a malformed one fails the run before our side is read at all.
    const payoutRows = await store.loadPayoutsJson(await ndjsonFile(input.payouts, scratch, 'payouts.ndjson'));
    const ledgerRows = await store.loadLedgerJson(await ndjsonFile(input.ledger ?? [], scratch, 'ledger.ndjson'));
    const lake = (tables: ReconLakeTable[]) =>
      input.lakeRoot === undefined ? [] : store!.writeDayPartitions(tables, input.date, input.lakeRoot);
    const lakeKeys = [...(await lake(['report', 'payouts', 'ledger']))];
    ports.phaseDone?.('our_side');
    await store.resolve();
    if (ports.lookupPayouts !== undefined) await store.lookUp(ports.lookupPayouts);
    lakeKeys.push(...(await lake(['looked_up'])));
    ports.phaseDone?.('resolve');
    await store.classify();
    ports.phaseDone?.('classify');
    const written = await writeExports(input, ports, store);
    return { reportRows, payoutRows, ledgerRows, ...written, reportFastPath: fast !== undefined, lakeKeys };
  } finally {
    await store?.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The report as a file DuckDB can read: the given one, or the bytes written to the scratch directory. */
async function reportFile(input: EngineInput, scratch: string): Promise<string> {
  if (input.reportPath !== undefined) return input.reportPath;
  if (input.report === undefined) throw new Error('runEngine: neither report nor reportPath given');
  await pipeline(Readable.from(input.report), createWriteStream(join(scratch, 'report.csv')));
  return join(scratch, 'report.csv');
}

/**
 * A side's rows as an NDJSON file DuckDB reads itself (read_json). JSON.stringify is the one cost a
 * row pays in JavaScript on the way in: measured at 100k payouts, the typed appender this replaced
 * spent ~12 µs a row in JS calls (appendVarchar, appendNull, endRow), and read_json reads the file
 * in ~4.5 µs a row of native code. The file is written as the rows arrive, so memory stays one buffer.
 */
async function ndjsonFile<T>(rows: EngineRows<T>, scratch: string, name: string): Promise<string> {
  if ('ndjsonPath' in rows) return rows.ndjsonPath;
  const sink = new FileSink(join(scratch, name));
  try {
    for await (const row of rows) sink.write(`${JSON.stringify(row)}\n`);
  } finally {
    sink.close();
  }
  return sink.path;
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

/** The domain's rows bucket by bucket (exceptions opened, lines back to DuckDB), the agreed rows, the COPY. */
async function writeExports(input: EngineInput, ports: EnginePorts, store: ReconStore) {
  const exceptions = new FileSink(join(input.outputDir, 'exceptions.csv'), { hash: true });
  exceptions.write(EXCEPTIONS_CSV_HEADER, 0);
  const summary = input.summary ?? new SummaryAccumulator();
  const lines = await store.lineWriter();
  let domainRows = 0;
  try {
    for await (const bucket of bucketsOf(store.forDomain())) {
      const { rows, keys } = classifyBucket(bucket, input.provider);
      const refs = await openExceptions(rows, ports);
      const matched: string[] = [];
      rows.forEach((row, i) => {
        summary.add(row);
        const ref = refs[i];
        lines.add(
          bucket[0]!.bucket,
          keys[i]!.k1,
          keys[i]!.k2,
          keys[i]!.k3,
          reconciliationCsvLine(row, ref).slice(0, -1),
        );
        if (ref !== undefined) exceptions.write(exceptionsCsvLine(row, ref));
        if (row.matchStatus === 'matched' && row.payout !== undefined) matched.push(row.payout.payoutId);
      });
      domainRows += rows.length;
      if (matched.length > 0) await ports.onMatched?.(matched);
    }
  } finally {
    lines.close();
  }
  ports.phaseDone?.('domain');
  const agreed = await store.cleanSummary();
  for (const group of agreed) summary.addAgreed(group as unknown as AgreedGroup);
  for (const group of await store.cleanBatchSummary()) summary.addAgreedBatch(group as unknown as AgreedBatchGroup);
  for (const failed of await store.cleanBatchFailedIds(BATCH_FAILED_IDS_MAX))
    summary.addAgreedFailedIds(failed.payoutBatchId, failed.senderBatchId, failed.payoutIds);
  if (ports.onMatched !== undefined) for await (const ids of store.cleanIds()) await ports.onMatched(ids);
  const reconciliationPath = join(input.outputDir, 'reconciliation.csv');
  await store.copyReconciliation(reconciliationPath);
  const agreedRows = agreed.reduce((sum, group) => sum + group.count, 0);
  const summaryFile = new FileSink(join(input.outputDir, 'summary.json'), { hash: true });
  summaryFile.write(summary.toJson(input.date), 0);
  const files = [
    { name: 'reconciliation.csv', ...(await hashedFile(reconciliationPath)), rows: domainRows + agreedRows },
    { name: 'exceptions.csv', ...exceptions.close() },
    { name: 'summary.json', ...summaryFile.close() },
  ];
  ports.phaseDone?.('export');
  return { files, counts: summary.counts() };
}

/** A file DuckDB wrote: its size and SHA-256, read back in one streaming pass. */
async function hashedFile(path: string): Promise<{ path: string; bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { path, bytes, sha256: hash.digest('hex') };
}

/** Regroups DuckDB's chunks (ordered by bucket) into whole buckets. */
async function* bucketsOf(chunks: AsyncIterable<DomainRow[]>): AsyncIterable<DomainRow[]> {
  let current: DomainRow[] = [];
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

/** A row's place in export order within its bucket: a payout's id, or an orphan's (id, reference, line). */
interface SortKey {
  readonly k1: string;
  readonly k2: string | null;
  readonly k3: number | null;
}

/** Classifies one bucket's rows with the domain functions, in export order (export-order.ts). */
function classifyBucket(bucket: readonly DomainRow[], provider?: string): { rows: ReconRow[]; keys: SortKey[] } {
  const keyed: { key: string; sort: SortKey; row: ReconRow }[] = [];
  for (let i = 0; i < bucket.length;) {
    const first = bucket[i]!;
    if (first.payout === undefined) {
      const report = first.claim!;
      const key = orphanSortKey(report.payoutId, report.providerReference, report.line);
      const sort = { k1: report.payoutId ?? '', k2: report.providerReference, k3: report.line };
      const row = classifyOrphan(report);
      keyed.push({ key, sort, row: provider === undefined ? row : { ...row, provider } });
      i += 1;
      continue;
    }
    const claims: ReportRow[] = [];
    let byReference = false;
    for (; i < bucket.length && bucket[i]!.payout?.payoutId === first.payout.payoutId; i += 1) {
      if (bucket[i]!.claim !== undefined) claims.push(bucket[i]!.claim!);
      byReference ||= bucket[i]!.byReference;
    }
    // Report order (FOR_DOMAIN sorts by line): the first claim is the one compared.
    const matchedBy: MatchedBy = claims.length === 0 ? 'none' : byReference ? 'provider_reference' : 'payout_id';
    const sort = { k1: first.payout.payoutId, k2: null, k3: null };
    keyed.push({ key: first.payout.payoutId, sort, row: classifyPayout(first.payout, claims, matchedBy) });
  }
  keyed.sort((a, b) => compareKeys(a.key, b.key));
  return { rows: keyed.map((k) => k.row), keys: keyed.map((k) => k.sort) };
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
