import { DomainError } from './domain-error';

/**
 * Money is an integer count of minor units plus an ISO 4217 currency (DESIGN §3). Never a float.
 * The exponent of each supported currency comes from this one table; a currency that is not here
 * is refused, because guessing an exponent is how a payout of 1,000 JPY becomes 100,000.
 */
export const CURRENCY_EXPONENTS = {
  AUD: 2,
  BHD: 3,
  BRL: 2,
  CAD: 2,
  CHF: 2,
  CZK: 2,
  DKK: 2,
  EUR: 2,
  GBP: 2,
  HKD: 2,
  INR: 2,
  JOD: 3,
  JPY: 0,
  KRW: 0,
  KWD: 3,
  MXN: 2,
  NOK: 2,
  NZD: 2,
  OMR: 3,
  PLN: 2,
  SEK: 2,
  SGD: 2,
  USD: 2,
} as const satisfies Record<string, number>;

export type CurrencyCode = keyof typeof CURRENCY_EXPONENTS;

export interface Money {
  readonly amountMinor: number;
  readonly currency: CurrencyCode;
}

/** Largest amount representable exactly in a JS number and in DynamoDB's N type round-trips. */
export const AMOUNT_MINOR_MAX_SAFE = Number.MAX_SAFE_INTEGER;

export function isCurrencyCode(value: unknown): value is CurrencyCode {
  return typeof value === 'string' && Object.hasOwn(CURRENCY_EXPONENTS, value);
}

export function currencyExponent(currency: CurrencyCode): number {
  return CURRENCY_EXPONENTS[currency];
}

export class MoneyError extends DomainError {
  constructor(code: string, message: string, param?: string) {
    super(code, 'terminal', message, param === undefined ? undefined : { param });
    this.name = 'MoneyError';
  }
}

/** Builds Money from untrusted input; refuses floats, unsafe integers and unknown currencies. */
export function money(amountMinor: unknown, currency: unknown): Money {
  if (typeof amountMinor !== 'number' || !Number.isInteger(amountMinor)) {
    throw new MoneyError('amount_not_integer', 'amount must be an integer count of minor units', 'amount');
  }
  if (!Number.isSafeInteger(amountMinor)) {
    throw new MoneyError('amount_too_large', `amount must be at most ${AMOUNT_MINOR_MAX_SAFE}`, 'amount');
  }
  if (!isCurrencyCode(currency)) {
    throw new MoneyError('currency_unsupported', 'currency must be a supported upper-case ISO 4217 code', 'currency');
  }
  return { amountMinor, currency };
}

/**
 * Renders minor units as a decimal string with the currency's exponent, by string arithmetic so
 * no float ever touches an amount: (123456, USD) → "1234.56", (5, BHD) → "0.005", (-7, JPY) → "-7".
 */
export function formatDecimal(amountMinor: number, currency: CurrencyCode): string {
  if (!Number.isSafeInteger(amountMinor)) throw new Error(`formatDecimal: unsafe integer ${amountMinor}`);
  const exponent = currencyExponent(currency);
  const sign = amountMinor < 0 ? '-' : '';
  const digits = Math.abs(amountMinor).toString();
  if (exponent === 0) return sign + digits;
  const padded = digits.padStart(exponent + 1, '0');
  return `${sign}${padded.slice(0, -exponent)}.${padded.slice(-exponent)}`;
}

/** Adds two amounts of the same currency; mixing currencies is a programmer error. */
export function addMoney(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new Error(`addMoney: ${a.currency} + ${b.currency}`);
  const amountMinor = a.amountMinor + b.amountMinor;
  if (!Number.isSafeInteger(amountMinor))
    throw new MoneyError('amount_too_large', 'sum exceeds the safe integer range');
  return { amountMinor, currency: a.currency };
}
