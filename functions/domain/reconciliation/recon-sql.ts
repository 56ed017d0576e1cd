import { CURRENCY_EXPONENTS } from '../money';
import { PAYOUT_STATUSES } from '../lifecycle';
import { FAILED_DETAIL, batchContradictsItem, statusesAgree } from './classify';
import { PROVIDER_STATUSES } from './report';
import { RECONCILIATION_CSV_COLUMNS } from './export-rows';
import { FAILURE_SOURCE_BY_CODE } from '../failure-source';

/**
 * The reconciliation's SQL, as text: DuckDB runs it in the Lambda (adapters/reconciliation/recon-store.ts)
 * and the shared-SQL test runs it too. Pure: no engine is called here, only strings built.
 *
 * What SQL decides, and what it leaves to the domain: SQL finds the *clean* rows — one provider row
 * for the payout, and nothing in classify.ts's compare() that could disagree — and writes their CSV
 * line itself, so the million rows that agree never pass through JavaScript. Every other row (any
 * doubt at all) goes to classifyPayout / classifyOrphan, which stay the source of truth. The status
 * tables below are generated from the domain's own predicates, so the two cannot drift, and
 * test/unit/domain/reconciliation/recon-sql.test.ts holds that the SQL verdict agrees with the
 * domain's on every case of its table.
 */

const quoted = (text: string): string => `'${text.replaceAll("'", "''")}'`;
const inList = (values: readonly string[]): string => values.map(quoted).join(', ');

/** `ours/theirs` pairs for which statusesAgree holds: the SQL reads the domain's table. */
const AGREEING_STATUS_PAIRS = PAYOUT_STATUSES.flatMap((ours) =>
  PROVIDER_STATUSES.filter((theirs) => statusesAgree(ours, theirs)).map((theirs) => `${ours}/${theirs}`),
);
/** `batch/item` pairs batchContradictsItem refuses. */
const CONTRADICTING_BATCH_PAIRS = PROVIDER_STATUSES.flatMap((batch) =>
  PROVIDER_STATUSES.filter((item) => batchContradictsItem(batch, item)).map((item) => `${batch}/${item}`),
);

/**
 * failureSourceOfPayout for a clean row, from the domain's own code table: a failed or reversed
 * payout's code (failureCodeOf: before the first colon, trimmed), a code not listed is the
 * provider's, and every other status has none (a clean row has no mismatch to attribute).
 */
const failureSourceCases = Object.entries(FAILURE_SOURCE_BY_CODE)
  .map(([code, source]) => `WHEN ${quoted(code)} THEN ${quoted(source)}`)
  .join(' ');
const FAILURE_SOURCE_CELL = `CASE WHEN o.status NOT IN ('failed', 'reversed') THEN ''
  WHEN o.status_reason IS NULL THEN 'provider'
  ELSE CASE trim(split_part(o.status_reason, ':', 1)) ${failureSourceCases} ELSE 'provider' END END`;

const EXPONENTS = [...new Set<number>(Object.values(CURRENCY_EXPONENTS))].sort();
/**
 * formatDecimal for exponent e > 0: the minor units times the exact DECIMAL literal 10^-e (0.01,
 * 0.001), cast to DECIMAL(18, e) and printed. Decimal arithmetic, never DOUBLE (`/` would be one:
 * 9007199254740991 / 100 prints 90071992547409.9); DuckDB prints a DECIMAL as formatDecimal does
 * (sign, whole units, point, e digits). Measured on 2.4M values: 311 ms CPU against 540 ms for the
 * string arithmetic this replaced (//, %, lpad), with equal output (recon-sql.test.ts holds it).
 * DECIMAL(18, e) holds every amount the domain allows (|minor| ≤ 2^53 − 1); a larger one fails the cast.
 */
const decimalCases = EXPONENTS.filter((exponent) => exponent > 0)
  .map((e) => `WHEN e = ${e} THEN CAST(CAST(minor * 0.${'0'.repeat(e - 1)}1 AS DECIMAL(18, ${e})) AS VARCHAR)`)
  .join(' ');
const exponentCases = Object.entries(CURRENCY_EXPONENTS)
  .map(([currency, exponent]) => `WHEN ${quoted(currency)} THEN ${exponent}`)
  .join(' ');

/** The largest integer a JavaScript number holds exactly: amounts past it are refused, as parseDecimalMinor does. */
const SAFE_INTEGER_MAX = Number.MAX_SAFE_INTEGER;

/**
 * Macros, created once per DuckDB instance in its `memory` database (recon-store.ts): money (formatDecimal's rule), CSV cells (csv-writer.ts's
 * quoting and formula rule), the status predicates, FNV-1a (export-order.ts; ASCII keys only, which
 * the fast report path guarantees).
 */
export const RECON_MACROS: readonly string[] = [
  `CREATE OR REPLACE MACRO recon_exp(cur) AS CASE cur ${exponentCases} END`,
  // formatDecimal: the sign, the whole units, the point, the fraction padded to the exponent `e` (decimalCases).
  `CREATE OR REPLACE MACRO recon_decimal(minor, e) AS
     CASE WHEN minor IS NULL OR e IS NULL THEN '' WHEN e = 0 THEN CAST(minor AS VARCHAR) ${decimalCases} END`,
  // Flat, each argument used few times (a macro is expanded in place, and nested ones multiply the
  // plan); contains() and left() rather than regular expressions, which cost per row. The formula
  // prefix (a single quote) never needs quoting itself, so the quote decision reads v alone.
  `CREATE OR REPLACE MACRO recon_formula(v) AS
     CASE WHEN left(v, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' ELSE '' END`,
  `CREATE OR REPLACE MACRO recon_text(v) AS
     CASE WHEN v IS NULL THEN ''
          WHEN contains(v, '"') OR contains(v, ',') OR contains(v, chr(13)) OR contains(v, chr(10))
          THEN '"' || recon_formula(v) || replace(v, '"', '""') || '"' ELSE recon_formula(v) || v END`,
  `CREATE OR REPLACE MACRO recon_num(v) AS coalesce(CAST(v AS VARCHAR), '')`,
  `CREATE OR REPLACE MACRO recon_agree(ours, theirs) AS (ours || '/' || theirs) IN (${inList(AGREEING_STATUS_PAIRS)})`,
  `CREATE OR REPLACE MACRO recon_batch_contradicts(batch, item) AS
     coalesce((batch || '/' || item) IN (${inList(CONTRADICTING_BATCH_PAIRS)}), false)`,
  `CREATE OR REPLACE MACRO recon_fnv(key) AS list_reduce([2166136261::UBIGINT]
     || list_transform(split(key, ''), c -> ord(c)::UBIGINT), (h, c) -> (xor(h, c) * 16777619) % 4294967296)`,
  // parseDecimalMinor: string arithmetic, no float; NULL where it would refuse. `e`: the exponent.
  // The digits are cast once, to BIGINT (19 digits at most: 16 whole, 3 fraction; one that overflows
  // is NULL, refused): the HUGEINT cast it replaced, made twice a cell, was most of the report's load
  // (0.9 s CPU of 2.2 s at 300k rows). A magnitude past 2^53 − 1 is refused by recon_safe, in the row's check.
  `CREATE OR REPLACE MACRO recon_fraction(t) AS CASE WHEN contains(t, '.') THEN split_part(t, '.', 2) ELSE '' END`,
  `CREATE OR REPLACE MACRO recon_minor(t, e) AS
     CASE WHEN t IS NULL OR e IS NULL OR NOT regexp_full_match(t, '-?[0-9]{1,16}(\\.[0-9]+)?') THEN NULL
          WHEN length(recon_fraction(t)) > e THEN NULL
          ELSE (CASE WHEN starts_with(t, '-') THEN -1 ELSE 1 END)
            * TRY_CAST(split_part(ltrim(t, '-'), '.', 1) || rpad(recon_fraction(t), e, '0') AS BIGINT) END`,
  `CREATE OR REPLACE MACRO recon_safe(minor) AS minor BETWEEN -${SAFE_INTEGER_MAX} AND ${SAFE_INTEGER_MAX}`,
  // What the fast report path accepts: stricter than report.ts (printable ASCII identifiers, real
  // clock times), never looser; a row it refuses sends the whole report to the strict JS reader.
  `CREATE OR REPLACE MACRO recon_ident(v) AS regexp_full_match(v, '[\\x20-\\x7e]{1,255}')`,
  `CREATE OR REPLACE MACRO recon_time(v) AS regexp_full_match(v,
     '[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?Z')
     AND TRY_CAST(left(v, 10) AS DATE) IS NOT NULL`,
  `CREATE OR REPLACE MACRO recon_status(v) AS v IN (${inList(PROVIDER_STATUSES)})`,
  `CREATE OR REPLACE MACRO recon_currency(v, e) AS regexp_full_match(v, '[A-Za-z]{3}') AND e IS NOT NULL`,
];

/**
 * The typed report row from read_csv's text columns, and whether the fast path accepts it. `src`
 * is the text row with `cur` (upper-cased currency) and `e` (its exponent) beside it.
 */
export function reportTypedSelect(src: string): string {
  return `SELECT line, provider_reference, payout_id, batch_id, batch_status, status, cur AS currency,
    gross_minor, fee_minor, net_minor, created_at, settled_at, NULL::INTEGER AS orphan_bucket,
    coalesce(recon_ident(provider_reference) AND (payout_id IS NULL OR recon_ident(payout_id))
      AND (batch_id IS NULL OR recon_ident(batch_id)) AND (batch_status IS NULL OR recon_status(batch_status))
      AND recon_status(status) AND recon_currency(currency, e) AND recon_time(created_at)
      AND (settled_at IS NULL OR recon_time(settled_at)) AND recon_safe(gross_minor) AND recon_safe(fee_minor)
      AND recon_safe(net_minor) AND net_minor = gross_minor - fee_minor, false) AS ok
  FROM (SELECT *, recon_minor(gross, e) AS gross_minor, recon_minor(fee, e) AS fee_minor,
          recon_minor(net, e) AS net_minor
        FROM (SELECT *, upper(currency) AS cur, recon_exp(upper(currency)) AS e FROM (${src})))`;
}

/**
 * A payout (`o`, with `ledger_amount` / `ledger_fee` as withLedger folds them) and its one claiming
 * provider row (`r`) that classify.ts's compare() would find nothing wrong with.
 */
export const CLEAN_MATCH = `coalesce(
  c.claims = 1
  AND (o.ledger_amount IS NULL OR o.ledger_amount = o.amount_minor)
  AND r.currency = o.currency AND r.gross_minor = o.amount_minor
  AND NOT (r.status NOT IN ('failed', 'canceled') AND coalesce(o.ledger_fee, o.fee_minor) IS NOT NULL
           AND coalesce(o.ledger_fee, o.fee_minor) <> r.fee_minor)
  AND NOT (o.status = 'paid' AND r.status = 'reversed')
  AND recon_agree(o.status, r.status)
  AND NOT recon_batch_contradicts(r.batch_status, r.status)
  AND o.provider_reference = r.provider_reference, false)`;

/**
 * reconciliationCsvLine for a clean row, in SQL: the cells in RECONCILIATION_CSV_COLUMNS order, CR at
 * the end (COPY adds the LF). The cells are keyed by column name, so a column added to the list
 * without its cell here fails at module load, not in finance's loader.
 */
const CLEAN_CELLS: Record<(typeof RECONCILIATION_CSV_COLUMNS)[number], string> = {
  payout_id: 'recon_text(o.payout_id)',
  idempotency_key: 'recon_text(o.idempotency_key)',
  batch_id: 'recon_text(coalesce(o.batch_id, r.batch_id))',
  provider: 'recon_text(o.provider)',
  provider_reference: 'recon_text(o.provider_reference)',
  our_status: 'o.status',
  provider_status: 'r.status',
  currency: 'o.currency',
  amount_minor: 'recon_num(o.amount_minor)',
  amount: 'recon_decimal(o.amount_minor, o.exp)',
  fee_minor: 'recon_num(coalesce(o.ledger_fee, o.fee_minor))',
  fee: 'recon_decimal(coalesce(o.ledger_fee, o.fee_minor), o.exp)',
  net_minor: 'recon_num(o.amount_minor - coalesce(o.ledger_fee, o.fee_minor))',
  net: 'recon_decimal(o.amount_minor - coalesce(o.ledger_fee, o.fee_minor), o.exp)',
  provider_currency: 'r.currency',
  provider_gross_minor: 'recon_num(r.gross_minor)',
  provider_gross: 'recon_decimal(r.gross_minor, r.exp)',
  provider_fee_minor: 'recon_num(r.fee_minor)',
  provider_fee: 'recon_decimal(r.fee_minor, r.exp)',
  provider_net_minor: 'recon_num(r.net_minor)',
  provider_net: 'recon_decimal(r.net_minor, r.exp)',
  created_at: 'recon_text(o.created_at)',
  last_event_at: 'recon_text(o.last_event_at)',
  settled_at: 'recon_text(r.settled_at)',
  match_status: `'matched'`,
  matched_by: `CASE WHEN c.by_ref THEN 'provider_reference' ELSE 'payout_id' END`,
  mismatch_category: `CASE WHEN o.status = 'failed' THEN 'failed' ELSE '' END`,
  detail: `recon_text(CASE WHEN o.status = 'failed' THEN ${quoted(FAILED_DETAIL)} END)`,
  exception_id: `''`,
  exception_owner: `''`,
  report_line: 'recon_num(r.line)',
  mismatches: `''`,
  failure_source: FAILURE_SOURCE_CELL,
  payout_batch_id: 'recon_text(o.payout_batch_id)',
  sender_batch_id: 'recon_text(o.sender_batch_id)',
};

export const CLEAN_LINE = `concat_ws(',', ${RECONCILIATION_CSV_COLUMNS.map((c) => CLEAN_CELLS[c]).join(', ')}) || chr(13)`;
