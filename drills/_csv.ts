import { CsvReader } from '../functions/domain/reconciliation/csv-reader.js';

/** A downloaded export (RFC 4180, header first) as one record per row, keyed by the header's names. */
export function csvRows(text: string): Record<string, string>[] {
  const reader = new CsvReader();
  const records = [...reader.push(Buffer.from(text, 'utf8')), ...reader.end()];
  const header = records[0]?.fields ?? [];
  return records.slice(1).map((r) => Object.fromEntries(r.fields.map((v, i) => [header[i], v])));
}
