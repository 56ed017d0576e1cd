import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_CHAIN,
  GENESIS_HASH,
  auditHashOf,
  auditJsonlLine,
  headAfter,
  sealAuditRecord,
  type AuditEntry,
  type AuditRecord,
  type ChainHead,
} from '../../../functions/domain/audit';
import { AuditEncodingError, canonicalJson } from '../../../functions/domain/audit-canonical';
import { compareWithExport, verifyChain, type ChainBreakReason } from '../../../functions/domain/audit-verify';

// The pure part of the audit trail: the canonical encoding, sealing a chain, and verification
// finding each kind of tampering (a changed field, a deleted record, a reordered pair, a fork, a
// truncated end, a rewritten head, a moved record) at the record where it happened.

const SUBJECT = { type: 'payout', id: 'po_01JAUDITCHAIN000000000000A' } as const;
const CHAIN = `payout:${SUBJECT.id}`;

function entry(n: number, extra: Partial<AuditEntry> = {}): AuditEntry {
  return {
    at: `2026-11-25T10:00:0${n}.000Z`,
    actor: { type: 'tenant', id: 'client-1', role: 'backend', tenant: 'acme' },
    action: n === 1 ? 'payout.created' : 'payout.provider_accepted',
    subject: SUBJECT,
    tenant_id: 'acme',
    request_id: `req-${n}`,
    outcome: 'applied',
    details: { version: n, undefined_member: undefined },
    ...extra,
  };
}

/** A chain of `length` records, sealed one after the other as the trail seals them. */
function chain(length: number): AuditRecord[] {
  const records: AuditRecord[] = [];
  let head: ChainHead = EMPTY_CHAIN;
  for (let n = 1; n <= length; n++) {
    const record = sealAuditRecord(entry(n), head, `aud_01JAUDITCHAIN0000000000${String(n).padStart(2, '0')}`);
    records.push(record);
    head = headAfter(record);
  }
  return records;
}

const headOf = (records: AuditRecord[]): ChainHead => headAfter(records[records.length - 1]!);

describe('canonical JSON (RFC 8785 over audit values)', () => {
  it.each([
    [
      'member order is code-unit order, nested too',
      { b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } },
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    ],
    ['strings escape as JSON.stringify does', { s: 'é"\\\n\u2028' }, '{"s":"é\\"\\\\\\n\u2028"}'],
    ['undefined members are absent', { a: undefined, b: true }, '{"b":true}'],
    ['-0 is 0, numbers as ECMAScript prints them', { z: -0, f: 1e21, g: 0.1 }, '{"f":1e+21,"g":0.1,"z":0}'],
    ['upper case sorts before lower case (code units)', { a: 1, B: 2, _: 3 }, '{"B":2,"_":3,"a":1}'],
  ])('%s', (_name, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it.each([
    ['NaN', { n: Number.NaN }, '$.n'],
    ['Infinity', { n: Number.POSITIVE_INFINITY }, '$.n'],
    ['undefined in an array', { a: [1, undefined] }, '$.a[1]'],
    ['a Date', { d: new Date(0) }, '$.d'],
    ['a Map', { m: new Map() }, '$.m'],
    ['a bigint', { b: 1n }, '$.b'],
  ])('refuses %s, naming where', (_name, value, path) => {
    expect(() => canonicalJson(value)).toThrow(AuditEncodingError);
    expect(() => canonicalJson(value)).toThrow(path);
  });

  it('hash is SHA-256 of the canonical JSON of every member but hash, hex', () => {
    const [record] = chain(1);
    const { hash, ...rest } = record!;
    expect(hash).toBe(createHash('sha256').update(canonicalJson(rest), 'utf8').digest('hex'));
    expect(record!.prev_hash).toBe(GENESIS_HASH);
    expect(record!.details).toEqual({ version: 1 });
    // A line of the export re-hashes with nothing but the line.
    const line = JSON.parse(auditJsonlLine(record!)) as AuditRecord;
    expect(auditHashOf(line)).toBe(record!.hash);
  });

  it('seals seq = head + 1 and prev_hash = head hash', () => {
    const records = chain(3);
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(records[1]!.prev_hash).toBe(records[0]!.hash);
    expect(records[2]!.prev_hash).toBe(records[1]!.hash);
  });
});

describe('verifyChain', () => {
  const swap = (records: AuditRecord[], i: number, j: number) =>
    records.map((r, k) => (k === i ? records[j]! : k === j ? records[i]! : r));
  /** A second record after seq 2, validly sealed: what a second writer on a stale head would have made. */
  const forked = () => {
    const records = chain(4);
    const rival = sealAuditRecord(
      entry(3, { request_id: 'req-rival' }),
      headAfter(records[1]!),
      'aud_01JAUDITCHAIN0000000000RV',
    );
    return [...records.slice(0, 3), rival, records[3]!];
  };

  it('accepts an untouched chain from genesis to its head', () => {
    const records = chain(5);
    expect(verifyChain(records, { chain: CHAIN, after: EMPTY_CHAIN, head: headOf(records) })).toEqual({
      ok: true,
      records: 5,
    });
  });

  it('accepts a segment that follows a known predecessor and ends before the head', () => {
    const records = chain(5);
    expect(verifyChain(records.slice(2, 4), { chain: CHAIN, after: headAfter(records[1]!) }).ok).toBe(true);
  });

  it.each<
    [
      string,
      () => { records: AuditRecord[]; after?: ChainHead | 'missing'; head?: ChainHead },
      ChainBreakReason,
      number | null,
    ]
  >([
    [
      'a tampered field (details)',
      () => {
        const records = chain(4);
        records[2] = { ...records[2]!, details: { version: 99 } };
        return { records };
      },
      'hash_mismatch',
      3,
    ],
    [
      'a tampered field (actor)',
      () => {
        const records = chain(4);
        records[1] = { ...records[1]!, actor: { ...records[1]!.actor, id: 'someone-else' } };
        return { records };
      },
      'hash_mismatch',
      2,
    ],
    [
      'a tampered record rehashed (its successor no longer links to it)',
      () => {
        const records = chain(4);
        const changed = { ...records[1]!, outcome: 'forbidden' as const };
        records[1] = { ...changed, hash: auditHashOf(changed) };
        return { records };
      },
      'prev_hash_mismatch',
      3,
    ],
    ['a deleted record in the middle', () => ({ records: chain(5).filter((r) => r.seq !== 3) }), 'seq_gap', 4],
    ['a reordered pair', () => ({ records: swap(chain(5), 1, 2) }), 'out_of_order', 3],
    ['a forked chain (two records after one predecessor)', () => ({ records: forked() }), 'fork', 3],
    [
      'a deleted last record (the head still names it)',
      () => {
        const records = chain(4);
        return { records: records.slice(0, 3), head: headOf(records) };
      },
      'head_mismatch',
      3,
    ],
    ['a rewritten head', () => ({ records: chain(3), head: { seq: 3, hash: 'f'.repeat(64) } }), 'head_mismatch', 3],
    [
      'a first record that does not follow the genesis hash',
      () => ({ records: chain(3).slice(1), after: EMPTY_CHAIN }),
      'seq_gap',
      2,
    ],
    ['a missing predecessor', () => ({ records: chain(3).slice(1), after: 'missing' }), 'predecessor_missing', 2],
    [
      'a record moved from another chain',
      () => {
        const records = chain(3);
        const moved = sealAuditRecord(
          entry(3, { subject: { type: 'payout', id: 'po_other' } }),
          headAfter(records[1]!),
          'aud_X',
        );
        return { records: [records[0]!, records[1]!, moved] };
      },
      'chain_mismatch',
      3,
    ],
  ])('detects %s', (_name, make, reason, seq) => {
    const { records, after = EMPTY_CHAIN, head } = make();
    const verdict = verifyChain(records, { chain: CHAIN, after, ...(head === undefined ? {} : { head }) });
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect({ reason: verdict.break.reason, seq: verdict.break.seq }).toEqual({ reason, seq });
    expect(verdict.break.chain).toBe(CHAIN);
    expect(verdict.break.message).not.toBe('');
  });

  it('reports a damaged record (members that are not JSON data) as a hash mismatch, not a crash', () => {
    const records = chain(2);
    records[1] = { ...records[1]!, details: { set: new Set([1]) } as never };
    const verdict = verifyChain(records, { chain: CHAIN, after: EMPTY_CHAIN });
    expect(verdict.ok === false && verdict.break.reason).toBe('hash_mismatch');
  });
});

describe('compareWithExport', () => {
  it('finds nothing when the table still holds what was exported', () => {
    const records = chain(3);
    expect(compareWithExport(records, records)).toEqual([]);
  });

  it('names a record deleted, changed or added since the export', () => {
    const exported = chain(3);
    const changed = { ...exported[1]!, hash: 'e'.repeat(64) };
    const added = sealAuditRecord(entry(4), headAfter(exported[2]!), 'aud_ADDED');
    const breaks = compareWithExport(exported, [exported[0]!, changed, added]);
    expect(breaks.map((b) => [b.reason, b.seq])).toEqual([
      ['changed_since_export', 2],
      ['missing_since_export', 3],
      ['not_in_export', 4],
    ]);
  });
});
