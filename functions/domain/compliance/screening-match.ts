import type { RecipientKind } from './contract';
import { jaroWinkler } from './jaro-winkler';
import { nameTokens } from './screening-names';
import type { SdnDateOfBirth, SdnEntry } from './sdn-entry';

/**
 * Fuzzy matching of a recipient against the SDN list (docs/screening.md). Pure.
 *
 * The name score compares token sets, not strings, so that token order and a missing middle name cost little: every
 * token of the shorter name is paired with its best Jaro-Winkler partner in the longer one (each partner used once),
 * and the score is the length-weighted mean of those pairs, blended with how much of the longer name was covered.
 * The best score over the entry's primary name and its aliases counts. Country and date of birth, where both sides
 * state them, then raise or lower it: a name match with the wrong year of birth is far less likely the same person.
 */

/**
 * At or above this the match is a potential match and opens a case. 0.85, from the table of
 * test/unit/domain/compliance/screening-match.test.ts (fictional list, fixtures/screening): spelling variants of a
 * listed name (a transposition "Zrakov", a changed ending "Kowalski", a dropped word "Northwind Trading", a missing
 * middle name) score 0.86..1; the near misses (another given name with the same surname, a given name or a surname
 * alone, a listed name with the wrong year of birth and country) score at most 0.84. Lower would open a case for
 * every shared surname; higher would let "Kowalski" through. Jaro-Winkler favours common prefixes, so a surname
 * with the same first four letters ("Morel" ~ "Moreau") is still a potential match: recall over precision, a
 * person clears it. It has no phonetics: "Iwan Sarkov" (0.73) is missed; a vendor (Watchman) is the answer there.
 */
export const SCREENING_MATCH_THRESHOLD_SCORE = 0.85;

/**
 * How much of the score the shorter name's coverage carries; the rest is the longer name's. 0.65: a given name alone
 * ("Ivan", 0.78) stays under the threshold while a first and last name against a listed name with a middle name
 * ("Anna Kowalska" ~ "KOWALSKA, Anna Maria", 0.90) stays over it.
 */
export const SHORTER_NAME_WEIGHT = 0.65;
/**
 * A token pair less similar than this counts as no match at all: Jaro-Winkler gives unrelated short words 0.6..0.8
 * ("ivan" ~ "omar"), which would otherwise lift every name a little towards every other.
 */
export const TOKEN_SIMILARITY_FLOOR = 0.8;
/** Both sides state a date of birth and one of the entry's fits: more likely the same person. */
export const DOB_MATCH_BONUS_SCORE = 0.05;
/** Both state one and none fits: a namesake, most likely (not ruled out: listed dates are often wrong). */
export const DOB_MISMATCH_PENALTY_SCORE = 0.15;
/** The recipient's country is among the entry's addresses and nationalities. */
export const COUNTRY_MATCH_BONUS_SCORE = 0.03;
/** The entry states countries and the recipient's is not one of them. */
export const COUNTRY_MISMATCH_PENALTY_SCORE = 0.05;
/** An individual against an entity (or a business against a person): names alone may still coincide. */
export const TYPE_MISMATCH_PENALTY_SCORE = 0.1;
/** At most this many matches are kept per screening (the evidence of a case), best first. */
export const SCREENING_MATCHES_KEPT_MAX = 5;

export interface ScreeningSubject {
  name: string;
  kind: RecipientKind;
  /** ISO 3166-1 alpha-2. */
  country?: string;
  /** YYYY-MM-DD. */
  dateOfBirth?: string;
}

/** Watchman's name for OFAC's SDN list; the local list is that list. */
export const OFAC_SDN_SOURCE_LIST = 'us_ofac';

export interface ScreeningMatch {
  /** Which list the entry is on (`us_ofac`; a vendor may screen others) and its id there (OFAC's ent_num). */
  sourceList: string;
  sourceId: string;
  /** The listed name (primary or alias) that scored best. */
  matchedName: string;
  listedName: string;
  programs: string[];
  nameScore: number;
  /** The name score after the country, date-of-birth and type adjustments, 0..1. */
  score: number;
  adjustments: string[];
}

export interface PreparedEntry {
  entry: SdnEntry;
  names: { name: string; tokens: string[] }[];
}

export function prepareEntry(entry: SdnEntry): PreparedEntry {
  const names = [entry.name, ...entry.aliases.map((alias) => alias.name)];
  return { entry, names: names.map((name) => ({ name, tokens: nameTokens(name) })) };
}

/** Best-partner coverage of `shorter` in `longer`, length-weighted, 0..1. */
function coverage(shorter: string[], longer: string[]): { ofShorter: number; ofLonger: number } {
  const used = new Array<boolean>(longer.length).fill(false);
  let weighted = 0;
  let coveredLongerChars = 0;
  for (const token of [...shorter].sort((a, b) => b.length - a.length)) {
    let best = 0;
    let bestAt = -1;
    longer.forEach((candidate, at) => {
      if (used[at]) return;
      const raw = jaroWinkler(token, candidate);
      const similarity = raw < TOKEN_SIMILARITY_FLOOR ? 0 : raw;
      if (similarity > best) [best, bestAt] = [similarity, at];
    });
    if (bestAt < 0) continue;
    used[bestAt] = true;
    weighted += best * token.length;
    coveredLongerChars += best * (longer[bestAt]?.length ?? 0);
  }
  const chars = (tokens: string[]) => tokens.reduce((sum, token) => sum + token.length, 0);
  return {
    ofShorter: weighted / Math.max(1, chars(shorter)),
    ofLonger: coveredLongerChars / Math.max(1, chars(longer)),
  };
}

export function nameScore(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a];
  if (shorter.join(' ') === longer.join(' ')) return 1;
  const { ofShorter, ofLonger } = coverage(shorter, longer);
  return SHORTER_NAME_WEIGHT * ofShorter + (1 - SHORTER_NAME_WEIGHT) * ofLonger;
}

function dobFits(dateOfBirth: string, listed: SdnDateOfBirth): boolean {
  const [year, month, day] = dateOfBirth.split('-').map(Number);
  if (year === undefined || year < listed.yearFrom || year > listed.yearTo) return false;
  if (listed.month !== undefined && listed.month !== month) return false;
  return listed.day === undefined || listed.day === day;
}

function adjust(subject: ScreeningSubject, entry: SdnEntry, score: number): { score: number; adjustments: string[] } {
  const adjustments: string[] = [];
  let adjusted = score;
  if (subject.dateOfBirth !== undefined && entry.datesOfBirth.length > 0) {
    const fits = entry.datesOfBirth.some((listed) => dobFits(subject.dateOfBirth as string, listed));
    adjusted += fits ? DOB_MATCH_BONUS_SCORE : -DOB_MISMATCH_PENALTY_SCORE;
    adjustments.push(fits ? 'date_of_birth_match' : 'date_of_birth_mismatch');
  }
  if (subject.country !== undefined && entry.countries.length > 0) {
    const fits = entry.countries.includes(subject.country.toUpperCase());
    adjusted += fits ? COUNTRY_MATCH_BONUS_SCORE : -COUNTRY_MISMATCH_PENALTY_SCORE;
    adjustments.push(fits ? 'country_match' : 'country_mismatch');
  }
  if ((subject.kind === 'individual') !== (entry.type === 'individual')) {
    adjusted -= TYPE_MISMATCH_PENALTY_SCORE;
    adjustments.push('type_mismatch');
  }
  return { score: Math.min(1, Math.max(0, adjusted)), adjustments };
}

/** `tokens`: nameTokens(subject.name), computed once per screening rather than once per entry. */
export function scoreEntry(subject: ScreeningSubject, tokens: string[], prepared: PreparedEntry): ScreeningMatch {
  let best = { name: prepared.entry.name, score: 0 };
  for (const candidate of prepared.names) {
    const score = nameScore(tokens, candidate.tokens);
    if (score > best.score) best = { name: candidate.name, score };
  }
  const { score, adjustments } = adjust(subject, prepared.entry, best.score);
  const round = (value: number) => Math.round(value * 10_000) / 10_000;
  return {
    sourceList: OFAC_SDN_SOURCE_LIST,
    sourceId: String(prepared.entry.entNum),
    matchedName: best.name,
    listedName: prepared.entry.name,
    programs: prepared.entry.programs,
    nameScore: round(best.score),
    score: round(score),
    adjustments,
  };
}

/** Every entry at or above the threshold, best first, at most SCREENING_MATCHES_KEPT_MAX. */
export function screenAgainst(subject: ScreeningSubject, entries: readonly PreparedEntry[]): ScreeningMatch[] {
  const tokens = nameTokens(subject.name);
  return entries
    .map((prepared) => scoreEntry(subject, tokens, prepared))
    .filter((match) => match.score >= SCREENING_MATCH_THRESHOLD_SCORE)
    .sort((a, b) => b.score - a.score || a.sourceId.localeCompare(b.sourceId))
    .slice(0, SCREENING_MATCHES_KEPT_MAX);
}
