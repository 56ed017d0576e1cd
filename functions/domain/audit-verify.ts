import { assertNever } from './assert-never';
import { auditHashOf, chainKeyOf, type AuditRecord, type ChainHead } from './audit';
import { AuditEncodingError } from './audit-canonical';

/**
 * Chain verification (pure): the records of one chain in the order they are stored, checked against
 * the head the segment starts after and, when the segment runs to the chain's end, the stored head.
 * Each record is checked in this order of precedence, and the first failure is the verdict:
 *
 *   chain_mismatch      the record names another subject than the chain it sits in (moved)
 *   hash_mismatch       its members do not hash to its `hash` (a field was changed)
 *   fork                it claims the place of the record before it (same seq, or the same
 *                       prev_hash): two records on one predecessor
 *   out_of_order        its seq is not the next one, but the next one follows later (reordered)
 *   seq_gap             its seq is not the next one, and the next one is nowhere (deleted records)
 *   prev_hash_mismatch  its prev_hash is not the hash of the record before it (a record before it
 *                       was replaced, rehashed or deleted)
 *
 * then, after the last record: head_mismatch — the stored head names another last record (records
 * deleted from the end, or a head rewritten). A segment that should start after a record that is
 * not there is `predecessor_missing` (the caller knows; see verifyChain's `after`).
 */
export const CHAIN_BREAK_REASONS = [
  'chain_mismatch',
  'hash_mismatch',
  'fork',
  'out_of_order',
  'seq_gap',
  'prev_hash_mismatch',
  'head_mismatch',
  'predecessor_missing',
] as const;
export type ChainBreakReason = (typeof CHAIN_BREAK_REASONS)[number];

export interface ChainBreak {
  reason: ChainBreakReason;
  chain: string;
  /** The first record whose check failed (for head_mismatch: the last record, if any). */
  audit_id: string | null;
  seq: number | null;
  at: string | null;
  message: string;
}

export type ChainVerdict = { ok: true; records: number } | { ok: false; records: number; break: ChainBreak };

export interface ChainExpectation {
  /** The chain's name, `type:id` (chainKeyOf). */
  chain: string;
  /** The head the first record must follow: EMPTY_CHAIN for seq 1, else the predecessor's; 'missing' when it is gone. */
  after: ChainHead | 'missing';
  /** The stored head, when the records run to the chain's end; omitted when a later record exists. */
  head?: ChainHead;
}

export function verifyChain(records: readonly AuditRecord[], expect: ChainExpectation): ChainVerdict {
  const first = records[0];
  if (expect.after === 'missing') {
    const message =
      first === undefined
        ? 'the record this segment follows is missing'
        : `the record before seq ${first.seq} is missing`;
    return broken(records.length, breakAt('predecessor_missing', expect.chain, first, message));
  }
  let previous: ChainHead = expect.after;
  let previousPrevHash: string | undefined;
  for (let index = 0; index < records.length; index++) {
    const record = records[index]!;
    const reason = recordFailure(record, index, records, previous, previousPrevHash, expect.chain);
    if (reason !== undefined)
      return broken(records.length, breakAt(reason, expect.chain, record, explain(reason, record, previous)));
    previousPrevHash = record.prev_hash;
    previous = { seq: record.seq, hash: record.hash };
  }
  if (expect.head !== undefined && (expect.head.seq !== previous.seq || expect.head.hash !== previous.hash)) {
    const last = records[records.length - 1];
    const message =
      `the stored head is seq ${expect.head.seq}, the last record is seq ${previous.seq}` +
      (expect.head.seq === previous.seq ? ' with another hash' : '');
    return broken(records.length, breakAt('head_mismatch', expect.chain, last, message));
  }
  return { ok: true, records: records.length };
}

function recordFailure(
  record: AuditRecord,
  index: number,
  records: readonly AuditRecord[],
  previous: ChainHead,
  previousPrevHash: string | undefined,
  chain: string,
): ChainBreakReason | undefined {
  if (record.subject === undefined || record.subject === null || chainKeyOf(record.subject) !== chain)
    return 'chain_mismatch';
  if (!hashHolds(record)) return 'hash_mismatch';
  if (index > 0 && (record.seq === previous.seq || record.prev_hash === previousPrevHash)) return 'fork';
  if (record.seq !== previous.seq + 1) {
    const nextFollowsLater = records.slice(index + 1).some((later) => later.seq === previous.seq + 1);
    return nextFollowsLater ? 'out_of_order' : 'seq_gap';
  }
  if (record.prev_hash !== previous.hash) return 'prev_hash_mismatch';
  return undefined;
}

/** A stored record whose members are not even JSON data (a set, a binary) cannot hash to anything. */
function hashHolds(record: AuditRecord): boolean {
  try {
    return auditHashOf(record) === record.hash;
  } catch (error) {
    if (error instanceof AuditEncodingError) return false;
    throw error;
  }
}

function explain(reason: ChainBreakReason, record: AuditRecord, previous: ChainHead): string {
  switch (reason) {
    case 'chain_mismatch':
      return record.subject ? `the record names ${chainKeyOf(record.subject)}` : 'the record names no subject';
    case 'hash_mismatch':
      return 'its members do not hash to its hash: a field was changed';
    case 'fork':
      return `a second record after seq ${previous.seq - 1}: the chain forks`;
    case 'out_of_order':
      return `seq ${record.seq} stands where seq ${previous.seq + 1} should; that record comes later`;
    case 'seq_gap':
      return `seq ${record.seq} follows seq ${previous.seq}: ${record.seq - previous.seq - 1} record(s) missing`;
    case 'prev_hash_mismatch':
      return `its prev_hash is not the hash of seq ${previous.seq}`;
    case 'head_mismatch':
    case 'predecessor_missing':
      return reason;
    default:
      return assertNever(reason, 'chain break reason');
  }
}

function breakAt(
  reason: ChainBreakReason,
  chain: string,
  record: AuditRecord | undefined,
  message: string,
): ChainBreak {
  return {
    reason,
    chain,
    audit_id: record?.audit_id ?? null,
    seq: record?.seq ?? null,
    at: record?.at ?? null,
    message,
  };
}

const broken = (records: number, chainBreak: ChainBreak): ChainVerdict => ({ ok: false, records, break: chainBreak });

/**
 * A day's export against the table (the export is the anchor: once audit.jsonl and its SHA-256 are
 * in the versioned exports bucket, a record deleted or rewritten in the table afterwards shows here
 * even when its whole chain was rewritten consistently). Reasons:
 *
 *   export_altered         audit.jsonl does not hash to the manifest's sha256 (or does not parse)
 *   missing_since_export   an exported record is no longer in the table
 *   changed_since_export   the table holds another record (another hash) in its place
 *   not_in_export          a record of the day is in the table but not in the export
 */
export const EXPORT_BREAK_REASONS = [
  'export_altered',
  'missing_since_export',
  'changed_since_export',
  'not_in_export',
] as const;
export type ExportBreakReason = (typeof EXPORT_BREAK_REASONS)[number];

export interface ExportBreak {
  reason: ExportBreakReason;
  chain: string | null;
  audit_id: string | null;
  seq: number | null;
  at: string | null;
  message: string;
}

/** Compares the exported records of a day with the table's records of the same day. */
export function compareWithExport(exported: readonly AuditRecord[], stored: readonly AuditRecord[]): ExportBreak[] {
  const position = (record: Pick<AuditRecord, 'subject' | 'seq'>) => `${chainKeyOf(record.subject)}#${record.seq}`;
  const storedAt = new Map(stored.map((record) => [position(record), record]));
  const exportedAt = new Set(exported.map(position));
  const breaks: ExportBreak[] = [];
  for (const record of exported) {
    const now = storedAt.get(position(record));
    const where = { chain: chainKeyOf(record.subject), audit_id: record.audit_id, seq: record.seq, at: record.at };
    if (now === undefined)
      breaks.push({ reason: 'missing_since_export', ...where, message: 'exported, no longer in the table' });
    else if (now.hash !== record.hash)
      breaks.push({
        reason: 'changed_since_export',
        ...where,
        message: `the table holds ${now.audit_id} with another hash`,
      });
  }
  for (const record of stored) {
    if (exportedAt.has(position(record))) continue;
    const where = { chain: chainKeyOf(record.subject), audit_id: record.audit_id, seq: record.seq, at: record.at };
    breaks.push({ reason: 'not_in_export', ...where, message: 'in the table for this day, not in its export' });
  }
  return breaks;
}
