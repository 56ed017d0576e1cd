import { PAYOUT_STATUSES } from '../lifecycle';
import { batchContradictsItem, statusesAgree } from './classify';
import { PROVIDER_STATUSES } from './report';

/**
 * The reconciliation's resolution and classification inputs in the SQL that DuckDB and Athena
 * (Trino) share, so that a day too large for one Lambda runs the same statements on Athena over the
 * S3 day partitions (docs/reconciliation.md). Pure: strings only; nothing here calls an engine.
 *
 * recon-queries.ts stays the Lambda's SQL (DuckDB dialect, byte-stable exports); this file says the
 * same resolution without DuckDB's conveniences, and test/unit/adapters/reconciliation/
 * portable-sql.test.ts holds the two to agree row for row on generated days. Avoided, and why:
 *   - QUALIFY (DuckDB, not Trino): the window function is computed in a subquery and filtered outside;
 *   - SELECT * EXCLUDE (…) (DuckDB; Trino has no column exclusion): every column is named;
 *   - macros (DuckDB's CREATE MACRO; Athena has no session objects): the status predicates are
 *     inlined as IN lists, generated from the domain's own predicates as recon-sql.ts does;
 *   - ANTI JOIN (DuckDB, not Trino): NOT EXISTS;
 *   - bool_or / count(*) FILTER: both engines have them, but max(CASE …) = 1 and sum(CASE …) are
 *     plain SQL and leave no doubt about NULL handling;
 *   - `//` and `/` (integer vs float division differ between the two): no division at all;
 *   - contains(), left(), regexp_full_match() (names differ or do not exist in Trino): no string
 *     function beyond `||` and coalesce, which both define alike;
 *   - implicit casts: every aggregate is CAST to BIGINT, every boolean column is a comparison.
 * What does differ, materializing a result, sits in the tiny per-dialect table at the end.
 *
 * Not here: the report's typing (the Lambda's gate and strict reader type it before it lands in
 * its partition), the export buckets (FNV of the key, a JavaScript-side order) and the CSV lines.
 */

/** The relations the statements read, as SQL names already quoted (tableName() below). */
export interface PortableTables {
  /** The day's payouts as loaded, with `seq` (load order: the last loaded for an id wins). */
  readonly payouts: string;
  /** Payouts of other days that the day's provider rows name (no `seq`, no ledger sums). */
  readonly lookedUp: string;
  /** One row per journal entry: payout_id, sent_minor, fee_minor. */
  readonly ledger: string;
  /** The typed provider report: line, provider_reference, payout_id, status, gross_minor, … */
  readonly report: string;
}

/** A (possibly qualified) name, each part double-quoted: the identifier quoting both engines use. */
export function tableName(...parts: readonly string[]): string {
  return parts.map((part) => `"${part.replaceAll('"', '""')}"`).join('.');
}

const quoted = (text: string): string => `'${text.replaceAll("'", "''")}'`;
const inList = (values: readonly string[]): string => values.map(quoted).join(', ');

/** `ours/theirs` pairs statusesAgree accepts, and `batch/item` pairs batchContradictsItem refuses. */
const AGREEING_PAIRS = PAYOUT_STATUSES.flatMap((ours) =>
  PROVIDER_STATUSES.filter((theirs) => statusesAgree(ours, theirs)).map((theirs) => `${ours}/${theirs}`),
);
const CONTRADICTING_PAIRS = PROVIDER_STATUSES.flatMap((batch) =>
  PROVIDER_STATUSES.filter((item) => batchContradictsItem(batch, item)).map((item) => `${batch}/${item}`),
);

/** The payout columns every statement carries (recon-queries.ts's PAYOUT_COLUMNS_SQL, less the bucket). */
const PAYOUT_COLUMNS = [
  'payout_id',
  'idempotency_key',
  'batch_id',
  'provider',
  'provider_reference',
  'status',
  'amount_minor',
  'fee_minor',
  'currency',
  'created_at',
  'last_event_at',
  'ledger_amount_minor',
  'ledger_fee_minor',
  'status_reason',
  'payout_batch_id',
  'sender_batch_id',
] as const;
const REPORT_COLUMNS = [
  'line',
  'provider_reference',
  'payout_id',
  'batch_id',
  'batch_status',
  'status',
  'currency',
  'gross_minor',
  'fee_minor',
  'net_minor',
  'created_at',
  'settled_at',
] as const;
const columnsOf = (alias: string, columns: readonly string[]): string => columns.map((c) => `${alias}.${c}`).join(', ');

/**
 * The CTEs every statement starts from. `latest`: one row per payout id, the last loaded
 * (row_number in a subquery, where the engine writes QUALIFY). `refs`: one payout per provider
 * reference, the last loaded. `resolved`: each provider row with the payout it names, by reference
 * first, else by the payout id the provider echoed; never by amount or date.
 */
function baseCtes(t: PortableTables): string {
  return `latest AS (
    SELECT ${PAYOUT_COLUMNS.join(', ')} FROM (
      SELECT ${columnsOf('p', PAYOUT_COLUMNS)},
        row_number() OVER (PARTITION BY p.payout_id ORDER BY p.seq DESC) AS rank_in_id
      FROM ${t.payouts} p) ranked
    WHERE rank_in_id = 1),
  refs AS (
    SELECT provider_reference, payout_id FROM (
      SELECT p.provider_reference, p.payout_id,
        row_number() OVER (PARTITION BY p.provider_reference ORDER BY p.seq DESC) AS rank_in_ref
      FROM ${t.payouts} p WHERE p.provider_reference IS NOT NULL) ranked
    WHERE rank_in_ref = 1),
  resolved AS (
    SELECT ${columnsOf('r', REPORT_COLUMNS)}, coalesce(f.payout_id, r.payout_id) AS resolved_id,
      (f.payout_id IS NOT NULL) AS by_ref
    FROM ${t.report} r LEFT JOIN refs f ON f.provider_reference = r.provider_reference)`;
}

/**
 * Looked-up payouts join the day's, marked, unless the day holds them already. A lookup answers each
 * id once (recon-store.ts), so ordering the ranking by payout_id only makes the pick deterministic.
 */
function allPayoutsCte(t: PortableTables): string {
  return `all_payouts AS (
    SELECT ${PAYOUT_COLUMNS.join(', ')}, FALSE AS looked_up FROM latest
    UNION ALL
    SELECT ${PAYOUT_COLUMNS.join(', ')}, TRUE AS looked_up FROM (
      SELECT ${columnsOf('l', PAYOUT_COLUMNS)}, row_number() OVER (PARTITION BY l.payout_id ORDER BY l.payout_id) AS rank_in_id
      FROM ${t.lookedUp} l
      WHERE NOT EXISTS (SELECT 1 FROM latest w WHERE w.payout_id = l.payout_id)) ranked
    WHERE rank_in_id = 1)`;
}

/** Each provider row, resolved: line, its columns, resolved_id (NULL: names no payout at all), by_ref. */
export function resolvedSelect(t: PortableTables): string {
  return `WITH ${baseCtes(t)}
SELECT * FROM resolved`;
}

/** Ids provider rows resolved to that the day does not hold: the payouts to look up. */
export function unknownIdsSelect(t: PortableTables): string {
  return `WITH ${baseCtes(t)}
SELECT DISTINCT r.resolved_id FROM resolved r
WHERE r.resolved_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM latest p WHERE p.payout_id = r.resolved_id)`;
}

/**
 * What classify.ts's compare() would find nothing wrong with (recon-sql.ts's CLEAN_MATCH, inlined):
 * one claim, the ledger agreeing, currency, gross and fee agreeing, statuses agreeing, the batch not
 * contradicting the item, and the reference ours.
 */
const CLEAN_VERDICT = `coalesce(
    c.claims = 1
    AND (o.ledger_amount IS NULL OR o.ledger_amount = o.amount_minor)
    AND r.currency = o.currency AND r.gross_minor = o.amount_minor
    AND NOT (r.status NOT IN ('failed', 'canceled') AND coalesce(o.ledger_fee, o.fee_minor) IS NOT NULL
             AND coalesce(o.ledger_fee, o.fee_minor) <> r.fee_minor)
    AND NOT (o.status = 'paid' AND r.status = 'reversed')
    AND (o.status || '/' || r.status) IN (${inList(AGREEING_PAIRS)})
    AND NOT coalesce((r.batch_status || '/' || r.status) IN (${inList(CONTRADICTING_PAIRS)}), FALSE)
    AND o.provider_reference = r.provider_reference, FALSE)`;

/**
 * One row per payout (the day's and the looked-up): the ledger folded as withLedger folds it (a sum
 * of 0 keeps what the payout carried; looked-up payouts get no sums), how many provider rows claim
 * it, the first claim's line, whether any claim came by reference, whether SQL may write it as
 * agreed (`clean`), and the fee summary.json adds for an agreed row.
 */
export function classificationInputsSelect(t: PortableTables): string {
  return `WITH ${baseCtes(t)},
  ${allPayoutsCte(t)},
  led AS (
    SELECT payout_id, CAST(sum(sent_minor) AS BIGINT) AS sent, CAST(sum(fee_minor) AS BIGINT) AS fee
    FROM ${t.ledger} GROUP BY payout_id),
  cand AS (
    SELECT ${columnsOf('p', PAYOUT_COLUMNS)}, p.looked_up,
      CASE WHEN NOT p.looked_up AND coalesce(led.sent, 0) <> 0 THEN led.sent ELSE p.ledger_amount_minor END
        AS ledger_amount,
      CASE WHEN NOT p.looked_up AND coalesce(led.fee, 0) <> 0 THEN led.fee ELSE p.ledger_fee_minor END AS ledger_fee
    FROM all_payouts p LEFT JOIN led ON led.payout_id = p.payout_id),
  claims AS (
    SELECT resolved_id, CAST(count(*) AS BIGINT) AS claims, min(line) AS first_line,
      (max(CASE WHEN by_ref THEN 1 ELSE 0 END) = 1) AS by_ref
    FROM resolved WHERE resolved_id IS NOT NULL GROUP BY resolved_id)
SELECT o.payout_id, o.looked_up, o.ledger_amount, o.ledger_fee,
  CAST(coalesce(c.claims, 0) AS BIGINT) AS claims, c.first_line, coalesce(c.by_ref, FALSE) AS by_ref,
  ${CLEAN_VERDICT} AS clean,
  coalesce(o.ledger_fee, o.fee_minor, r.fee_minor) AS summary_fee
FROM cand o LEFT JOIN claims c ON c.resolved_id = o.payout_id
  LEFT JOIN resolved r ON r.resolved_id = o.payout_id AND r.line = c.first_line`;
}

/** Provider rows no payout claims (the day's nor a looked-up one): the orphans, by line. */
export function orphansSelect(t: PortableTables): string {
  return `WITH ${baseCtes(t)},
  ${allPayoutsCte(t)}
SELECT r.line, r.provider_reference, r.payout_id FROM resolved r
WHERE NOT EXISTS (SELECT 1 FROM all_payouts p WHERE p.payout_id = r.resolved_id)`;
}

/** The engines the statements run on. */
export type SqlDialect = 'duckdb' | 'athena';

/**
 * What differs between the two, kept to this table: how a SELECT becomes a stored result. DuckDB
 * keeps it in a temporary table of the run; Athena UNLOADs it as Parquet under the run's prefix.
 * UNLOAD rather than CREATE TABLE AS: it writes files and no Glue table, so the reconcile role
 * needs no Glue write at all (lib/athena-reconciliation-construct.ts grants reads only). `name`
 * is DuckDB's, `location` Athena's: it must hold no data yet (Athena refuses to UNLOAD over
 * objects), so a run gives each statement a prefix of its own under athena-results/.
 */
export const DIALECT: Record<SqlDialect, { materialize(name: string, select: string, location: string): string }> = {
  duckdb: { materialize: (name, select) => `CREATE TEMP TABLE ${name} AS ${select}` },
  athena: {
    materialize: (_name, select, location) =>
      `UNLOAD (${select}) TO ${quoted(location)} WITH (format = 'PARQUET', compression = 'ZSTD')`,
  },
};
