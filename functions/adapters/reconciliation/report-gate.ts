import { createReadStream } from 'node:fs';
import { REPORT_COLUMNS } from '../../domain/reconciliation/report';

/**
 * Whether DuckDB's read_csv may read the provider report by itself (the fast path), decided by one
 * pass over the bytes that never decodes a row: no quote character at all (so no field holds a
 * comma or a line break and physical line = record), no BOM, no blank line, no CR but as part of
 * CRLF, the last record terminated, and a header of distinct printable-ASCII names that holds every
 * column report.ts needs. Anything else — and anything read_csv or the typed checks then refuse —
 * goes to the strict JS reader (csv-reader.ts, report.ts), which either names the exact line and
 * error or, for an unusual but valid file, reads it: a fallback costs time, never a wrong answer.
 */
export interface ReportGate {
  /** The header's names in file order, when the fast path may read the file. */
  readonly header?: readonly string[];
  /** Line breaks in the file: the header plus one per record, when `header` is set. */
  readonly lineBreaks: number;
}

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
/** The header line is read whole before it is judged; a real one is a few hundred bytes. */
export const REPORT_HEADER_BYTES_MAX = 64 * 1024;

export async function gateReport(path: string): Promise<ReportGate> {
  const scan = new GateScan();
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) if (!scan.push(chunk)) break;
  return scan.finish();
}

class GateScan {
  private ok = true;
  private lineBreaks = 0;
  private previous = -1;
  private lastLineStart = 0;
  private offset = 0;
  private headerBytes: Buffer[] = [];
  private headerDone = false;
  private crs = 0;
  private crlfs = 0;
  private lastByte = -1;

  push(chunk: Buffer): boolean {
    if (this.offset === 0 && chunk[0] === 0xef) return (this.ok = false);
    if (chunk.indexOf(QUOTE) !== -1) return (this.ok = false);
    for (let i = chunk.indexOf(CR); i !== -1; i = chunk.indexOf(CR, i + 1)) this.crs += 1;
    for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, i + 1)) this.lineBreak(chunk, i);
    if (!this.headerDone) this.headerBytes.push(chunk);
    if (!this.headerDone && this.offset + chunk.length > REPORT_HEADER_BYTES_MAX) return (this.ok = false);
    this.lastByte = chunk[chunk.length - 1]!;
    this.offset += chunk.length;
    return this.ok;
  }

  private lineBreak(chunk: Buffer, index: number): void {
    const at = this.offset + index;
    const before = index > 0 ? chunk[index - 1] : this.lastByte;
    if (before === CR) this.crlfs += 1;
    const lineBytes = at - (this.previous + 1) - (before === CR ? 1 : 0);
    if (lineBytes === 0) this.ok = false; // a blank line: the JS reader skips it and counts it
    if (!this.headerDone) {
      this.headerBytes.push(chunk.subarray(0, index));
      this.headerDone = true;
      this.headerBytes = [Buffer.concat(this.headerBytes)];
    }
    this.previous = at;
    this.lastLineStart = at + 1;
    this.lineBreaks += 1;
  }

  finish(): ReportGate {
    const terminated = this.lastLineStart === this.offset && this.offset > 0;
    if (!this.ok || !terminated || this.crs !== this.crlfs || !this.headerDone) return { lineBreaks: this.lineBreaks };
    const text = this.headerBytes[0]!.toString('latin1').replace(/\r$/, '');
    const names = text.split(',');
    const printable = names.every((name) => /^[\x20-\x7e]+$/.test(name));
    const distinct = new Set(names).size === names.length;
    const complete = REPORT_COLUMNS.every((column) => names.includes(column));
    if (!printable || !distinct || !complete) return { lineBreaks: this.lineBreaks };
    return { header: names, lineBreaks: this.lineBreaks };
  }
}
