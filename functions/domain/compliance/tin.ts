import { assertNever } from '../assert-never';
import { DomainError } from '../domain-error';

/**
 * US taxpayer identification numbers as a W-9 states them, checked for shape before anything is
 * stored. A shape check cannot prove a TIN belongs to its holder (only the IRS TIN Matching
 * program can); it refuses numbers that no agency ever issues, so a typo fails at capture, not at
 * the 1099 filing. The rules change rarely but do change: each says where it was read (2 Dec 2026).
 */
export const TIN_TYPES = ['SSN', 'EIN', 'ITIN'] as const;
export type TinType = (typeof TIN_TYPES)[number];

/** Every US TIN has nine digits; dashes and spaces as people write them are dropped first. */
export const TIN_DIGITS = 9;

export class TinError extends DomainError {
  constructor(code: string, message: string) {
    super(code, 'terminal', message, { param: 'tin' });
    this.name = 'TinError';
  }
}

/**
 * SSN areas never issued. SSA, "Social Security Number Randomization" (ssa.gov/employer/randomization.html):
 * since 25 June 2011 areas are assigned at random, but 000, 666 and 900-999 are still never assigned;
 * group 00 and serial 0000 never were. (The 9xx range belongs to ITINs.)
 */
const isNeverIssuedSsnArea = (area: number): boolean => area === 0 || area === 666 || area >= 900;

/**
 * ITIN fourth and fifth digits. IRS, "Individual Taxpayer Identification Number" (irs.gov/individuals/
 * individual-taxpayer-identification-number) and IRS Publication 1915: an ITIN begins with 9 and its
 * fourth and fifth digits are in 50-65, 70-88, 90-92 or 94-99.
 */
const ITIN_MIDDLE_RANGES: readonly (readonly [number, number])[] = [
  [50, 65],
  [70, 88],
  [90, 92],
  [94, 99],
];

/**
 * EIN prefixes the IRS has never assigned. IRS, "How EINs are assigned and valid EIN prefixes"
 * (irs.gov/businesses/small-businesses-self-employed/how-eins-are-assigned-and-valid-ein-prefixes)
 * lists the prefixes each campus and the internet assign; these two-digit prefixes appear nowhere in it.
 */
export const EIN_UNASSIGNED_PREFIXES: ReadonlySet<string> = new Set([
  '00',
  '07',
  '08',
  '09',
  '17',
  '18',
  '19',
  '28',
  '29',
  '49',
  '69',
  '70',
  '78',
  '79',
  '89',
  '96',
  '97',
]);

/** The nine digits of a valid TIN, or a TinError naming the first rule it breaks (length, zeros, then type). */
export function normalizeTin(type: TinType, raw: string): string {
  const digits = raw.replace(/[\s-]/g, '');
  if (!/^\d+$/.test(digits)) throw new TinError('tin_not_numeric', `${type} holds only digits (dashes allowed)`);
  if (digits.length !== TIN_DIGITS)
    throw new TinError('tin_wrong_length', `${type} has ${TIN_DIGITS} digits, got ${digits.length}`);
  if (/^0+$/.test(digits)) throw new TinError('tin_all_zeros', `${type} cannot be all zeros`);
  switch (type) {
    case 'SSN':
      return checkSsn(digits);
    case 'ITIN':
      return checkItin(digits);
    case 'EIN':
      return checkEin(digits);
    default:
      return assertNever(type, 'TIN type');
  }
}

function checkSsn(digits: string): string {
  const area = Number(digits.slice(0, 3));
  if (isNeverIssuedSsnArea(area))
    throw new TinError('ssn_area_invalid', `SSN area ${digits.slice(0, 3)} is never issued (000, 666, 900-999)`);
  if (digits.slice(3, 5) === '00') throw new TinError('ssn_group_invalid', 'SSN group 00 is never issued');
  if (digits.slice(5) === '0000') throw new TinError('ssn_serial_invalid', 'SSN serial 0000 is never issued');
  return digits;
}

function checkItin(digits: string): string {
  if (!digits.startsWith('9')) throw new TinError('itin_prefix_invalid', 'an ITIN begins with 9');
  const middle = Number(digits.slice(3, 5));
  if (!ITIN_MIDDLE_RANGES.some(([low, high]) => middle >= low && middle <= high))
    throw new TinError('itin_middle_invalid', `ITIN digits 4-5 (${digits.slice(3, 5)}) are outside the IRS ranges`);
  return digits;
}

function checkEin(digits: string): string {
  const prefix = digits.slice(0, 2);
  if (EIN_UNASSIGNED_PREFIXES.has(prefix))
    throw new TinError('ein_prefix_invalid', `EIN prefix ${prefix} is never assigned by the IRS`);
  return digits;
}
