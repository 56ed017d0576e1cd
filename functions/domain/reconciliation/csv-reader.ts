import { ReportFormatError } from './report-errors';

/**
 * A strict, incremental RFC 4180 reader. Bytes go in by `push` (any chunking), records come out;
 * memory holds one partial line plus one partial record, whatever the file size.
 *
 * - UTF-8 is decoded one physical line at a time with a fatal decoder. LF (0x0A) never occurs
 *   inside a multi-byte UTF-8 sequence, so splitting bytes at LF is safe, and an invalid byte is
 *   reported with the line it sits on.
 * - Records end at CRLF (RFC 4180) or a bare LF (what most exporters write); a quoted field may
 *   span lines; `""` inside quotes is a quote. A quote inside an unquoted field, or text after a
 *   closing quote, is an error rather than a guess.
 * - End of input inside a quoted field is a truncated file.
 */
export interface CsvRecord {
  /** Physical line (1-based) where the record starts. */
  readonly line: number;
  readonly fields: string[];
  /** False only for a last record that was not followed by a line break. */
  readonly terminated: boolean;
}

const LF = 0x0a;
const BOM = '\uFEFF';

export class CsvReader {
  private pendingBytes: Uint8Array[] = [];
  private physicalLine = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  // State of a record that spans lines (a quoted field with a line break in it).
  private openFields: string[] | null = null;
  private openField = '';
  private openLine = 0;

  push(chunk: Uint8Array): CsvRecord[] {
    const records: CsvRecord[] = [];
    let start = 0;
    for (let index = chunk.indexOf(LF, start); index !== -1; index = chunk.indexOf(LF, start)) {
      this.pendingBytes.push(chunk.subarray(start, index));
      this.consumeLine(this.takePending(), true, records);
      start = index + 1;
    }
    if (start < chunk.length) this.pendingBytes.push(chunk.slice(start));
    return records;
  }

  /** Flushes a last line without a line break; throws if the input ended inside a quoted field. */
  end(): CsvRecord[] {
    const records: CsvRecord[] = [];
    const rest = this.takePending();
    if (rest.length > 0) this.consumeLine(rest, false, records);
    if (this.openFields !== null) {
      throw new ReportFormatError('report_truncated', this.openLine, 'the file ends inside a quoted field');
    }
    return records;
  }

  private takePending(): Uint8Array {
    const parts = this.pendingBytes;
    this.pendingBytes = [];
    if (parts.length === 1) return parts[0]!;
    return Buffer.concat(parts);
  }

  private decode(bytes: Uint8Array): string {
    try {
      return this.decoder.decode(bytes);
    } catch (error) {
      throw new ReportFormatError('report_invalid_encoding', this.physicalLine, 'the line is not valid UTF-8', {
        cause: error,
      });
    }
  }

  private consumeLine(bytes: Uint8Array, terminated: boolean, out: CsvRecord[]): void {
    this.physicalLine += 1;
    let text = this.decode(bytes);
    if (this.physicalLine === 1 && text.startsWith(BOM)) text = text.slice(1);
    if (terminated && text.endsWith('\r')) text = text.slice(0, -1);
    if (this.openFields === null) {
      // Fast path: most lines have no quotes at all.
      if (!text.includes('"')) {
        if (text === '' && terminated) return; // blank line between records: skipped, as spreadsheets do
        out.push({ line: this.physicalLine, fields: text.split(','), terminated });
        return;
      }
      this.openFields = [];
      this.openField = '';
      this.openLine = this.physicalLine;
      this.scan(text, 0, false, terminated, out);
    } else {
      // Continuing a quoted field across a line break: the break belongs to the field.
      this.openField += '\n';
      this.scan(text, 0, true, terminated, out);
    }
  }

  /** Character scan for lines with quotes; `inQuotes` carries over from the previous line. */
  private scan(text: string, from: number, inQuotesAtStart: boolean, terminated: boolean, out: CsvRecord[]): void {
    const fields = this.openFields!;
    let field = this.openField;
    let inQuotes = inQuotesAtStart;
    let afterClosingQuote = false;
    let fieldStart = !inQuotesAtStart;
    for (let i = from; i < text.length; i += 1) {
      const ch = text[i]!;
      if (inQuotes) {
        if (ch !== '"') field += ch;
        else if (text[i + 1] === '"') {
          field += '"';
          i += 1;
        } else {
          inQuotes = false;
          afterClosingQuote = true;
        }
        continue;
      }
      if (ch === ',') {
        fields.push(field);
        field = '';
        afterClosingQuote = false;
        fieldStart = true;
        continue;
      }
      if (afterClosingQuote) {
        throw new ReportFormatError(
          'report_malformed_csv',
          this.openLine,
          `unexpected character after a closing quote in field ${fields.length + 1}`,
        );
      }
      if (ch === '"') {
        if (!fieldStart)
          throw new ReportFormatError(
            'report_malformed_csv',
            this.openLine,
            `a quote inside unquoted field ${fields.length + 1}`,
          );
        inQuotes = true;
        fieldStart = false;
        continue;
      }
      field += ch;
      fieldStart = false;
    }
    if (inQuotes) {
      // The record continues on the next physical line (or the file is truncated: see end()).
      this.openField = field;
      return;
    }
    fields.push(field);
    out.push({ line: this.openLine, fields, terminated });
    this.openFields = null;
    this.openField = '';
  }
}
