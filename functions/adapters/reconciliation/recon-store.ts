import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import type { ReportRow } from '../../domain/reconciliation/report';
import type { ReconPayout } from '../../domain/reconciliation/matching-types';
import { RECON_MACROS } from '../../domain/reconciliation/recon-sql';
import { bucketOf, orphanBucketKey } from './export-order';
import {
  ADD_LOOKED_UP,
  CLASSIFY,
  CLEAN_BATCH_SUMMARY,
  CLEAN_IDS,
  CLEAN_SUMMARY,
  cleanBatchFailedIds,
  CREATE_TABLES,
  FOR_DOMAIN,
  REPORT_VERDICT,
  RESOLVE,
  UNKNOWN_IDS,
  copyReconciliation,
  insertLedgerFromJson,
  insertPayoutsFromJson,
  insertReportFromCsv,
} from './recon-queries';
import type { ReportGate } from './report-gate';
import { writeDayPartition } from './day-partition';
import type { ReconLakeTable } from '../../shared/recon-lake';

/** The store's table each day-partition table is written from (shared/recon-lake.ts names the layout). */
const LAKE_SOURCES: Record<ReconLakeTable, string> = {
  payouts: 'payouts_in',
  looked_up: 'looked_up',
  ledger: 'ledger',
  report: 'report',
};

/**
 * The reconciliation's working set in DuckDB. The provider report is read by DuckDB itself
 * (read_csv, on the fast path: report-gate.ts), and so are our payouts and their ledger facts
 * (read_json of NDJSON files: no row passes through a JS appender); SQL resolves every provider row
 * to a payout (by provider reference, else by the payout id the provider echoed; never by amount or
 * date), writes the agreed rows' CSV lines itself, and hands the rest to the domain (engine.ts), whose
 * lines come back (js_lines) for the one COPY in export order.
 */
/**
 * DuckDB's memory before it spills to /tmp. Measured at 1M × 1M (bench/reconcile.ts): 1024 MB gave
 * 1.4 GB peak RSS, 256 MB gave 0.69 GB at the same CPU time; the joins spill well.
 */
export const DUCKDB_MEMORY_LIMIT_MB = 256;
/**
 * The ordered COPY of reconciliation.csv (1M lines, sorted into export order) ran out of memory at
 * 256 MB even on one thread, and at 640 MB once the rows carried batch_id and sender_batch_id
 * (`npx tsx bench/reconcile.ts --sizes 1000000`: "Out of Memory Error … 610.0 MiB/610.3 MiB used").
 * At 1024 MB the same bench passes with 1.3 GB peak RSS, inside the reconcile function's 2048 MB
 * (lib/function-sizes.ts); it gets this much only while it writes.
 */
export const DUCKDB_COPY_MEMORY_LIMIT_MB = 1024;
/** Payout ids per lookupPayouts call: bounds what one call holds, whatever the report names. */
export const LOOKUP_IDS_PER_CALL = 1_000;
/** Payout ids per onMatched call for the rows SQL agreed. */
export const MATCHED_IDS_PER_CALL = 1_000;

/**
 * One DuckDB instance per process, each run in its own database (ATTACH … AS run_<n>):
 * starting an instance costs ~45 ms (thread pool, buffer manager), which a test making sixty runs
 * would pay sixty times; a database costs ~1 ms. Spills go to the instance's temp directory in the
 * OS temp dir (Lambda's /tmp, whose size reconciliation-construct.ts sets), and DuckDB deletes them
 * when the query that made them ends.
 */
let sharedInstance: Promise<DuckDBInstance> | undefined;
const TEMP_DIRECTORY = join(tmpdir(), `recon-duckdb-${process.pid}`);
let runs = 0;

function instance(): Promise<DuckDBInstance> {
  sharedInstance ??= createInstance();
  return sharedInstance;
}

/** The instance, with the macros in its `memory` database: each run finds them by its search path. */
async function createInstance(): Promise<DuckDBInstance> {
  const created = await DuckDBInstance.create(':memory:', {
    temp_directory: TEMP_DIRECTORY,
    memory_limit: `${DUCKDB_MEMORY_LIMIT_MB}MB`,
    preserve_insertion_order: 'false',
    // No extension downloads: a Lambda has no business fetching code at run time.
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  const connection = await created.connect();
  try {
    for (const sql of RECON_MACROS) await connection.run(sql);
  } finally {
    connection.closeSync();
  }
  return created;
}

/** One row the domain classifies: a payout (undefined for an orphan) and one claiming provider row, if any. */
export interface DomainRow {
  readonly bucket: number;
  readonly payout?: ReconPayout;
  readonly claim?: ReportRow;
  readonly byReference: boolean;
}

/** The agreed rows of one currency and payout status, summed (CLEAN_SUMMARY). */
export interface CleanGroup {
  readonly currency: string;
  readonly status: string;
  readonly count: number;
  readonly amountMinor: number;
  readonly feeCount: number;
  readonly feeMinor: number;
}

/** The agreed items of one batch, currency and status, summed (CLEAN_BATCH_SUMMARY). */
export interface CleanBatchGroup {
  readonly payoutBatchId: string;
  readonly senderBatchId: string;
  readonly currency: string;
  readonly status: string;
  readonly count: number;
  readonly amountMinor: number;
}

/** A batch's agreed failed items (the smallest ids). */
export interface CleanBatchFailed {
  readonly payoutBatchId: string;
  readonly senderBatchId: string;
  readonly payoutIds: string[];
}

export class ReconStore {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly database: string,
    private readonly buckets: number,
  ) {}

  /** A fresh in-memory database for one run; close() detaches it and frees its memory. */
  static async open(buckets: number): Promise<ReconStore> {
    const shared = await instance();
    const database = `run_${(runs += 1)}`;
    const connection = await shared.connect();
    // ':memory:', measured against a database file in the temp directory at 1M × 1M: the file cost
    // 59 s CPU against 45 s, for the same bytes; the in-memory tables spill well enough.
    await connection.run(`ATTACH ':memory:' AS ${database}`);
    await connection.run(`USE ${database}`);
    await connection.run(`SET search_path = '${database}.main,memory.main'`);
    for (const sql of CREATE_TABLES) await connection.run(sql);
    return new ReconStore(shared, connection, database, buckets);
  }

  /**
   * The fast path: DuckDB reads and checks the report file. False (and the report table emptied)
   * when read_csv or a check refuses anything, or the row count is not the file's: the caller then
   * reads the file with the strict JS reader.
   */
  async loadReportCsv(path: string, gate: ReportGate): Promise<number | undefined> {
    if (gate.header === undefined) return undefined;
    try {
      // Line numbers are row_number() over the file's order: insertion order must hold for this read.
      await this.connection.run('SET preserve_insertion_order = true');
      await this.connection.run(insertReportFromCsv(path, gate.header));
    } catch {
      await this.connection.run('DELETE FROM report');
      return undefined;
    } finally {
      await this.connection.run('SET preserve_insertion_order = false');
    }
    const [[rows, refused]] = (await this.connection.runAndReadAll(REPORT_VERDICT)).getRowsJS() as [[number, number]];
    if (refused === 0 && rows === gate.lineBreaks - 1) return rows;
    await this.connection.run('DELETE FROM report');
    return undefined;
  }

  /** The window's payouts from an NDJSON file (insertPayoutsFromJson); returns how many lines it held. */
  async loadPayoutsJson(path: string): Promise<number> {
    try {
      // seq is the line's place: insertion order must hold for this read, as for the report's.
      await this.connection.run('SET preserve_insertion_order = true');
      await this.connection.run(insertPayoutsFromJson(path, this.buckets));
    } finally {
      await this.connection.run('SET preserve_insertion_order = false');
    }
    return this.count('payouts_in');
  }

  /** The ledger facts from an NDJSON file; returns how many lines it held. */
  async loadLedgerJson(path: string): Promise<number> {
    await this.connection.run(insertLedgerFromJson(path));
    return this.count('ledger');
  }

  private async count(table: 'payouts_in' | 'ledger'): Promise<number> {
    const rows = (await this.connection.runAndReadAll(`SELECT count(*)::DOUBLE FROM ${table}`)).getRowsJS();
    return rows[0]![0] as number;
  }

  /** The strict reader's report rows, row by row (the fallback path; the fast one is loadReportCsv). */
  async appender(table: 'report'): Promise<StoreAppender> {
    return new StoreAppender(await this.connection.createAppender(table, 'main', this.database), this.buckets);
  }

  /**
   * The day's partitions of `tables` (Parquet, shared/recon-lake.ts) under `root`, from what this run
   * loaded; returns their keys. The loaded tables go at RESOLVE and looked_up fills at lookUp, so
   * the engine writes the first three before one and looked_up after the other.
   */
  async writeDayPartitions(tables: readonly ReconLakeTable[], date: string, root: string): Promise<string[]> {
    const keys: string[] = [];
    for (const table of tables)
      keys.push(await writeDayPartition(this.connection, table, LAKE_SOURCES[table], date, root));
    return keys;
  }

  async resolve(): Promise<void> {
    for (const sql of RESOLVE) await this.connection.run(sql);
  }

  /** Looks up, in chunks, the payouts provider rows name that the window does not hold. */
  async lookUp(lookupPayouts: (ids: readonly string[]) => Promise<ReconPayout[]>): Promise<void> {
    // A second connection appends while the first streams the ids: one connection cannot do both.
    const writer = await this.instance.connect();
    const appender = new StoreAppender(await writer.createAppender('looked_up', 'main', this.database), this.buckets);
    try {
      const result = await this.connection.stream(UNKNOWN_IDS);
      let chunk: string[] = [];
      const flush = async (): Promise<void> => {
        const asked = new Set(chunk.sort());
        for (const payout of await lookupPayouts(chunk)) if (asked.delete(payout.payoutId)) appender.payout(payout);
        chunk = [];
      };
      for await (const rows of result.yieldRowsJs()) {
        for (const [id] of rows) if (chunk.push(id as string) >= LOOKUP_IDS_PER_CALL) await flush();
      }
      if (chunk.length > 0) await flush();
    } finally {
      appender.close();
      writer.closeSync();
    }
    await this.connection.run(ADD_LOOKED_UP);
  }

  /** SQL's part of the classification: the agreed rows' lines (clean_lines), the rest for the domain. */
  async classify(): Promise<void> {
    for (const sql of CLASSIFY(this.buckets)) await this.connection.run(sql);
  }

  async cleanSummary(): Promise<CleanGroup[]> {
    const rows = (await this.connection.runAndReadAll(CLEAN_SUMMARY)).getRowsJS();
    return rows.map(([currency, status, count, amountMinor, feeCount, feeMinor]) => ({
      currency: currency as string,
      status: status as string,
      count: count as number,
      amountMinor: amountMinor as number,
      feeCount: feeCount as number,
      feeMinor: feeMinor as number,
    }));
  }

  /** The agreed batch items per batch, currency and status (CLEAN_BATCH_SUMMARY). */
  async cleanBatchSummary(): Promise<CleanBatchGroup[]> {
    const rows = (await this.connection.runAndReadAll(CLEAN_BATCH_SUMMARY)).getRowsJS();
    return rows.map(([payoutBatchId, senderBatchId, currency, status, count, amountMinor]) => ({
      payoutBatchId: payoutBatchId as string,
      senderBatchId: senderBatchId as string,
      currency: currency as string,
      status: status as string,
      count: count as number,
      amountMinor: amountMinor as number,
    }));
  }

  /** The agreed failed items' ids, at most `perBatch` per batch, grouped by batch. */
  async cleanBatchFailedIds(perBatch: number): Promise<CleanBatchFailed[]> {
    const out: CleanBatchFailed[] = [];
    for (const [batchId, senderBatchId, payoutId] of (
      await this.connection.runAndReadAll(cleanBatchFailedIds(perBatch))
    ).getRowsJS() as [string, string, string][]) {
      const last = out.at(-1);
      if (last?.payoutBatchId === batchId) last.payoutIds.push(payoutId);
      else out.push({ payoutBatchId: batchId, senderBatchId, payoutIds: [payoutId] });
    }
    return out;
  }

  /** The agreed payouts' ids, in chunks. */
  async *cleanIds(): AsyncIterable<string[]> {
    const result = await this.connection.stream(CLEAN_IDS);
    let chunk: string[] = [];
    for await (const rows of result.yieldRowsJs()) {
      for (const [id] of rows) if (chunk.push(id as string) >= MATCHED_IDS_PER_CALL) yield chunk.splice(0);
    }
    if (chunk.length > 0) yield chunk;
  }

  /** The rows for the domain, in chunks, ordered by bucket then payout id (see FOR_DOMAIN). */
  async *forDomain(): AsyncIterable<DomainRow[]> {
    const result = await this.connection.stream(FOR_DOMAIN);
    for await (const rows of result.yieldRowsJs()) yield rows.map(domainRowOf);
  }

  /** A second connection's appender for the domain's lines, while forDomain streams on the first. */
  async lineWriter(): Promise<{
    add(bucket: number, k1: string, k2: string | null, k3: number | null, line: string): void;
    close(): void;
  }> {
    const writer = await this.instance.connect();
    const appender = await writer.createAppender('js_lines', 'main', this.database);
    return {
      add(bucket, k1, k2, k3, line) {
        appender.appendInteger(bucket);
        appender.appendVarchar(k1);
        optional(appender, k2, (v) => appender.appendVarchar(v));
        optional(appender, k3, (v) => appender.appendInteger(v));
        appender.appendVarchar(line);
        appender.endRow();
      },
      close() {
        appender.flushSync();
        appender.closeSync();
        writer.closeSync();
      },
    };
  }

  /**
   * reconciliation.csv by COPY, in export order: insertion order must hold while it writes, and one
   * thread writes it (with two, the ordered copy buffered batches past the memory limit at 1M rows).
   */
  async copyReconciliation(path: string): Promise<void> {
    const threads = (await this.connection.runAndReadAll(`SELECT current_setting('threads')`)).getRowsJS()[0]![0];
    try {
      await this.connection.run('SET preserve_insertion_order = true');
      await this.connection.run('SET threads = 1');
      await this.connection.run(`SET memory_limit = '${DUCKDB_COPY_MEMORY_LIMIT_MB}MB'`);
      await this.connection.run(copyReconciliation(path));
    } finally {
      await this.connection.run('SET preserve_insertion_order = false');
      await this.connection.run(`SET threads = ${Number(threads)}`);
      await this.connection.run(`SET memory_limit = '${DUCKDB_MEMORY_LIMIT_MB}MB'`);
    }
  }

  async close(): Promise<void> {
    try {
      await this.connection.run('USE memory');
      await this.connection.run(`DETACH ${this.database}`);
    } finally {
      this.connection.closeSync();
    }
  }
}

type Cell = unknown;

function domainRowOf(cells: readonly Cell[]): DomainRow {
  const [bucket, payoutId, byRef] = [cells[0] as number, cells[1] as string | null, cells[26] as boolean | null];
  const claim = cells[14] === null ? undefined : reportRowOf(cells.slice(14, 26));
  // Columns added later come after the claim and by_ref: status_reason (cells[27]), then the batch
  // identity (cells[28], cells[29]).
  const payout = payoutId === null ? undefined : reconPayoutOf([...cells.slice(1, 14), ...cells.slice(27, 30)]);
  return {
    bucket,
    ...(payout === undefined ? {} : { payout }),
    ...(claim === undefined ? {} : { claim }),
    byReference: byRef === true,
  };
}

/** Optional fields are left out when NULL, as the payout's own object leaves them out. */
function present<K extends string>(key: K, value: Cell): Partial<Record<K, never>> {
  return value === null || value === undefined ? {} : ({ [key]: value } as Partial<Record<K, never>>);
}

function reconPayoutOf(c: readonly Cell[]): ReconPayout {
  return {
    payoutId: c[0] as string,
    idempotencyKey: c[1] as string,
    ...present('batchId', c[2]),
    provider: c[3] as string,
    ...present('providerReference', c[4]),
    status: c[5] as ReconPayout['status'],
    amountMinor: c[6] as number,
    ...present('feeMinor', c[7]),
    currency: c[8] as ReconPayout['currency'],
    createdAt: c[9] as string,
    lastEventAt: c[10] as string,
    ...present('ledgerAmountMinor', c[11]),
    ...present('ledgerFeeMinor', c[12]),
    ...present('statusReason', c[13]),
    ...present('payoutBatchId', c[14]),
    ...present('senderBatchId', c[15]),
  };
}

function reportRowOf(c: readonly Cell[]): ReportRow {
  return {
    line: c[0] as number,
    providerReference: c[1] as string,
    ...present('payoutId', c[2]),
    ...present('batchId', c[3]),
    ...present('batchStatus', c[4]),
    status: c[5] as ReportRow['status'],
    currency: c[6] as ReportRow['currency'],
    grossMinor: c[7] as number,
    feeMinor: c[8] as number,
    netMinor: c[9] as number,
    createdAt: c[10] as string,
    ...present('settledAt', c[11]),
  };
}

function optional<T>(appender: DuckDBAppender, value: T | null | undefined, append: (v: T) => void): void {
  if (value === null || value === undefined) appender.appendNull();
  else append(value);
}

/** Typed rows into one table; strings as VARCHAR, minor units as BIGINT (integers by construction). */
export class StoreAppender {
  constructor(
    private readonly appender: DuckDBAppender,
    private readonly buckets: number,
  ) {}

  /** A report row read by the strict JS reader (the fallback path): checked already, so `ok`. */
  report(row: ReportRow): void {
    const a = this.appender;
    const text = (v: string | undefined) => optional(a, v === '' ? undefined : v, (s) => a.appendVarchar(s));
    a.appendInteger(row.line);
    a.appendVarchar(row.providerReference);
    text(row.payoutId);
    text(row.batchId);
    text(row.batchStatus);
    a.appendVarchar(row.status);
    a.appendVarchar(row.currency);
    a.appendBigInt(BigInt(row.grossMinor));
    a.appendBigInt(BigInt(row.feeMinor));
    a.appendBigInt(BigInt(row.netMinor));
    a.appendVarchar(row.createdAt);
    text(row.settledAt);
    a.appendInteger(bucketOf(orphanBucketKey(row.payoutId, row.providerReference), this.buckets));
    a.appendBoolean(true);
    a.endRow();
  }

  /** A looked-up payout (the window's come from their file: ReconStore.loadPayoutsJson). */
  payout(payout: ReconPayout): void {
    const a = this.appender;
    const big = (v: number | undefined) => optional(a, v, (n) => a.appendBigInt(BigInt(n)));
    const text = (v: string | undefined) => optional(a, v, (s) => a.appendVarchar(s));
    a.appendVarchar(payout.payoutId);
    a.appendVarchar(payout.idempotencyKey);
    text(payout.batchId);
    a.appendVarchar(payout.provider);
    text(payout.providerReference);
    a.appendVarchar(payout.status);
    a.appendBigInt(BigInt(payout.amountMinor));
    big(payout.feeMinor);
    a.appendVarchar(payout.currency);
    a.appendVarchar(payout.createdAt);
    a.appendVarchar(payout.lastEventAt);
    big(payout.ledgerAmountMinor);
    big(payout.ledgerFeeMinor);
    text(payout.statusReason);
    text(payout.payoutBatchId);
    text(payout.senderBatchId);
    a.appendInteger(bucketOf(payout.payoutId, this.buckets));
    a.endRow();
  }

  close(): void {
    this.appender.flushSync();
    this.appender.closeSync();
  }
}
