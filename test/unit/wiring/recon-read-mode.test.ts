import { describe, expect, it } from 'vitest';
import { ENV } from '../../../functions/shared/names';
import { reconReadMode } from '../../../functions/wiring/reconciliation';

// The nightly run reads one day through the day index unless the stage says `scan` (the fallback
// for a table not yet backfilled: docs/finance.md); a typo must stop the run, not pick a mode.
describe('reconReadMode', () => {
  it.each([
    [undefined, 'day_index'],
    ['', 'day_index'],
    ['day_index', 'day_index'],
    ['scan', 'scan'],
  ])('%j reads as %s', (value, mode) => {
    expect(reconReadMode(value === undefined ? {} : { [ENV.reconcileReadMode]: value })).toBe(mode);
  });

  it.each(['SCAN', 'day-index', 'full'])('%j is refused, naming the variable', (value) => {
    expect(() => reconReadMode({ [ENV.reconcileReadMode]: value })).toThrow(ENV.reconcileReadMode);
  });
});
