import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { CsvError, parse } from 'csv-parse';
import { SdnListBuilder, SdnListError, type ScreeningList, type SdnFile } from '../../domain/compliance/sdn-list';

/**
 * Streams OFAC's SDN CSV files (sdn.csv, add.csv, alt.csv) into a ScreeningList without holding a file in memory:
 * each file's bytes go through csv-parse and a SHA-256 at once (the hash is the list version's second half). The
 * real sdn.csv is ~5 MB and ~18,000 rows; the entries themselves are kept (the matcher needs them all).
 *
 * OFAC's quirks, handled here: no header row, CRLF line ends, `-0- ` as the null (domain/compliance/sdn-entry.ts)
 * and a trailing Ctrl-Z (0x1A) byte at the end of each file. Bytes are read as UTF-8.
 */

/** A row longer than this is not an SDN row (the longest Remarks field in the real list is ~2,600 characters). */
export const SDN_ROW_CHARS_MAX = 32_768;
/** OFAC's end-of-file byte. */
const CTRL_Z = '\u001a';

export interface SdnSources {
  sdn: AsyncIterable<Uint8Array | string>;
  add?: AsyncIterable<Uint8Array | string>;
  alt?: AsyncIterable<Uint8Array | string>;
}

type RowSink = (line: number, row: string[]) => void;

export async function readSdnList(sources: SdnSources, publishDate: string): Promise<ScreeningList> {
  const builder = new SdnListBuilder();
  const hash = createHash('sha256');
  // The file name goes into the hash too, so moving bytes from one file to another is a new version.
  await streamRows('sdn.csv', sources.sdn, hash, (line, row) => builder.addSdnRow(line, row));
  if (sources.add !== undefined) {
    await streamRows('add.csv', sources.add, hash, (line, row) => builder.addAddressRow(line, row));
  }
  if (sources.alt !== undefined) {
    await streamRows('alt.csv', sources.alt, hash, (line, row) => builder.addAliasRow(line, row));
  }
  return builder.build(publishDate, hash.digest('hex'));
}

async function streamRows(
  file: SdnFile,
  bytes: AsyncIterable<Uint8Array | string>,
  hash: Hash,
  sink: RowSink,
): Promise<void> {
  hash.update(`${file}\n`);
  const parser = parse({
    skip_empty_lines: true,
    max_record_size: SDN_ROW_CHARS_MAX,
    relax_column_count: true, // the builder says which row has the wrong count, with its line
    info: true,
  });
  const feeding = feed(bytes, hash, parser);
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (record.length === 1 && (record[0] ?? '').trim().replaceAll(CTRL_Z, '') === '') continue;
      sink(info.lines, record);
    }
    await feeding;
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines ?? 0;
      throw new SdnListError(file, line, `not valid CSV (${error.code})`);
    }
    throw error;
  } finally {
    parser.destroy();
  }
}

async function feed(bytes: AsyncIterable<Uint8Array | string>, hash: Hash, parser: ReturnType<typeof parse>) {
  try {
    for await (const chunk of bytes) {
      hash.update(chunk);
      if (!parser.write(chunk)) await once(parser, 'drain');
    }
    parser.end();
  } catch (error) {
    parser.destroy(error as Error);
  }
}
