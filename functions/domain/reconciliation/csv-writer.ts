/**
 * RFC 4180 output: CRLF line ends, a field quoted only when it holds a comma, a quote, CR or LF
 * (quotes doubled). One fixed rule means the same values always give the same bytes.
 *
 * Spreadsheet formula injection: a text field starting with = + - @ would run as a formula when a
 * finance analyst opens the file. Identifiers and statuses come from us or the provider, so such a
 * value is prefixed with a single quote (OWASP's advice). Numbers are written by us and never are.
 */
const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;
export const CSV_LINE_END = '\r\n';

export function csvField(value: string | number | undefined | null, options: { text?: boolean } = {}): string {
  if (value === undefined || value === null) return '';
  let text = typeof value === 'number' ? String(value) : value;
  if (options.text !== false && typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A record of already-formatted cells; amounts and decimals are passed as numbers or raw strings. */
export function csvRecord(
  cells: ReadonlyArray<string | number | undefined | null>,
  rawColumns: ReadonlySet<number> = new Set(),
): string {
  return cells.map((cell, index) => csvField(cell, { text: !rawColumns.has(index) })).join(',') + CSV_LINE_END;
}
