import { describe, expect, it } from 'vitest';
import type { Hold } from '../../../../functions/domain/compliance/contract';
import {
  HELD_PAYOUTS_CSV_COLUMNS,
  HELD_PAYOUTS_CSV_HEADER,
  heldPayoutRows,
  heldPayoutsAsOf,
  heldPayoutsCsv,
  type HeldPayoutEntry,
} from '../../../../functions/domain/reconciliation/held-payouts';

const DATE = '2026-11-24';
const AS_OF = heldPayoutsAsOf(DATE);

function hold(holdId: string, overrides: Partial<Hold> = {}): Hold {
  return {
    holdId,
    kind: 'tax_form',
    owner: 'tenant',
    openedAt: `${DATE}T12:00:00.000Z`,
    requirement: 'tax_form:W-8BEN',
    evidence: {},
    ...overrides,
  };
}

function entry(payoutId: string, h: Hold, overrides: Partial<HeldPayoutEntry['payout']> = {}): HeldPayoutEntry {
  return {
    hold: h,
    payout: {
      tenantId: 'tenant-a',
      payoutId,
      amountMinor: 12_345,
      currency: 'USD',
      recipientId: 'rcp_1',
      ...overrides,
    },
  };
}

describe('held-payouts.csv', () => {
  it('is as of the end of the run day (UTC), never the wall clock', () => {
    expect(heldPayoutsAsOf('2026-11-24')).toBe('2026-11-25T00:00:00.000Z');
    expect(heldPayoutsAsOf('2026-12-31')).toBe('2027-01-01T00:00:00.000Z');
  });

  // Each case: the entries the queue gave, and the (payout_id, hold_id) pairs the file keeps, in order.
  const cases: Array<{ name: string; entries: HeldPayoutEntry[]; kept: string[] }> = [
    { name: 'no holds: no rows', entries: [], kept: [] },
    { name: 'one open hold', entries: [entry('po_1', hold('h1'))], kept: ['po_1#h1'] },
    {
      name: 'a released hold is left out',
      entries: [entry('po_1', hold('h1', { releasedAt: `${DATE}T13:00:00.000Z` })), entry('po_2', hold('h2'))],
      kept: ['po_2#h2'],
    },
    {
      name: 'a hold opened at or after the day’s end belongs to the next day’s file',
      entries: [
        entry('po_1', hold('h1', { openedAt: AS_OF })),
        entry('po_2', hold('h2', { openedAt: '2026-11-24T23:59:59.999Z' })),
      ],
      kept: ['po_2#h2'],
    },
    {
      name: 'the same hold read twice (two pages) is one row',
      entries: [entry('po_1', hold('h1')), entry('po_1', hold('h1'))],
      kept: ['po_1#h1'],
    },
    {
      name: 'sorted by tenant, payout, opened_at, hold id, whatever order the queue read them in',
      entries: [
        entry('po_2', hold('h9', { openedAt: `${DATE}T01:00:00.000Z` }), { tenantId: 'tenant-b' }),
        entry('po_3', hold('hb', { openedAt: `${DATE}T05:00:00.000Z` })),
        entry('po_3', hold('ha', { openedAt: `${DATE}T05:00:00.000Z` })),
        entry('po_3', hold('hz', { openedAt: `${DATE}T02:00:00.000Z` })),
        entry('po_1', hold('h1', { openedAt: `${DATE}T09:00:00.000Z` })),
      ],
      kept: ['po_1#h1', 'po_3#hz', 'po_3#ha', 'po_3#hb', 'po_2#h9'],
    },
  ];
  for (const { name, entries, kept } of cases) {
    it(name, () => {
      const rows = heldPayoutRows(entries, AS_OF);
      expect(rows.map((r) => `${r.payoutId}#${r.holdId}`)).toEqual(kept);
      // The order does not depend on the order read.
      expect(heldPayoutRows([...entries].reverse(), AS_OF)).toEqual(rows);
    });
  }

  it('writes the columns: money as reconciliation.csv does, the hold, its age in seconds, as_of', () => {
    const rows = heldPayoutRows(
      [
        entry('po_1', hold('h1', { kind: 'screening', owner: 'compliance', requirement: 'screening_case:case_1' }), {
          amountMinor: 1_005,
          currency: 'BHD',
        }),
        entry(
          'po_2',
          hold('approval', {
            kind: 'approval',
            owner: 'approver',
            requirement: 'approval',
            openedAt: '2026-11-20T00:00:00.000Z',
          }),
          { recipientId: undefined, amountMinor: 1_000, currency: 'JPY' },
        ),
      ],
      AS_OF,
    );
    const csv = heldPayoutsCsv(rows, AS_OF);
    expect(HELD_PAYOUTS_CSV_HEADER).toBe(`${HELD_PAYOUTS_CSV_COLUMNS.join(',')}\r\n`);
    expect(csv).toBe(
      HELD_PAYOUTS_CSV_HEADER +
        'tenant-a,po_1,BHD,1005,1.005,rcp_1,h1,screening,compliance,2026-11-24T12:00:00.000Z,screening_case:case_1,43200,2026-11-25T00:00:00.000Z\r\n' +
        'tenant-a,po_2,JPY,1000,1000,,approval,approval,approver,2026-11-20T00:00:00.000Z,approval,432000,2026-11-25T00:00:00.000Z\r\n',
    );
  });

  it('is the header alone on a day with no hold, and quotes and defuses text as the other files do', () => {
    expect(heldPayoutsCsv([], AS_OF)).toBe(HELD_PAYOUTS_CSV_HEADER);
    const [row] = heldPayoutRows([entry('po_1', hold('h1', { requirement: '=cmd,x' }))], AS_OF);
    expect(heldPayoutsCsv([row!], AS_OF)).toContain(`,"'=cmd,x",`);
  });
});
