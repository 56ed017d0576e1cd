import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readSdnList } from '../../../../functions/adapters/screening/sdn-csv';
import { loadSdnListFromDirectory } from '../../../../functions/adapters/screening/sdn-list-sources';
import { SdnListError } from '../../../../functions/domain/compliance/sdn-list';

const row = (...fields: (string | number)[]) =>
  fields.map((field) => (typeof field === 'number' ? String(field) : `"${field}"`)).join(',');
const NULLS = Array.from({ length: 6 }, () => '-0- ');
const sdnRow = (entNum: number, name: string, type = 'individual', remarks = '-0- ') =>
  row(entNum, name, type, 'FICTIONAL-A', '-0- ', ...NULLS, remarks);
// One byte at a time: the parser must not depend on how the stream is chunked.
const bytes = (text: string) => Readable.from([...Buffer.from(text, 'utf8')].map((b) => Buffer.from([b])));

describe('the SDN CSV files (streaming)', () => {
  it('reads the fictional fixture set: entries, aliases, countries, dates of birth and a version', async () => {
    const list = await loadSdnListFromDirectory('fixtures/screening');
    expect(list.publishDate).toBe('2026-11-30');
    expect(list.version).toMatch(/^2026-11-30\.[0-9a-f]{12}$/);
    expect(list.entries.map((e) => e.entry.entNum)).toEqual([9001, 9002, 9003, 9004, 9005, 9006]);
    const zarkov = list.entries[0]!.entry;
    expect(zarkov).toMatchObject({
      name: 'ZARKOV, Ivan Petrovich',
      type: 'individual',
      countries: ['RU'],
      aliases: [
        { kind: 'aka', name: 'ZARKOFF, Ivan' },
        { kind: 'aka', name: 'ZARKOV, Vanya' },
      ],
    });
    expect(list.entries[2]!.entry).toMatchObject({ type: 'entity', programs: ['FICTIONAL-A', 'FICTIONAL-C'] });
    expect(list.entries[2]!.entry.countries).toEqual(['AE', 'CY']);
    // The same bytes are the same version.
    expect((await loadSdnListFromDirectory('fixtures/screening')).version).toBe(list.version);
  });

  it('gives the same list however the bytes are chunked, and another version for other bytes', async () => {
    const sdn = `${sdnRow(1, 'ONE, Person')}\r\n${sdnRow(2, 'TWO TRADING', '-0- ')}\r\n\u001a`;
    const alt = `${row(1, 10, 'aka', 'UNO, Person', '-0- ')}\r\n`;
    const whole = await readSdnList({ sdn: Readable.from([sdn]), alt: Readable.from([alt]) }, '2026-12-01');
    const trickled = await readSdnList({ sdn: bytes(sdn), alt: bytes(alt) }, '2026-12-01');
    expect(trickled).toEqual(whole);
    expect(whole.entries.map((e) => e.entry.aliases.length)).toEqual([1, 0]);
    const other = await readSdnList({ sdn: Readable.from([sdn.replace('TWO', 'TOO')]) }, '2026-12-01');
    expect(other.version).not.toBe(whole.version);
  });

  it.each([
    ['a short row', `${row(1, 'ONE', 'individual')}\r\n`, {}, 'sdn.csv line 1: 3 columns, expected 12'],
    ['a bad ent_num', `${sdnRow(1, 'ONE')}\r\n${sdnRow(0, 'TWO')}\r\n`, {}, "sdn.csv line 2: ent_num '0'"],
    ['an empty name', `${sdnRow(1, '-0- ')}\r\n`, {}, 'sdn.csv line 1: SDN_Name is empty'],
    ['an unknown type', `${sdnRow(1, 'ONE', 'spaceship')}\r\n`, {}, "SDN_Type 'spaceship' is unknown"],
    ['a duplicate entry', `${sdnRow(1, 'ONE')}\r\n${sdnRow(1, 'ONE')}\r\n`, {}, 'ent_num 1 appears twice'],
    ['an open quote', `1,"ONE\r\n`, {}, 'sdn.csv line 2: not valid CSV (CSV_QUOTE_NOT_CLOSED)'],
    [
      'an alias of no entry',
      `${sdnRow(1, 'ONE')}\r\n`,
      { alt: `${row(7, 10, 'aka', 'X', '-0- ')}\r\n` },
      'alt.csv line 1: ent_num 7 is not in sdn.csv',
    ],
    [
      'an address of no entry',
      `${sdnRow(1, 'ONE')}\r\n`,
      { add: `${row(7, 10, '-0- ', '-0- ', 'Cuba', '-0- ')}\r\n` },
      'add.csv line 1: ent_num 7 is not in sdn.csv',
    ],
  ])('refuses %s with the file and line', async (_what, sdn, others: { add?: string; alt?: string }, message) => {
    const sources = {
      sdn: Readable.from([sdn]),
      ...(others.add === undefined ? {} : { add: Readable.from([others.add]) }),
      ...(others.alt === undefined ? {} : { alt: Readable.from([others.alt]) }),
    };
    const error = await readSdnList(sources, '2026-12-01').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SdnListError);
    expect((error as SdnListError).code).toBe('sdn_list_malformed');
    expect((error as SdnListError).category).toBe('terminal');
    expect((error as SdnListError).message).toContain(message);
  });
});
