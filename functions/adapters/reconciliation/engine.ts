import { mkdtempSync, rmSync } from 'node:fs';
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
import { FileSink } from './file-sink';
import { PartitionSet } from './partitions';

/**
 * The matching engine: a provider report (bytes) and our payouts (a stream) in, reconciliation.csv,
 * exceptions.csv and summary.json out, with memory bounded whatever the row count.
 *
 * Why a partitioned (Grace) hash join and not an in-memory map or a sort-merge:
 * - in-memory maps of 1,000,000 payouts and 1,000,000 report rows are ~1 GB of JS objects (a few
 *   hundred bytes each): they do not fit a 1 GB Lambda, and they grow with the night;
 * - a sort-merge join needs both sides sorted on one key, but matching has two keys (provider
 *   reference first, our payout id second), so it would take two external sorts per side.
 * Hash partitioning needs one sequential write and one read per side per key, and each bucket holds
 * rows/PARTITION_COUNT rows (1,000,000 / 256 ≈ 4,000 — a few MB), so memory stays flat up to
 * ~100M rows. Disk: about three copies of the inputs in /tmp (≈1 GB at 1M rows; Lambda's ephemeral
 * storage goes to 10 GB).
 *
 *   phase 0  report bytes → strict parse (fails before any side effect) → R[hash(ref)]
 *            payouts → P[hash(payoutId)], and (ref → payoutId) → X[hash(ref)]
 *   phase 1  per bucket: R ⋈ X on provider reference → each row resolved to a payout id, by
 *            reference, else by the payout id in its metadata → Q[hash(resolved id)]
 *   phase 2  per bucket: P ⋈ Q on payout id → classify → exceptions → CSV rows, in payout-id order
 *
 * The export is ordered by bucket, then payout id: deterministic (FNV-1a is fixed), not alphabetical.
 * Measured (bench/reconcile.ts, docs/finance.md): 1M × 1M in ~37 CPU-seconds and ~400 MB peak RSS.
 */
export const PARTITION_COUNT = 256;
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
  /** Journal entries of the window's payouts, folded per entry; summed per payout in phase 2. */
  readonly ledger?: AsyncIterable<LedgerFact>;
  readonly outputDir: string;
  readonly partitions?: number;
}

export interface EngineResult {
  readonly reportRows: number;
  readonly payoutRows: number;
  readonly ledgerRows: number;
  readonly files: { name: string; path: string; rows: number; bytes: number; sha256: string }[];
  readonly counts: ReturnType<SummaryAccumulator['counts']>;
}

interface Resolved {
  readonly row: ReportRow;
  readonly resolvedId: string | null;
  readonly matchedBy: MatchedBy;
}

export async function runEngine(input: EngineInput, ports: EnginePorts): Promise<EngineResult> {
  const count = input.partitions ?? PARTITION_COUNT;
  const work = mkdtempSync(join(input.outputDir, 'spill-'));
  try {
    const reportByRef = new PartitionSet(work, 'report-by-ref', count);
    const reportRows = await partitionReport(input.report, reportByRef);
    const payouts = await partitionPayouts(input.payouts, work, count);
    const ledger = await partitionLedger(input.ledger ?? [], work, count);
    const reportById = resolveReportRows(reportByRef, payouts.refIndex, work, count);
    const written = await joinAndWrite(input, ports, {
      payoutsById: payouts.byId,
      ledgerById: ledger.byId,
      reportById,
    });
    return { reportRows, payoutRows: payouts.rows, ledgerRows: ledger.rows, ...written };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Our payouts by payout id, and the provider-reference → payout-id index the report is resolved with. */
async function partitionPayouts(source: AsyncIterable<ReconPayout>, work: string, count: number) {
  const byId = new PartitionSet(work, 'payouts-by-id', count);
  const refIndex = new PartitionSet(work, 'ref-index', count);
  let rows = 0;
  for await (const payout of source) {
    rows += 1;
    byId.add(payout.payoutId, payout);
    if (payout.providerReference !== undefined)
      refIndex.add(payout.providerReference, [payout.providerReference, payout.payoutId]);
  }
  byId.close();
  refIndex.close();
  return { byId, refIndex, rows };
}

async function partitionLedger(source: AsyncIterable<LedgerFact> | Iterable<LedgerFact>, work: string, count: number) {
  const byId = new PartitionSet(work, 'ledger-by-id', count);
  let rows = 0;
  for await (const fact of source) {
    rows += 1;
    byId.add(fact.payoutId, fact);
  }
  byId.close();
  return { byId, rows };
}

/**
 * Each report row gets the payout id it belongs to (by provider reference first, then the id the
 * provider echoed in metadata) and is re-partitioned by that id. Report rows travel as
 * `<key fields>\t<row JSON>` lines, so this pass routes them without parsing or re-serializing a
 * row (identifiers never hold a tab: the parser refuses control characters in them).
 */
function resolveReportRows(reportByRef: PartitionSet, refIndex: PartitionSet, work: string, count: number) {
  const reportById = new PartitionSet(work, 'report-by-id', count);
  for (let bucket = 0; bucket < count; bucket += 1) {
    const byRef = new Map(refIndex.read<[string, string]>(bucket));
    for (const line of reportByRef.readLines(bucket)) {
      const [providerReference, metadataPayoutId, json] = splitTwoTabs(line);
      const byReference = byRef.get(providerReference);
      const resolvedId = byReference ?? (metadataPayoutId === '' ? null : metadataPayoutId);
      const matchedBy: MatchedBy =
        byReference !== undefined ? 'provider_reference' : resolvedId === null ? 'none' : 'payout_id';
      reportById.addLine(resolvedId ?? `ref:${providerReference}`, `${resolvedId ?? ''}\t${matchedBy}\t${json}`);
    }
  }
  reportById.close();
  reportByRef.remove();
  refIndex.remove();
  return reportById;
}

interface Partitioned {
  readonly payoutsById: PartitionSet;
  readonly ledgerById: PartitionSet;
  readonly reportById: PartitionSet;
}

/** Join bucket by bucket, open the exceptions, and write the three hashed files. */
async function joinAndWrite(input: EngineInput, ports: EnginePorts, parts: Partitioned) {
  const reconciliation = new FileSink(join(input.outputDir, 'reconciliation.csv'), { hash: true });
  const exceptions = new FileSink(join(input.outputDir, 'exceptions.csv'), { hash: true });
  reconciliation.write(RECONCILIATION_CSV_HEADER, 0);
  exceptions.write(EXCEPTIONS_CSV_HEADER, 0);
  const summary = new SummaryAccumulator();
  for (let bucket = 0; bucket < parts.payoutsById.count; bucket += 1) {
    const facts = new Map<string, LedgerFact[]>();
    for (const fact of parts.ledgerById.read<LedgerFact>(bucket))
      facts.set(fact.payoutId, [...(facts.get(fact.payoutId) ?? []), fact]);
    const payouts = parts.payoutsById
      .read<ReconPayout>(bucket)
      .map((payout) => withLedger(payout, facts.get(payout.payoutId)));
    const rows = await joinBucket(payouts, readResolved(parts.reportById, bucket), ports);
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
  }
  const summaryFile = new FileSink(join(input.outputDir, 'summary.json'), { hash: true });
  summaryFile.write(summary.toJson(input.date), 0);
  const files = [
    { name: 'reconciliation.csv', ...reconciliation.close() },
    { name: 'exceptions.csv', ...exceptions.close() },
    { name: 'summary.json', ...summaryFile.close() },
  ];
  return { files, counts: summary.counts() };
}

async function partitionReport(report: AsyncIterable<Uint8Array>, into: PartitionSet): Promise<number> {
  const reader = new CsvReader();
  const rowReader = new ReportRowReader();
  let rows = 0;
  let lastLine = 0;
  const take = (records: ReturnType<CsvReader['push']>): void => {
    for (const record of records) {
      lastLine = record.line;
      const row = rowReader.read(record);
      if (row === undefined) continue;
      rows += 1;
      into.addLine(row.providerReference, `${row.providerReference}\t${row.payoutId ?? ''}\t${JSON.stringify(row)}`);
    }
  };
  try {
    for await (const chunk of report) take(reader.push(chunk));
    take(reader.end());
    rowReader.finish(lastLine);
  } finally {
    into.close();
  }
  return rows;
}

function splitTwoTabs(line: string): [string, string, string] {
  const first = line.indexOf('\t');
  const second = line.indexOf('\t', first + 1);
  return [line.slice(0, first), line.slice(first + 1, second), line.slice(second + 1)];
}

/** One bucket of resolved report rows; their JSON parsed in one call, as PartitionSet.read does. */
function readResolved(set: PartitionSet, bucket: number): Resolved[] {
  const parts = set.readLines(bucket).map(splitTwoTabs);
  if (parts.length === 0) return [];
  const rows = JSON.parse(`[${parts.map((p) => p[2]).join(',')}]`) as ReportRow[];
  return parts.map(([resolvedId, matchedBy], i) => ({
    row: rows[i]!,
    resolvedId: resolvedId === '' ? null : resolvedId,
    matchedBy: matchedBy as MatchedBy,
  }));
}

/** Joins one bucket on payout id, looks up payouts from other days that provider rows name, classifies, sorts. */
async function joinBucket(payouts: ReconPayout[], resolved: Resolved[], ports: EnginePorts): Promise<ReconRow[]> {
  const byId = new Map(payouts.map((p) => [p.payoutId, p]));
  const groups = new Map<string, Resolved[]>();
  const orphans: ReportRow[] = [];
  for (const r of resolved) {
    if (r.resolvedId === null) orphans.push(r.row);
    else groups.set(r.resolvedId, [...(groups.get(r.resolvedId) ?? []), r]);
  }
  const unknown = [...groups.keys()].filter((id) => !byId.has(id)).sort();
  if (unknown.length > 0 && ports.lookupPayouts !== undefined) {
    for (const payout of await ports.lookupPayouts(unknown))
      if (!byId.has(payout.payoutId)) byId.set(payout.payoutId, payout);
  }
  const keyed: { key: string; row: ReconRow }[] = [];
  for (const payout of byId.values()) {
    const claims = (groups.get(payout.payoutId) ?? []).sort((a, b) => a.row.line - b.row.line);
    const matchedBy: MatchedBy =
      claims.length === 0
        ? 'none'
        : claims.some((c) => c.matchedBy === 'provider_reference')
          ? 'provider_reference'
          : 'payout_id';
    keyed.push({
      key: payout.payoutId,
      row: classifyPayout(
        payout,
        claims.map((c) => c.row),
        matchedBy,
      ),
    });
    groups.delete(payout.payoutId);
  }
  for (const claims of groups.values()) for (const c of claims) orphans.push(c.row);
  for (const row of orphans)
    keyed.push({
      key: `${row.payoutId ?? ''}\u0000${row.providerReference}\u0000${String(row.line).padStart(12, '0')}`,
      row: classifyOrphan(row),
    });
  // Code-unit order, not localeCompare: the same on every machine and locale.
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((k) => k.row);
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
