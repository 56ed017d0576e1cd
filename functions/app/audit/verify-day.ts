import { createHash } from 'node:crypto';
import type { AuditSearch } from '../../adapters/audit-search';
import type { AuditTrail } from '../../adapters/audit-trail';
import { AUDIT_EXPORT_NAME } from '../../adapters/reconciliation/export-store';
import { EMPTY_CHAIN, auditDayOf, chainKeyOf, type AuditRecord, type AuditSubject } from '../../domain/audit';
import { compareWithExport, verifyChain, type ChainBreak, type ExportBreak } from '../../domain/audit-verify';
import { DomainError } from '../../domain/domain-error';
import { isCalendarDate } from '../../domain/reconciliation/run-date';

/**
 * `npm run audit -- verify --date D` (docs/audit.md): checks every chain UTC day D touched.
 *
 *   1. the day's records, from the day index → the chains they sit in, and each chain's seq range;
 *   2. when D has been exported: audit.jsonl against the manifest's SHA-256, and its chains too;
 *   3. per chain, read consistently from the table: the day's records plus one on each side — the
 *      record before (its hash must be what the first one names; seq 1 follows the genesis hash)
 *      and the record after (it must name the last one), or, when there is none, the stored head;
 *      then domain/audit-verify.ts walks them (tampered field, gap, reorder, fork, head);
 *   4. the export against the table (deleted, changed or added since the export).
 *
 * A chain all of whose records of D were deleted leaves no trace in the day index; it shows as a
 * break on the chain's next record (its predecessor is missing) when that record's day is verified,
 * at the head when there is none, and on D itself once D is exported (missing_since_export).
 */
export const VERIFY_BREAKS_LISTED_MAX = 50;

export interface VerifyDayDeps {
  search: Pick<AuditSearch, 'dayRecords'>;
  trail: Pick<AuditTrail, 'chainRecords' | 'storedHead'>;
  exports: {
    readManifest(date: string): Promise<string | undefined>;
    readExportFile(date: string, name: string): Promise<Buffer>;
  };
  now(): Date;
}

export type VerifyBreak = ChainBreak | ExportBreak;

export interface AuditVerifyReport {
  date: string;
  ok: boolean;
  checked: {
    /** Chains the day touched (with the export's, when there is one). */
    chains: number;
    /** Records of the day in the table. */
    day_records: number;
    /** Records read and verified, the neighbours outside the day included. */
    records_verified: number;
    /** Chains whose stored head was compared with their last record. */
    heads: number;
  };
  export: { present: false } | { present: true; records: number; sha256: string; sha256_matches_manifest: boolean };
  /** The first broken record (earliest `at`), or null. */
  first_break: VerifyBreak | null;
  breaks: VerifyBreak[];
  breaks_total: number;
}

export class InvalidAuditDateError extends DomainError {
  constructor(readonly date: unknown) {
    super(
      'parameter_invalid',
      'terminal',
      `date must be a calendar date YYYY-MM-DD, not after today (UTC); got ${JSON.stringify(date)}`,
      { param: 'date' },
    );
    this.name = 'InvalidAuditDateError';
  }
}

interface ChainRange {
  subject: AuditSubject;
  min: number;
  max: number;
}

export async function verifyAuditDay(deps: VerifyDayDeps, date: unknown): Promise<AuditVerifyReport> {
  if (!isCalendarDate(date) || date > deps.now().toISOString().slice(0, 10)) throw new InvalidAuditDateError(date);
  const chains = new Map<string, ChainRange>();
  const widen = (record: Pick<AuditRecord, 'subject' | 'seq'>) => {
    const key = chainKeyOf(record.subject);
    const range = chains.get(key);
    if (range === undefined) chains.set(key, { subject: record.subject, min: record.seq, max: record.seq });
    else chains.set(key, { ...range, min: Math.min(range.min, record.seq), max: Math.max(range.max, record.seq) });
  };
  for await (const record of deps.search.dayRecords(date, { strict: false }))
    if (record.subject !== undefined) widen(record);

  const breaks: VerifyBreak[] = [];
  const exported = await readExport(deps, date, breaks);
  for (const record of exported?.records ?? []) widen(record);

  const stored: AuditRecord[] = [];
  let recordsVerified = 0;
  let heads = 0;
  for (const key of [...chains.keys()].sort()) {
    const range = chains.get(key)!;
    const records = await deps.trail.chainRecords(range.subject, range.min - 1, range.max + 1, { strict: false });
    const predecessor = records[0]?.seq === range.min - 1 ? records[0] : undefined;
    const after =
      range.min === 1
        ? EMPTY_CHAIN
        : predecessor === undefined
          ? 'missing'
          : { seq: predecessor.seq - 1, hash: predecessor.prev_hash };
    const hasSuccessor = records[records.length - 1]?.seq === range.max + 1;
    const head = hasSuccessor ? undefined : ((await deps.trail.storedHead(range.subject)) ?? EMPTY_CHAIN);
    if (head !== undefined) heads++;
    const verdict = verifyChain(records, { chain: key, after, ...(head === undefined ? {} : { head }) });
    recordsVerified += records.length;
    if (!verdict.ok) breaks.push(verdict.break);
    stored.push(...records.filter((record) => typeof record.at === 'string' && auditDayOf(record.at) === date));
  }
  if (exported !== undefined) breaks.push(...compareWithExport(exported.records, stored));

  breaks.sort((a, b) => (a.at ?? '').localeCompare(b.at ?? '') || (a.audit_id ?? '').localeCompare(b.audit_id ?? ''));
  return {
    date,
    ok: breaks.length === 0,
    checked: { chains: chains.size, day_records: stored.length, records_verified: recordsVerified, heads },
    export:
      exported === undefined
        ? { present: false }
        : {
            present: true,
            records: exported.records.length,
            sha256: exported.sha256,
            sha256_matches_manifest: exported.matches,
          },
    first_break: breaks[0] ?? null,
    breaks: breaks.slice(0, VERIFY_BREAKS_LISTED_MAX),
    breaks_total: breaks.length,
  };
}

/** The day's exported records, when the day has a published manifest that lists audit.jsonl. */
async function readExport(deps: VerifyDayDeps, date: string, breaks: VerifyBreak[]) {
  const manifestText = await deps.exports.readManifest(date);
  if (manifestText === undefined) return undefined;
  const listed = (JSON.parse(manifestText) as { files?: Array<{ name: string; sha256: string }> }).files?.find(
    (file) => file.name === AUDIT_EXPORT_NAME,
  );
  // An export written before the trail existed (generator < 1.2.0) has nothing to compare.
  if (listed === undefined) return undefined;
  const bytes = await deps.exports.readExportFile(date, AUDIT_EXPORT_NAME);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const matches = sha256 === listed.sha256;
  const altered = (message: string): ExportBreak => ({
    reason: 'export_altered',
    chain: null,
    audit_id: null,
    seq: null,
    at: null,
    message,
  });
  if (!matches) breaks.push(altered(`${AUDIT_EXPORT_NAME} hashes to ${sha256}, the manifest says ${listed.sha256}`));
  const records: AuditRecord[] = [];
  for (const [index, line] of bytes.toString('utf8').split('\n').entries()) {
    if (line === '') continue;
    try {
      records.push(JSON.parse(line) as AuditRecord);
    } catch {
      breaks.push(altered(`line ${index + 1} of ${AUDIT_EXPORT_NAME} is not JSON`));
    }
  }
  return { records, sha256, matches };
}
