import { describe, expect, it } from 'vitest';
import { MoneyError, addMoney, formatDecimal, money } from '../../../functions/domain/money';

describe('money', () => {
  it.each([
    [123456, 'USD', '1234.56'],
    [5, 'BHD', '0.005'],
    [-7, 'JPY', '-7'],
    [0, 'EUR', '0.00'],
    [-1, 'USD', '-0.01'],
    [Number.MAX_SAFE_INTEGER, 'USD', '90071992547409.91'],
  ] as const)('formats %d %s as %s', (amount, currency, expected) => {
    expect(formatDecimal(amount, currency)).toBe(expected);
  });

  it.each([
    [1.5, 'USD', 'amount_not_integer'],
    ['100', 'USD', 'amount_not_integer'],
    [2 ** 53, 'USD', 'amount_too_large'],
    [100, 'usd', 'currency_unsupported'],
    [100, 'XXX', 'currency_unsupported'],
    [100, '__proto__', 'currency_unsupported'],
  ])('refuses %s %s with %s', (amount, currency, code) => {
    try {
      money(amount, currency);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(MoneyError);
      expect((error as MoneyError).code).toBe(code);
    }
  });

  it('adds within one currency only', () => {
    expect(addMoney(money(1, 'USD'), money(2, 'USD'))).toEqual({ amountMinor: 3, currency: 'USD' });
    expect(() => addMoney(money(1, 'USD'), money(2, 'EUR'))).toThrow();
  });
});
