import { once } from 'node:events';
import { CsvError, parse } from 'csv-parse';
import type { RawBatchItem } from '../batches/batch-items-source';
import { columnPathsOf, recordOfRow } from './csv-columns';
import { UploadMalformedError } from '../../domain/batch-upload-errors';
import { UPLOAD_ROW_CHARS_MAX } from '../../domain/batch-upload-limits';

/**
 * RFC 4180 CSV through csv-parse (streaming): a header row, then one item a row; fields quoted
 * with `"` may hold commas, quotes (doubled) and line breaks; LF, CRLF or CR line endings; blank
 * lines skipped. Every row must have the header's number of cells, so a truncated final row (or a
 * quote left open) is refused with its row index instead of becoming a short item.
 */
export async function* parseCsvRecords(text: AsyncIterable<string>): AsyncGenerator<RawBatchItem> {
  const parser = parse({
    skip_empty_lines: true,
    max_record_size: UPLOAD_ROW_CHARS_MAX,
    relax_column_count: false,
    relax_quotes: false,
  });
  const stop = new AbortController();
  void feed(text, parser, stop.signal);
  let paths: ReturnType<typeof columnPathsOf> | undefined;
  let index = 0;
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      if (paths === undefined) {
        paths = columnPathsOf(cells);
        continue;
      }
      yield { index, record: recordOfRow(paths, cells) };
      index += 1;
    }
  } catch (error) {
    if (error instanceof CsvError) throw csvRefusal(error);
    throw error;
  } finally {
    stop.abort();
    parser.destroy();
  }
}

/** Writes the text into the parser with backpressure; a failure of the source fails the parse. */
async function feed(text: AsyncIterable<string>, parser: ReturnType<typeof parse>, signal: AbortSignal) {
  try {
    for await (const chunk of text) {
      if (signal.aborted) return;
      if (!parser.write(chunk)) await once(parser, 'drain', { signal });
    }
    parser.end();
  } catch (error) {
    if (!signal.aborted) parser.destroy(error as Error);
  }
}

/**
 * The parser's own count says which row failed: the stream drops rows it had parsed but not yet
 * handed over when it fails, so our count may lag. `records` counts the header; none: the header broke.
 */
function csvRefusal(error: CsvError): UploadMalformedError {
  const { lines, records } = error as CsvError & { lines?: number; records?: number };
  const index = records === undefined || records === 0 ? undefined : records - 1;
  const row = index === undefined ? 'the header row' : `row ${index}`;
  const where = lines === undefined ? row : `${row} (line ${lines})`;
  return new UploadMalformedError(`${where} is not valid CSV: ${error.code}`, {
    ...(index === undefined ? {} : { rowIndex: index }),
    cause: error,
  });
}
