import { countryCodeOf } from './country-names';

/**
 * One entry of OFAC's SDN list, assembled from its three CSV files (fixtures/screening/README.md has the layout):
 * sdn.csv gives the entry, add.csv its addresses (we keep their countries), alt.csv its aliases. Pure: the rows come
 * from the streaming parser (adapters/screening/sdn-csv.ts).
 */

/** OFAC's null in every CSV field: `-0-` followed by a space. */
export const SDN_NULL = '-0-';

export const SDN_TYPES = ['individual', 'entity', 'vessel', 'aircraft'] as const;
export type SdnType = (typeof SDN_TYPES)[number];

/**
 * A date of birth as OFAC states it: a day, a month and year, a year, `circa` a year, or a range of years
 * (`DOB 1960 to 1962`). Months are 1..12.
 */
export interface SdnDateOfBirth {
  yearFrom: number;
  yearTo: number;
  month?: number;
  day?: number;
}

export interface SdnAlias {
  /** `aka`, `fka` or `nka`, as alt.csv says. */
  kind: string;
  name: string;
}

export interface SdnEntry {
  entNum: number;
  name: string;
  type: SdnType;
  programs: string[];
  remarks?: string;
  aliases: SdnAlias[];
  /** ISO 3166-1 alpha-2 of the entry's addresses and stated nationalities/citizenships; names we cannot map are left out. */
  countries: string[];
  datesOfBirth: SdnDateOfBirth[];
}

/** `-0- ` (and an empty field) is absent. */
export function sdnField(value: string | undefined): string | undefined {
  const trimmed = (value ?? '').trim();
  return trimmed === '' || trimmed === SDN_NULL ? undefined : trimmed;
}

/** OFAC leaves SDN_Type null for entities. */
export function sdnTypeOf(value: string | undefined): SdnType | undefined {
  const type = sdnField(value)?.toLowerCase() ?? 'entity';
  return (SDN_TYPES as readonly string[]).includes(type) ? (type as SdnType) : undefined;
}

/** `SDGT] [IRGC`: OFAC separates several programs with `] [`. */
export function sdnPrograms(value: string | undefined): string[] {
  const field = sdnField(value);
  if (field === undefined) return [];
  return field
    .split('] [')
    .map((program) => program.replace(/^\[|\]$/g, '').trim())
    .filter((p) => p !== '');
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
// `DOB 14 Mar 1968`, `DOB Jun 1990`, `DOB 1969`, `DOB circa 1975`, `DOB 1960 to 1962` (and `alt. DOB …`).
const DOB =
  /\bDOB\s+(?:circa\s+)?(?:(\d{1,2})\s+)?(?:([A-Za-z]{3})[a-z]*\s+)?(\d{4})(?:\s+to\s+(?:\d{1,2}\s+)?(?:[A-Za-z]{3,}\s+)?(\d{4}))?/g;
const NATIONALITY = /\b(?:nationality|citizen)\s+([^;.]+)/gi;

export function datesOfBirthIn(remarks: string | undefined): SdnDateOfBirth[] {
  const dates: SdnDateOfBirth[] = [];
  for (const match of (remarks ?? '').matchAll(DOB)) {
    const [, day, month, yearFrom, yearTo] = match;
    const monthIndex = month === undefined ? -1 : MONTHS.indexOf(month.toLowerCase());
    const from = Number(yearFrom);
    const date: SdnDateOfBirth = { yearFrom: from, yearTo: yearTo === undefined ? from : Number(yearTo) };
    // A day or month only means something for a single year.
    if (yearTo === undefined && monthIndex >= 0) {
      date.month = monthIndex + 1;
      if (day !== undefined) date.day = Number(day);
    }
    dates.push(date);
  }
  return dates;
}

/** Countries of stated nationality or citizenship in the remarks (`nationality Russia; citizen Syria`). */
export function nationalitiesIn(remarks: string | undefined): string[] {
  const codes: string[] = [];
  for (const match of (remarks ?? '').matchAll(NATIONALITY)) {
    const code = countryCodeOf(match[1] ?? '');
    if (code !== undefined) codes.push(code);
  }
  return codes;
}
