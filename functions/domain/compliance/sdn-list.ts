import { DomainError } from '../domain-error';
import { countryCodeOf } from './country-names';
import { prepareEntry, type PreparedEntry } from './screening-match';
import { datesOfBirthIn, nationalitiesIn, sdnField, sdnPrograms, sdnTypeOf, type SdnEntry } from './sdn-entry';

/**
 * The SDN list assembled row by row (the streaming parser feeds it; adapters/screening/sdn-csv.ts). Pure.
 * Its version is the publish date and a hash of the three files' bytes: two loads of the same files agree,
 * and a list republished on the same day is still a new version.
 */

/** Columns of sdn.csv, add.csv and alt.csv (OFAC's layout; fixtures/screening/README.md). */
export const SDN_COLUMNS = 12;
export const ADD_COLUMNS = 6;
export const ALT_COLUMNS = 5;
/** Hex characters of the content hash in the version: 48 bits, no collision among a few thousand versions. */
export const LIST_VERSION_HASH_CHARS = 12;

export type SdnFile = 'sdn.csv' | 'add.csv' | 'alt.csv';

export class SdnListError extends DomainError {
  readonly file: SdnFile;
  readonly line: number;
  constructor(file: SdnFile, line: number, message: string) {
    // Terminal: the same bytes fail the same way; the list stays at its previous version until a good file lands.
    super('sdn_list_malformed', 'terminal', `${file} line ${line}: ${message}`);
    this.name = 'SdnListError';
    this.file = file;
    this.line = line;
  }
}

export interface ScreeningList {
  /** `{publishDate}.{hash}`, e.g. `2026-11-30.3fa2b1c4d5e6`. */
  version: string;
  publishDate: string;
  entries: PreparedEntry[];
}

export function listVersion(publishDate: string, contentSha256Hex: string): string {
  return `${publishDate}.${contentSha256Hex.slice(0, LIST_VERSION_HASH_CHARS)}`;
}

function entNumOf(file: SdnFile, line: number, value: string | undefined): number {
  const entNum = Number(value?.trim());
  if (!Number.isSafeInteger(entNum) || entNum <= 0)
    throw new SdnListError(file, line, `ent_num '${value}' is not a number`);
  return entNum;
}

function columns(file: SdnFile, line: number, row: readonly string[], expected: number): void {
  if (row.length !== expected) throw new SdnListError(file, line, `${row.length} columns, expected ${expected}`);
}

export class SdnListBuilder {
  private readonly entries = new Map<number, SdnEntry>();

  addSdnRow(line: number, row: readonly string[]): void {
    columns('sdn.csv', line, row, SDN_COLUMNS);
    const entNum = entNumOf('sdn.csv', line, row[0]);
    const name = sdnField(row[1]);
    if (name === undefined) throw new SdnListError('sdn.csv', line, 'SDN_Name is empty');
    const type = sdnTypeOf(row[2]);
    if (type === undefined) throw new SdnListError('sdn.csv', line, `SDN_Type '${row[2]}' is unknown`);
    if (this.entries.has(entNum)) throw new SdnListError('sdn.csv', line, `ent_num ${entNum} appears twice`);
    const remarks = sdnField(row[11]);
    const entry: SdnEntry = {
      entNum,
      name,
      type,
      programs: sdnPrograms(row[3]),
      aliases: [],
      countries: nationalitiesIn(remarks),
      datesOfBirth: datesOfBirthIn(remarks),
    };
    if (remarks !== undefined) entry.remarks = remarks;
    this.entries.set(entNum, entry);
  }

  /** An address row: only its country is kept (the matcher's evidence); unknown ent_nums are refused. */
  addAddressRow(line: number, row: readonly string[]): void {
    columns('add.csv', line, row, ADD_COLUMNS);
    const entry = this.entryOf('add.csv', line, row[0]);
    const country = sdnField(row[4]);
    const code = country === undefined ? undefined : countryCodeOf(country);
    if (code !== undefined && !entry.countries.includes(code)) entry.countries.push(code);
  }

  addAliasRow(line: number, row: readonly string[]): void {
    columns('alt.csv', line, row, ALT_COLUMNS);
    const entry = this.entryOf('alt.csv', line, row[0]);
    const name = sdnField(row[3]);
    if (name === undefined) throw new SdnListError('alt.csv', line, 'alt_name is empty');
    entry.aliases.push({ kind: sdnField(row[2]) ?? 'aka', name });
  }

  build(publishDate: string, contentSha256Hex: string): ScreeningList {
    return {
      version: listVersion(publishDate, contentSha256Hex),
      publishDate,
      entries: [...this.entries.values()].map(prepareEntry),
    };
  }

  private entryOf(file: SdnFile, line: number, value: string | undefined): SdnEntry {
    const entNum = entNumOf(file, line, value);
    const entry = this.entries.get(entNum);
    if (entry === undefined) throw new SdnListError(file, line, `ent_num ${entNum} is not in sdn.csv`);
    return entry;
  }
}
