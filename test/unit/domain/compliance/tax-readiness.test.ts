import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  parseTaxThresholds,
  readinessCsv,
  readinessRow,
  thresholdFor,
  yearToDateTotals,
  type YearToDate,
} from '../../../../functions/domain/compliance/tax-readiness';

const thresholds = parseTaxThresholds(JSON.parse(readFileSync('config/tax-thresholds.json', 'utf8')));

describe('config/tax-thresholds.json', () => {
  it.each([
    ['1099-NEC', 2024, 60_000],
    ['1099-NEC', 2025, 60_000],
    ['1099-NEC', 2026, 200_000],
    ['1099-NEC', 2027, 200_000],
    ['1042-S', 2026, 1],
  ] as const)('%s for tax year %s is %s minor units, with its source', (form, year, minor) => {
    const entry = thresholdFor(thresholds, form, year);
    expect(entry.threshold_minor).toBe(minor);
    expect(entry.source.length).toBeGreaterThan(20);
  });

  it('refuses two thresholds for one year', () => {
    const raw = JSON.parse(readFileSync('config/tax-thresholds.json', 'utf8'));
    raw.forms['1099-NEC'][1].from_tax_year = 2025;
    expect(() => parseTaxThresholds(raw)).toThrow(/two 1099-NEC thresholds for 2025/);
  });
});

describe('readinessRow', () => {
  const us: YearToDate = {
    tenantId: 'ten_a',
    recipientId: 'rcp_1',
    recipientCountry: 'US',
    taxYear: 2026,
    currency: 'USD',
    paidMinor: 200_000,
    taxForm: 'valid',
  };
  it.each([
    ['US, at the 2026 threshold, form on file', us, '1099-NEC', true, 'ready_to_report'],
    ['US, $1,999.99 in 2026', { ...us, paidMinor: 199_999 }, '1099-NEC', false, 'below_threshold'],
    ['US, $600 in 2025', { ...us, taxYear: 2025, paidMinor: 60_000 }, '1099-NEC', true, 'ready_to_report'],
    ['US, over the threshold, no form', { ...us, taxForm: 'missing' as const }, '1099-NEC', true, 'collect_form'],
    [
      'foreign, expired W-8',
      { ...us, recipientCountry: 'DE', taxForm: 'expired' as const },
      '1042-S',
      true,
      'collect_form',
    ],
    ['foreign, paid in EUR', { ...us, recipientCountry: 'DE', currency: 'EUR' }, '1042-S', false, 'convert_currency'],
  ] as const)('%s', (_name, totals, form, crosses, action) => {
    expect(readinessRow(totals, thresholds)).toMatchObject({ form, crossesThreshold: crosses, action });
  });

  it('writes CSV with the header first', () => {
    const csv = readinessCsv([readinessRow(us, thresholds)]);
    expect(csv.split('\r\n')).toEqual([
      'tenant_id,recipient_id,tax_year,form,currency,paid_minor,threshold_minor,crosses_threshold,tax_form_state,lacks_form,action',
      'ten_a,rcp_1,2026,1099-NEC,USD,200000,200000,true,valid,false,ready_to_report',
      '',
    ]);
  });
});

describe('yearToDateTotals', () => {
  it('sums the tax year’s payments per recipient and currency, leaving out reversed ones and other years', () => {
    const totals = yearToDateTotals(
      [
        { recipientId: 'rcp_1', paidAt: '2026-01-01T00:00:00Z', currency: 'USD', amountMinor: 100, reversed: false },
        { recipientId: 'rcp_1', paidAt: '2026-12-31T23:59:59Z', currency: 'USD', amountMinor: 50, reversed: false },
        { recipientId: 'rcp_1', paidAt: '2026-06-01T00:00:00Z', currency: 'USD', amountMinor: 999, reversed: true },
        { recipientId: 'rcp_1', paidAt: '2025-12-31T23:59:59Z', currency: 'USD', amountMinor: 7, reversed: false },
        { recipientId: 'rcp_1', paidAt: '2026-03-01T00:00:00Z', currency: 'EUR', amountMinor: 5, reversed: false },
      ],
      2026,
    );
    expect([...totals.values()]).toEqual([
      { recipientId: 'rcp_1', currency: 'USD', paidMinor: 150 },
      { recipientId: 'rcp_1', currency: 'EUR', paidMinor: 5 },
    ]);
  });
});
