import { describe, expect, it } from 'vitest';
import { isPayoutId, newPayoutId, PAYOUT_ID_PATTERN } from '../../../functions/shared/ids';

// The payout id's generator and its validator live in one file; this holds them to each other.
describe('payout ids', () => {
  it('every id minted passes the pattern the API and the queries validate with', () => {
    const minted = Array.from({ length: 1_000 }, () => newPayoutId());
    expect(minted.filter((id) => !isPayoutId(id))).toEqual([]);
    expect(new Set(minted).size).toBe(minted.length);
  });

  it.each([
    ['po_01KAZ5T8Y4J8W8H4Q0R9ZPZ9ZP', true],
    ['po_01kaz5t8y4j8w8h4q0r9zpz9zp', false],
    ['po_01KAZ5T8Y4J8W8H4Q0R9ZPZ9Z', false],
    ['po_01KAZ5T8Y4J8W8H4Q0R9ZPZ9ZPX', false],
    ['po_01KAZ5T8Y4J8W8H4Q0R9ZPZ9ZU', false],
    ['px_01KAZ5T8Y4J8W8H4Q0R9ZPZ9ZP', false],
  ])('%s → %s', (value, valid) => {
    expect(isPayoutId(value)).toBe(valid);
    expect(PAYOUT_ID_PATTERN.test(value)).toBe(valid);
  });
});
