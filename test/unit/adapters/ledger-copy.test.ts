import { describe, expect, it } from 'vitest';
import {
  LEDGER_ENTRIES_ON_PAYOUT_MAX,
  NO_CLAUSES,
  ledgerCopyAtCreation,
  ledgerCopyClauses,
  ledgerCopyOf,
  updateExpressionOf,
  type LedgerCopyInput,
} from '../../../functions/adapters/ledger-copy';
import { LEDGER_ENTRIES_ATTRIBUTE, LEDGER_ENTRIES_COMPLETE_ATTRIBUTE } from '../../../functions/adapters/payout-items';
import { addLedgerOf, type DayLedger } from '../../../functions/adapters/reconciliation/payouts-source';
import { RECON_DAY_INDEX_ATTRIBUTES } from '../../../lib/defaults/dynamodb-defaults';

// The journal's copy on the payout item (issue 12): what each write does to it, where the bound
// cuts it, and when the reader trusts it.
const entry = (version: number, postings: LedgerCopyInput['postings']): LedgerCopyInput => ({
  version,
  event: 'provider_paid',
  postings,
  recordedAt: '2026-11-24T10:00:00.000Z',
});
const SENT = [{ from: 'available', to: 'in_transit', amountMinor: 500 }] as const;
const copied = { entryId: 'ENTRY#000002#provider_paid', recordedAt: '2026-11-24T10:00:00.000Z', postings: SENT };

describe('ledgerCopyClauses', () => {
  it.each([
    ['no postings: nothing (no journal entry either)', entry(2, []), NO_CLAUSES],
    [
      'postings within the bound: appended',
      entry(2, SENT),
      {
        sets: ['ledgerEntries = list_append(if_not_exists(ledgerEntries, :ledgerEntriesEmpty), :ledgerEntriesNew)'],
        removes: [],
        values: { ':ledgerEntriesEmpty': [], ':ledgerEntriesNew': [copied] },
      },
    ],
    [
      'the last version within the bound: still appended',
      entry(LEDGER_ENTRIES_ON_PAYOUT_MAX, SENT),
      { sets: [expect.stringContaining('list_append')], removes: [], values: expect.any(Object) },
    ],
    [
      'past the bound: the copy and its marker removed',
      entry(LEDGER_ENTRIES_ON_PAYOUT_MAX + 1, SENT),
      { sets: [], removes: ['ledgerEntries', 'ledgerEntriesComplete'], values: {} },
    ],
    ['past the bound without postings: nothing', entry(LEDGER_ENTRIES_ON_PAYOUT_MAX + 1, []), NO_CLAUSES],
  ])('%s', (_, input, clauses) => {
    expect(ledgerCopyClauses(input)).toEqual(clauses);
  });
});

describe('ledgerCopyAtCreation', () => {
  it.each([
    ['a creation that books: its entry, complete', SENT, [{ ...copied, entryId: 'ENTRY#000001#created' }]],
    ['a creation that books nothing (awaiting approval): empty, complete', [], []],
  ] as const)('%s', (_, postings, entries) => {
    expect(ledgerCopyAtCreation({ ...entry(1, postings), event: 'created' })).toEqual({
      ledgerEntries: entries,
      ledgerEntriesComplete: true,
    });
  });
});

describe('updateExpressionOf', () => {
  it.each([
    [['a = :a', 'b = :b'], ['c'], 'SET a = :a, b = :b REMOVE c'],
    [['a = :a'], [], 'SET a = :a'],
    [[], ['c', 'd'], 'REMOVE c, d'],
  ])('%j %j → %s', (sets, removes, expression) => {
    expect(updateExpressionOf(sets, removes)).toBe(expression);
  });
});

describe('the reader', () => {
  it.each([
    ['complete', { ledgerEntries: [copied], ledgerEntriesComplete: true }, [copied]],
    ['complete and empty', { ledgerEntries: [], ledgerEntriesComplete: true }, []],
    ['no marker (written before the copy, then appended to): not trusted', { ledgerEntries: [copied] }, undefined],
    ['nothing (written before the copy, or past the bound)', {}, undefined],
  ])('%s', (_, item, copy) => {
    expect(ledgerCopyOf(item)).toEqual(copy);
  });

  it('keeps the journal Query’s filter: entries recorded from the window’s start on; no copy → a journal id', () => {
    const day: DayLedger = { facts: [], journalIds: [] };
    const before = { ...copied, entryId: 'ENTRY#000001#created', recordedAt: '2026-11-23T23:59:59.999Z' };
    const fee = { ...copied, entryId: 'ENTRY#000003#x', postings: [{ from: 'available', to: 'fees', amountMinor: 7 }] };
    addLedgerOf(
      day,
      { payoutId: 'po_a', ledgerEntries: [before, copied, fee], ledgerEntriesComplete: true },
      '2026-11-24T00:00:00.000Z',
    );
    addLedgerOf(day, { payoutId: 'po_b', ledgerEntries: [copied] }, '2026-11-24T00:00:00.000Z');
    expect(day).toEqual({
      facts: [
        { payoutId: 'po_a', sentMinor: 500, feeMinor: 0 },
        { payoutId: 'po_a', sentMinor: 0, feeMinor: 7 },
      ],
      journalIds: ['po_b'],
    });
  });

  it('the day index projects the copy and its marker (else every payout would fall back to a journal Query)', () => {
    expect(RECON_DAY_INDEX_ATTRIBUTES).toEqual(
      expect.arrayContaining([LEDGER_ENTRIES_ATTRIBUTE, LEDGER_ENTRIES_COMPLETE_ATTRIBUTE]),
    );
  });
});
