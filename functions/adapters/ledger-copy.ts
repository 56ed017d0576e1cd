import type { Posting } from '../domain/ledger';
import { LEDGER_ENTRIES_ATTRIBUTE, LEDGER_ENTRIES_COMPLETE_ATTRIBUTE, journalSk } from './payout-items';

/**
 * A copy of a payout's journal entries on its own payout item (issue 12, O(day) reads), so the
 * nightly reconciliation derives the ledger's view of a day's payouts from the day index items it
 * already reads instead of one journal Query per payout. The journal in LEDGER_TABLE stays the book
 * of record: every writer appends the copy in the SAME transaction as the entry (ledger-writes.ts),
 * so the two cannot disagree, and the copy holds only what the reconciliation folds (postings and
 * their time).
 *
 * `ledgerEntriesComplete` says the list holds every entry since creation: set by createPayout only.
 * A payout created before this change has no marker; a transition still appends to it (the update
 * cannot tell), but the reader ignores such a partial list and Queries the journal instead.
 */
export { LEDGER_ENTRIES_ATTRIBUTE, LEDGER_ENTRIES_COMPLETE_ATTRIBUTE } from './payout-items';

/**
 * Entries copied onto one payout item. A payout books at most one journal entry per version (the
 * version is in the journal key, payout-items.ts journalSk), and its lifecycle (domain/lifecycle.ts)
 * runs forward through eight statuses, plus the rare operator's correction: a real payout ends far
 * below 64 versions. An entry is ~250 B (id, time, ≤ 2 postings), so 64 entries are ~16 KB, far
 * below DynamoDB's 400 KB item limit, and the gsi4 copy stays a few KB per payout. The bound is
 * checked on the entry's version, which only grows: a write past it REMOVEs the copy and its
 * marker, and every later write (a higher version) does the same, so the item never holds a partial
 * list that claims to be complete; reconciliation then reads that payout's journal.
 */
export const LEDGER_ENTRIES_ON_PAYOUT_MAX = 64;

export interface LedgerEntryCopy {
  /** The journal entry's sort key (`ENTRY#<version:6>#<event>`): ties the copy to the book of record. */
  readonly entryId: string;
  readonly recordedAt: string;
  readonly postings: readonly { from: string; to: string; amountMinor: number }[];
}

/** What a copy is made of: the same input the journal entry is written from. */
export interface LedgerCopyInput {
  readonly version: number;
  readonly event: string;
  readonly postings: readonly Posting[];
  readonly recordedAt: string;
}

export function ledgerEntryCopy(input: LedgerCopyInput): LedgerEntryCopy {
  return {
    entryId: journalSk(input.version, input.event),
    recordedAt: input.recordedAt,
    postings: input.postings.map((p) => ({ from: p.from, to: p.to, amountMinor: p.amountMinor })),
  };
}

/** The attributes a new payout item starts with: the creation's entry (if it books one), complete. */
export function ledgerCopyAtCreation(input: LedgerCopyInput): Record<string, unknown> {
  return {
    [LEDGER_ENTRIES_ATTRIBUTE]: input.postings.length === 0 ? [] : [ledgerEntryCopy(input)],
    [LEDGER_ENTRIES_COMPLETE_ATTRIBUTE]: true,
  };
}

/** Clauses to fold into the payout item's own Update (one operation per item in a transaction). */
export interface UpdateClauses {
  readonly sets: readonly string[];
  readonly removes: readonly string[];
  readonly values: Readonly<Record<string, unknown>>;
}

export const NO_CLAUSES: UpdateClauses = { sets: [], removes: [], values: {} };

/**
 * What a write that books `input` does to the copy: nothing without postings (no journal entry
 * either), an append up to LEDGER_ENTRIES_ON_PAYOUT_MAX, and past it the copy removed (see there).
 */
export function ledgerCopyClauses(input: LedgerCopyInput): UpdateClauses {
  if (input.postings.length === 0) return NO_CLAUSES;
  if (input.version > LEDGER_ENTRIES_ON_PAYOUT_MAX)
    return { sets: [], removes: [LEDGER_ENTRIES_ATTRIBUTE, LEDGER_ENTRIES_COMPLETE_ATTRIBUTE], values: {} };
  return {
    sets: [
      `${LEDGER_ENTRIES_ATTRIBUTE} = list_append(if_not_exists(${LEDGER_ENTRIES_ATTRIBUTE}, :ledgerEntriesEmpty), :ledgerEntriesNew)`,
    ],
    removes: [],
    values: { ':ledgerEntriesEmpty': [], ':ledgerEntriesNew': [ledgerEntryCopy(input)] },
  };
}

/** `SET a, b REMOVE c` from the clauses (DynamoDB wants each clause keyword at most once). */
export function updateExpressionOf(sets: readonly string[], removes: readonly string[]): string {
  const set = sets.length === 0 ? '' : `SET ${sets.join(', ')}`;
  const remove = removes.length === 0 ? '' : `REMOVE ${removes.join(', ')}`;
  return [set, remove].filter((clause) => clause !== '').join(' ');
}

/**
 * The copy on a payout item read back, or `undefined` when it cannot stand in for the journal: no
 * completeness marker (written before the copy existed, or past the bound).
 */
export function ledgerCopyOf(item: Record<string, unknown>): readonly LedgerEntryCopy[] | undefined {
  if (item[LEDGER_ENTRIES_COMPLETE_ATTRIBUTE] !== true) return undefined;
  return (item[LEDGER_ENTRIES_ATTRIBUTE] as LedgerEntryCopy[] | undefined) ?? [];
}
