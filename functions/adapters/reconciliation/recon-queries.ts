import { CLEAN_LINE, CLEAN_MATCH } from '../../domain/reconciliation/recon-sql';
import { RECONCILIATION_CSV_HEADER } from '../../domain/reconciliation/export-rows';
import { reportTypedSelect } from '../../domain/reconciliation/recon-sql';

/**
 * The statements recon-store.ts runs, in order. The report, our payouts and the ledger facts come
 * in as typed columns; out come clean_lines (the rows SQL writes itself) and the rest, which the
 * domain classifies (engine.ts) and hands back as js_lines; COPY writes both in export order.
 */
const REPORT_COLUMNS_SQL = `line INTEGER NOT NULL, provider_reference VARCHAR, payout_id VARCHAR, batch_id VARCHAR,
  batch_status VARCHAR, status VARCHAR, currency VARCHAR, gross_minor BIGINT, fee_minor BIGINT, net_minor BIGINT,
  created_at VARCHAR, settled_at VARCHAR, orphan_bucket INTEGER, ok BOOLEAN NOT NULL`;
/** A payout's columns: what ReconPayout holds, and its export bucket. */
const PAYOUT_COLUMNS_SQL = `payout_id VARCHAR NOT NULL, idempotency_key VARCHAR NOT NULL, batch_id VARCHAR,
  provider VARCHAR NOT NULL, provider_reference VARCHAR, status VARCHAR NOT NULL, amount_minor BIGINT NOT NULL,
  fee_minor BIGINT, currency VARCHAR NOT NULL, created_at VARCHAR NOT NULL, last_event_at VARCHAR NOT NULL,
  ledger_amount_minor BIGINT, ledger_fee_minor BIGINT, status_reason VARCHAR, payout_batch_id VARCHAR,
  sender_batch_id VARCHAR, bucket INTEGER NOT NULL`;

export const CREATE_TABLES = [
  `CREATE TABLE report (${REPORT_COLUMNS_SQL})`,
  `CREATE TABLE payouts_in (seq BIGINT NOT NULL, ${PAYOUT_COLUMNS_SQL})`,
  `CREATE TABLE ledger (payout_id VARCHAR NOT NULL, sent_minor BIGINT NOT NULL, fee_minor BIGINT NOT NULL)`,
  `CREATE TABLE looked_up (${PAYOUT_COLUMNS_SQL})`,
  `CREATE TABLE js_lines (bucket INTEGER NOT NULL, k1 VARCHAR NOT NULL, k2 VARCHAR, k3 INTEGER, line VARCHAR NOT NULL)`,
];

const quoted = (text: string): string => `'${text.replaceAll("'", "''")}'`;
const identifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** The fast path: DuckDB reads the report file itself, every field as text, then types and checks it. */
export function insertReportFromCsv(path: string, header: readonly string[]): string {
  const columns = `{${header.map((name) => `${quoted(name)}: 'VARCHAR'`).join(', ')}}`;
  const as = (column: string, name: string) => `${identifier(column)} AS ${name}`;
  return `INSERT INTO report ${reportTypedSelect(`
    SELECT row_number() OVER () + 1 AS line, ${as('provider_reference', 'provider_reference')},
      ${as('metadata[payout_id]', 'payout_id')}, ${as('batch_id', 'batch_id')}, ${as('batch_status', 'batch_status')},
      ${as('status', 'status')}, ${as('currency', 'currency')}, ${as('gross', 'gross')}, ${as('fee', 'fee')},
      ${as('net', 'net')}, ${as('created_at', 'created_at')}, ${as('settled_at', 'settled_at')}
    FROM read_csv(${quoted(path)}, header = true, delim = ',', quote = '"', escape = '"', columns = ${columns},
      auto_detect = false, strict_mode = true, null_padding = false, ignore_errors = false)`)}`;
}

/**
 * Our side's input files (engine.ts writes them, or the caller hands them over): one JSON object a
 * line, ReconPayout's and LedgerFact's own field names, a field left out read as NULL. DuckDB reads
 * them itself (read_json), so no row passes through JavaScript on the way in.
 */
const PAYOUT_JSON_COLUMNS = `{payoutId: 'VARCHAR', idempotencyKey: 'VARCHAR', batchId: 'VARCHAR', provider: 'VARCHAR',
  providerReference: 'VARCHAR', status: 'VARCHAR', amountMinor: 'BIGINT', feeMinor: 'BIGINT', currency: 'VARCHAR',
  createdAt: 'VARCHAR', lastEventAt: 'VARCHAR', ledgerAmountMinor: 'BIGINT', ledgerFeeMinor: 'BIGINT',
  statusReason: 'VARCHAR', payoutBatchId: 'VARCHAR', senderBatchId: 'VARCHAR'}`;
const readJsonLines = (path: string, columns: string): string =>
  `read_json(${quoted(path)}, format = 'newline_delimited', columns = ${columns})`;

/**
 * The window's payouts in file order: `seq` is the line's place (row_number over the scan, which
 * holds only while preserve_insertion_order is on: recon-store.ts sets it for this statement), so
 * the last line for an id or a reference wins, as the last payout streamed did. The export bucket
 * is FNV-1a in SQL (recon_fnv), which equals export-order.ts's only on ASCII: an id that is not
 * fails the run (ours are `po_` + ULID) rather than landing in a bucket the domain would not pick.
 * ASCII is "as many bytes as characters": at 100k payouts this check cost 0.4–0.6 s CPU less than a
 * regular expression, which was most of the load.
 */
export function insertPayoutsFromJson(path: string, buckets: number): string {
  return `INSERT INTO payouts_in
    SELECT row_number() OVER () - 1, payoutId, idempotencyKey, batchId, provider, providerReference, status,
      amountMinor, feeMinor, currency, createdAt, lastEventAt, ledgerAmountMinor, ledgerFeeMinor, statusReason,
      payoutBatchId, senderBatchId,
      CASE WHEN strlen(payoutId) = length(payoutId) THEN CAST(recon_fnv(payoutId) % ${buckets} AS INTEGER)
        ELSE error('payout id is not ASCII: ' || payoutId) END
    FROM ${readJsonLines(path, PAYOUT_JSON_COLUMNS)}`;
}

/** The ledger facts (any order: they are summed per payout). */
export function insertLedgerFromJson(path: string): string {
  const columns = `{payoutId: 'VARCHAR', sentMinor: 'BIGINT', feeMinor: 'BIGINT'}`;
  return `INSERT INTO ledger SELECT payoutId, sentMinor, feeMinor FROM ${readJsonLines(path, columns)}`;
}

export const REPORT_VERDICT = `SELECT count(*)::DOUBLE AS rows, count(*) FILTER (WHERE NOT ok)::DOUBLE AS refused FROM report`;

/**
 * Duplicates resolve as the hash maps they replaced did: the last payout streamed for an id, and for
 * a provider reference, wins. A provider row resolves by reference first, else by its metadata id.
 */
export const RESOLVE = [
  `CREATE TABLE payouts AS SELECT * EXCLUDE (seq), false AS looked_up FROM payouts_in
     QUALIFY row_number() OVER (PARTITION BY payout_id ORDER BY seq DESC) = 1`,
  `CREATE TABLE refs AS SELECT provider_reference, payout_id FROM payouts_in WHERE provider_reference IS NOT NULL
     QUALIFY row_number() OVER (PARTITION BY provider_reference ORDER BY seq DESC) = 1`,
  `CREATE TABLE resolved AS
     SELECT r.* EXCLUDE (ok), coalesce(f.payout_id, r.payout_id) AS resolved_id, f.payout_id IS NOT NULL AS by_ref,
       recon_exp(r.currency) AS exp
     FROM report r LEFT JOIN refs f ON f.provider_reference = r.provider_reference`,
  `DROP TABLE payouts_in`,
  `DROP TABLE refs`,
  `DROP TABLE report`,
];

/** Ids provider rows resolved to that are not among the window's payouts (created on another day). */
export const UNKNOWN_IDS = `SELECT DISTINCT r.resolved_id FROM resolved r
  ANTI JOIN payouts p ON p.payout_id = r.resolved_id WHERE r.resolved_id IS NOT NULL`;

/** The looked-up payouts join the window's, marked: they get no ledger sums (the ledger read covers the window). */
export const ADD_LOOKED_UP = `INSERT INTO payouts
  SELECT * EXCLUDE (rank), true FROM (SELECT l.*, row_number() OVER (PARTITION BY l.payout_id) AS rank
    FROM looked_up l ANTI JOIN payouts p ON p.payout_id = l.payout_id) WHERE rank = 1`;

/**
 * Each payout with its ledger folded as withLedger folds it (a sum of 0 keeps what the payout
 * carried), and how many provider rows claim it; then the clean rows, written by SQL. Counts, mins
 * and bool_or are fixed-size states that spill; no list or string aggregate over rows.
 */
export const CLASSIFY = (buckets: number) => [
  `CREATE TABLE cand AS
   WITH led AS (SELECT payout_id, sum(sent_minor) AS sent, sum(fee_minor) AS fee FROM ledger GROUP BY payout_id)
   SELECT p.* EXCLUDE (ledger_amount_minor, ledger_fee_minor),
     CASE WHEN NOT p.looked_up AND coalesce(led.sent, 0) <> 0 THEN led.sent ELSE p.ledger_amount_minor END
       AS ledger_amount,
     CASE WHEN NOT p.looked_up AND coalesce(led.fee, 0) <> 0 THEN led.fee ELSE p.ledger_fee_minor END AS ledger_fee,
     recon_exp(p.currency) AS exp
   FROM payouts p LEFT JOIN led ON led.payout_id = p.payout_id`,
  `CREATE TABLE claims AS SELECT resolved_id, count(*) AS claims, min(line) AS first_line, bool_or(by_ref) AS by_ref
   FROM resolved WHERE resolved_id IS NOT NULL GROUP BY resolved_id`,
  // The agreed payouts, without their lines: COPY renders those as it writes (a 1M-row table of
  // lines is what outgrew the memory limit), from the same joins.
  `CREATE TABLE clean_lines AS
   SELECT o.bucket, o.payout_id, o.currency, o.status, o.amount_minor, c.first_line, c.by_ref,
     coalesce(o.ledger_fee, o.fee_minor, r.fee_minor) AS summary_fee, o.payout_batch_id, o.sender_batch_id
   FROM cand o JOIN claims c ON c.resolved_id = o.payout_id
     JOIN resolved r ON r.resolved_id = o.payout_id AND r.line = c.first_line
   WHERE ${CLEAN_MATCH}`,
  `CREATE TABLE orphans AS SELECT coalesce(r.orphan_bucket, CAST(recon_fnv(CASE WHEN r.payout_id IS NULL
       THEN 'ref:' || r.provider_reference ELSE r.payout_id END) % ${buckets} AS INTEGER)) AS bucket, r.*
   FROM resolved r ANTI JOIN payouts o ON o.payout_id = r.resolved_id`,
];

const REPORT_OUT = `r.line, r.provider_reference, r.payout_id, r.batch_id, r.batch_status, r.status, r.currency,
  r.gross_minor::DOUBLE, r.fee_minor::DOUBLE, r.net_minor::DOUBLE, r.created_at, r.settled_at`;
const NULL_PAYOUT = Array.from({ length: 13 }, () => 'NULL').join(', ');
/** Columns FOR_DOMAIN adds after the claim and by_ref (newest last): status_reason, the batch identity. */
const NULL_PAYOUT_TAIL = Array.from({ length: 3 }, () => 'NULL').join(', ');

/**
 * What the domain classifies: every payout SQL did not write (with each claiming provider row; none:
 * one row, claim NULL), then every provider row no payout claims; by bucket, then payout id, so a
 * payout's claims arrive together.
 */
export const FOR_DOMAIN = `
SELECT o.bucket, o.payout_id, o.idempotency_key, o.batch_id, o.provider, o.provider_reference, o.status,
  o.amount_minor::DOUBLE, o.fee_minor::DOUBLE, o.currency, o.created_at, o.last_event_at,
  o.ledger_amount::DOUBLE, o.ledger_fee::DOUBLE, ${REPORT_OUT}, r.by_ref, o.status_reason,
  o.payout_batch_id, o.sender_batch_id
FROM cand o ANTI JOIN clean_lines k ON k.payout_id = o.payout_id
  LEFT JOIN resolved r ON r.resolved_id = o.payout_id
UNION ALL
SELECT r.bucket, ${NULL_PAYOUT}, ${REPORT_OUT}, NULL, ${NULL_PAYOUT_TAIL} FROM orphans r
ORDER BY 1, 2 NULLS LAST, 15`;

/** The agreed rows, summed for summary.json (summary.ts adds them as it adds a row). */
export const CLEAN_SUMMARY = `SELECT currency, status, count(*)::DOUBLE, sum(amount_minor)::DOUBLE,
  count(summary_fee)::DOUBLE, coalesce(sum(summary_fee), 0)::DOUBLE FROM clean_lines GROUP BY ALL ORDER BY ALL`;

/** The agreed batch items, summed per batch, currency and status (summary.json's `batches`). */
export const CLEAN_BATCH_SUMMARY = `SELECT payout_batch_id, coalesce(sender_batch_id, ''), currency, status,
  count(*)::DOUBLE, sum(amount_minor)::DOUBLE FROM clean_lines WHERE payout_batch_id IS NOT NULL
  GROUP BY ALL ORDER BY ALL`;

/** The agreed failed items of each batch, the `perBatch` smallest payout ids of each (the failed slice). */
export const cleanBatchFailedIds = (perBatch: number): string => `SELECT payout_batch_id,
  coalesce(sender_batch_id, ''), payout_id FROM clean_lines WHERE payout_batch_id IS NOT NULL AND status = 'failed'
  QUALIFY row_number() OVER (PARTITION BY payout_batch_id ORDER BY payout_id) <= ${Math.trunc(perBatch)}
  ORDER BY 1, 3`;

export const CLEAN_IDS = `SELECT payout_id FROM clean_lines ORDER BY bucket, payout_id`;

const HEADER_LINE = RECONCILIATION_CSV_HEADER.replace(/\n$/, '');

/**
 * reconciliation.csv in export order (export-order.ts): header, then by bucket and key. An orphan's
 * key is (payout id or '', reference, line), compared as orphanSortKey's NUL-joined string is: a
 * payout's key sorts before every orphan key it prefixes. Each line ends in CR and COPY adds the LF,
 * with quoting off: the cells were quoted as csv-writer.ts quotes them.
 */
export function copyReconciliation(path: string): string {
  return `COPY (SELECT line FROM (
      SELECT -1 AS bucket, '' AS k1, NULL::VARCHAR AS k2, NULL::INTEGER AS k3, ${quoted(HEADER_LINE)} AS line
      UNION ALL SELECT o.bucket, o.payout_id, NULL, NULL, ${CLEAN_LINE} FROM clean_lines c
        JOIN cand o ON o.payout_id = c.payout_id JOIN resolved r ON r.resolved_id = c.payout_id AND r.line = c.first_line
      UNION ALL SELECT bucket, k1, k2, k3, line FROM js_lines)
    ORDER BY bucket, k1, k2 NULLS FIRST, k3 NULLS FIRST)
  TO ${quoted(path)} (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER E'\\x01')`;
}
