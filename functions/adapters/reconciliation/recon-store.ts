import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import type { ReportRow } from '../../domain/reconciliation/report';
import type { LedgerFact, ReconPayout } from '../../domain/reconciliation/matching-types';
import { bucketOf, orphanBucketKey } from './export-order';

/**
 * The reconciliation's working set in DuckDB: the provider's report rows, our payouts and their
 * ledger facts go in; the join comes out as one row per payout (with the provider rows that claim
 * it) and one per provider row nobody claims, ordered by export bucket. DuckDB does the engine
 * work (hash joins and aggregates that spill to /tmp when they outgrow memory); the
 * classification stays in the pure domain functions, which read each joined row.
 *
 * Matching, as before: a provider row belongs to the payout whose provider reference it carries;
 * failing that, to the payout id the provider echoed in its metadata; never by amount or date.
 * Rows travel as their JSON text: the domain objects are what the classifier reads, and one
 * JSON.parse per bucket is cheaper than mapping a dozen columns per row.
 */
/**
 * DuckDB's memory before it spills to /tmp. Measured at 1M × 1M (bench/reconcile.ts): 1024 MB gave
 * 1.4 GB peak RSS, 256 MB gave 0.69 GB at the same CPU time; the joins spill well.
 */
export const DUCKDB_MEMORY_LIMIT_MB = 256;
/** Payout ids per lookupPayouts call: bounds what one call holds, whatever the report names. */
export const LOOKUP_IDS_PER_CALL = 1_000;

const TABLES = [
  `CREATE TABLE report (line INTEGER NOT NULL, provider_reference VARCHAR NOT NULL, payout_id VARCHAR,
     orphan_bucket INTEGER NOT NULL, json VARCHAR NOT NULL)`,
  `CREATE TABLE payouts_in (seq BIGINT NOT NULL, payout_id VARCHAR NOT NULL, provider_reference VARCHAR,
     bucket INTEGER NOT NULL, json VARCHAR NOT NULL)`,
  `CREATE TABLE ledger (payout_id VARCHAR NOT NULL, sent_minor BIGINT NOT NULL, fee_minor BIGINT NOT NULL)`,
  `CREATE TABLE looked_up (payout_id VARCHAR NOT NULL, bucket INTEGER NOT NULL, json VARCHAR NOT NULL)`,
];

/**
 * Duplicates resolve as the hash maps they replace did: the last payout streamed for an id, and for
 * a provider reference, wins. A provider row resolves by reference first, else by its metadata id.
 */
const RESOLVE = [
  `CREATE TABLE payouts AS SELECT payout_id, bucket, json, false AS looked_up FROM payouts_in
     QUALIFY row_number() OVER (PARTITION BY payout_id ORDER BY seq DESC) = 1`,
  `CREATE TABLE refs AS SELECT provider_reference, payout_id FROM payouts_in WHERE provider_reference IS NOT NULL
     QUALIFY row_number() OVER (PARTITION BY provider_reference ORDER BY seq DESC) = 1`,
  `CREATE TABLE resolved AS
     SELECT r.line, r.orphan_bucket, r.json, coalesce(f.payout_id, r.payout_id) AS resolved_id,
            f.payout_id IS NOT NULL AS by_ref
     FROM report r LEFT JOIN refs f ON f.provider_reference = r.provider_reference`,
  `DROP TABLE payouts_in`,
  `DROP TABLE refs`,
  `DROP TABLE report`,
];

/** Ids provider rows resolved to that are not among the window's payouts (created on another day). */
const UNKNOWN_IDS = `SELECT DISTINCT r.resolved_id FROM resolved r
  ANTI JOIN payouts p ON p.payout_id = r.resolved_id WHERE r.resolved_id IS NOT NULL`;

/**
 * One row per payout and claiming provider row (a payout no row claims: one row, claim NULL), with
 * its ledger sums (the window's payouts only, as the ledger read covers only them), then one per
 * unclaimed provider row (an anti join: a NULL resolved id matches nothing); by bucket, then payout
 * id, so a payout's claims arrive together. No string_agg or arg_max over row JSON: their states
 * cannot spill, and 1M rows of them outgrow DuckDB's memory limit; sorts and joins spill.
 */
const JOINED = `
WITH led AS (
  SELECT payout_id, sum(sent_minor)::DOUBLE AS sent, sum(fee_minor)::DOUBLE AS fee FROM ledger GROUP BY payout_id)
SELECT o.bucket, o.payout_id, o.json, led.sent, led.fee, r.json AS claim, r.by_ref
FROM payouts o
  LEFT JOIN resolved r ON r.resolved_id = o.payout_id
  LEFT JOIN led ON led.payout_id = o.payout_id AND NOT o.looked_up
UNION ALL
SELECT r.orphan_bucket, NULL, NULL, NULL, NULL, r.json, NULL FROM resolved r
  ANTI JOIN payouts o ON o.payout_id = r.resolved_id
ORDER BY 1, 2 NULLS LAST`;

/** The looked-up payouts join the window's, marked: they get no ledger sums (see JOINED). */
const ADD_LOOKED_UP = `INSERT INTO payouts
  SELECT l.payout_id, any_value(l.bucket), any_value(l.json), true FROM looked_up l
  ANTI JOIN payouts p ON p.payout_id = l.payout_id GROUP BY l.payout_id`;

/** One joined row: a payout with its claims, or (payoutJson null) one unclaimed provider row. */
export interface JoinedRow {
  readonly bucket: number;
  readonly payoutJson: string | null;
  readonly ledgerSentMinor: number | null;
  readonly ledgerFeeMinor: number | null;
  /** Comma-joined JSON of the claiming provider rows (any order); null when none claims. */
  readonly claimsJson: string | null;
  readonly byReference: boolean | null;
}

/**
 * One DuckDB instance per process, each run in its own in-memory database (ATTACH … AS run_<n>):
 * starting an instance costs ~45 ms (thread pool, buffer manager), which a test making sixty runs
 * would pay sixty times; a database costs ~1 ms. Spills go to the instance's temp directory in the
 * OS temp dir (Lambda's /tmp, whose size reconciliation-construct.ts sets), and DuckDB deletes them
 * when the query that made them ends.
 */
let sharedInstance: Promise<DuckDBInstance> | undefined;
let runs = 0;

function instance(): Promise<DuckDBInstance> {
  sharedInstance ??= DuckDBInstance.create(':memory:', {
    temp_directory: join(tmpdir(), `recon-duckdb-${process.pid}`),
    memory_limit: `${DUCKDB_MEMORY_LIMIT_MB}MB`,
    preserve_insertion_order: 'false',
    // No extension downloads: a Lambda has no business fetching code at run time.
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  return sharedInstance;
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
    await connection.run(`ATTACH ':memory:' AS ${database}`);
    await connection.run(`USE ${database}`);
    for (const sql of TABLES) await connection.run(sql);
    return new ReconStore(shared, connection, database, buckets);
  }

  async appender(table: 'report' | 'payouts_in' | 'ledger'): Promise<StoreAppender> {
    return new StoreAppender(await this.connection.createAppender(table, 'main', this.database), this.buckets);
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
        for (const payout of await lookupPayouts(chunk)) if (asked.delete(payout.payoutId)) appender.lookedUp(payout);
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

  /** The joined rows in chunks, a payout's claim rows folded into one JoinedRow (see JOINED). */
  async *joined(): AsyncIterable<JoinedRow[]> {
    const result = await this.connection.stream(JOINED);
    let open: { id: string; row: JoinedRow } | undefined;
    for await (const rows of result.yieldRowsJs()) {
      const out: JoinedRow[] = [];
      for (const [bucket, payoutId, payoutJson, sent, fee, claim, byRef] of rows) {
        const row: JoinedRow = {
          bucket: bucket as number,
          payoutJson: payoutJson as string | null,
          ledgerSentMinor: sent as number | null,
          ledgerFeeMinor: fee as number | null,
          claimsJson: claim as string | null,
          byReference: byRef as boolean | null,
        };
        if (open !== undefined && payoutId !== null && open.id === payoutId) {
          open.row = foldClaim(open.row, row);
          continue;
        }
        if (open !== undefined) out.push(open.row);
        open = payoutId === null ? undefined : { id: payoutId as string, row };
        if (open === undefined) out.push(row);
      }
      if (out.length > 0) yield out;
    }
    if (open !== undefined) yield [open.row];
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

/** Typed rows into one table; strings as VARCHAR, minor units as BIGINT (integers by construction). */
export class StoreAppender {
  private seq = 0;

  constructor(
    private readonly appender: DuckDBAppender,
    private readonly buckets: number,
  ) {}

  report(row: ReportRow): void {
    const a = this.appender;
    a.appendInteger(row.line);
    a.appendVarchar(row.providerReference);
    optionalVarchar(a, row.payoutId === '' ? undefined : row.payoutId);
    a.appendInteger(bucketOf(orphanBucketKey(row.payoutId, row.providerReference), this.buckets));
    a.appendVarchar(JSON.stringify(row));
    a.endRow();
  }

  payout(payout: ReconPayout): void {
    const a = this.appender;
    a.appendBigInt(BigInt(this.seq++));
    a.appendVarchar(payout.payoutId);
    optionalVarchar(a, payout.providerReference);
    a.appendInteger(bucketOf(payout.payoutId, this.buckets));
    a.appendVarchar(JSON.stringify(payout));
    a.endRow();
  }

  lookedUp(payout: ReconPayout): void {
    const a = this.appender;
    a.appendVarchar(payout.payoutId);
    a.appendInteger(bucketOf(payout.payoutId, this.buckets));
    a.appendVarchar(JSON.stringify(payout));
    a.endRow();
  }

  ledger(fact: LedgerFact): void {
    const a = this.appender;
    a.appendVarchar(fact.payoutId);
    a.appendBigInt(BigInt(fact.sentMinor));
    a.appendBigInt(BigInt(fact.feeMinor));
    a.endRow();
  }

  close(): void {
    this.appender.flushSync();
    this.appender.closeSync();
  }
}

/** Another provider row claiming the same payout: claims joined as JSON array items. */
function foldClaim(into: JoinedRow, claim: JoinedRow): JoinedRow {
  return {
    ...into,
    claimsJson: `${into.claimsJson},${claim.claimsJson}`,
    byReference: into.byReference === true || claim.byReference === true,
  };
}

function optionalVarchar(appender: DuckDBAppender, value: string | undefined): void {
  if (value === undefined) appender.appendNull();
  else appender.appendVarchar(value);
}
