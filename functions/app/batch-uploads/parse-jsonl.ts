import { parseStrictJson } from '../../http/strict-json';
import type { RawBatchItem } from '../batches/batch-items-source';
import { UploadMalformedError } from '../../domain/batch-upload-errors';
import { UPLOAD_JSON_DEPTH_MAX, UPLOAD_ROW_CHARS_MAX } from '../../domain/batch-upload-limits';

/**
 * JSON Lines: one JSON object a line, LF or CRLF, the last line's newline optional. Blank lines are
 * skipped and do not count as rows. Each line goes through the API's strict JSON reader, so a
 * repeated key is refused here as it is in a body. A line that is not JSON (a truncated final row
 * among them) or not an object is refused with its row index; only the current line is held.
 */
export async function* parseJsonlRecords(text: AsyncIterable<string>): AsyncGenerator<RawBatchItem> {
  let pending = '';
  let index = 0;
  let line = 0;
  for await (const chunk of text) {
    pending += chunk;
    // Lines are cut by offset and the rest kept once per chunk, not re-sliced per line.
    let start = 0;
    let newline = pending.indexOf('\n', start);
    while (newline >= 0) {
      line += 1;
      const record = recordOfLine(pending.slice(start, newline), index, line);
      if (record !== undefined) yield { index: index++, record };
      start = newline + 1;
      newline = pending.indexOf('\n', start);
    }
    pending = pending.slice(start);
    if (pending.length > UPLOAD_ROW_CHARS_MAX) throw rowTooLong(index, line + 1);
  }
  const last = recordOfLine(pending, index, line + 1);
  if (last !== undefined) yield { index, record: last };
}

function recordOfLine(raw: string, index: number, line: number): Record<string, unknown> | undefined {
  const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (text.trim() === '') return undefined;
  if (text.length > UPLOAD_ROW_CHARS_MAX) throw rowTooLong(index, line);
  const parsed = parseStrictJson(text, UPLOAD_JSON_DEPTH_MAX);
  if (!parsed.ok)
    throw new UploadMalformedError(`row ${index} (line ${line}) is not a valid JSON object: ${parsed.failure.code}`, {
      rowIndex: index,
    });
  const value = parsed.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UploadMalformedError(`row ${index} (line ${line}) is not a JSON object`, { rowIndex: index });
  return value as Record<string, unknown>;
}

const rowTooLong = (index: number, line: number) =>
  new UploadMalformedError(`row ${index} (line ${line}) is longer than ${UPLOAD_ROW_CHARS_MAX} characters`, {
    rowIndex: index,
  });
