import { createPayoutBodySchema, destinationSchema } from '../../http/schemas';
import { UploadMalformedError } from '../../domain/batch-upload-errors';

/**
 * The CSV columns of a batch file (docs/batch-uploads.md): one header row, then one item a row.
 * A column names a field of the JSON item, nested fields with a dot (`destination.iban`,
 * `recipient.name`, `metadata.<key>`), so a file and a JSON body mean the same item and the batch
 * use case validates both with one schema. The destination and recipient columns are read from
 * the create schema itself, so a field added there is a column here without a second list.
 */
const SCALAR_COLUMNS = ['sender_item_id', 'amount', 'currency', 'description'] as const;
const NESTED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  destination: Object.keys(destinationSchema.shape),
  recipient: Object.keys(createPayoutBodySchema(1).shape.recipient.shape),
};
const METADATA_PREFIX = 'metadata.';
/** A batch whose file lacks one of these could not hold a single valid item: the file is refused whole. */
export const CSV_REQUIRED_COLUMNS = [
  'sender_item_id',
  'amount',
  'currency',
  'destination.country',
  'destination.method',
  'recipient.name',
] as const;

/** Every column a header may name, `metadata.<key>` apart (any key; the item schema checks it). */
export const CSV_KNOWN_COLUMNS: readonly string[] = [
  ...SCALAR_COLUMNS,
  ...Object.entries(NESTED_COLUMNS).flatMap(([parent, fields]) => fields.map((field) => `${parent}.${field}`)),
];

type ColumnPath = readonly [string] | readonly [string, string];

/** The header's columns as paths into the item; refuses unknown, repeated and missing columns, all named. */
export function columnPathsOf(header: readonly string[]): ColumnPath[] {
  const known = new Set(CSV_KNOWN_COLUMNS);
  const unknown = header.filter((name) => !known.has(name) && !isMetadataColumn(name));
  if (unknown.length > 0)
    throw new UploadMalformedError(`unknown CSV column(s): ${unknown.join(', ')}`, { param: unknown[0]! });
  const repeated = header.filter((name, i) => header.indexOf(name) !== i);
  if (repeated.length > 0)
    throw new UploadMalformedError(`repeated CSV column(s): ${[...new Set(repeated)].join(', ')}`, {
      param: repeated[0]!,
    });
  const missing = CSV_REQUIRED_COLUMNS.filter((name) => !header.includes(name));
  if (missing.length > 0)
    throw new UploadMalformedError(`missing CSV column(s): ${missing.join(', ')}`, { param: missing[0]! });
  return header.map((name) => {
    const dot = name.indexOf('.');
    return dot < 0 ? [name] : [name.slice(0, dot), name.slice(dot + 1)];
  });
}

function isMetadataColumn(name: string): boolean {
  return name.startsWith(METADATA_PREFIX) && name.length > METADATA_PREFIX.length;
}

/**
 * One data row as the JSON item it stands for. An empty cell is an absent field (a spreadsheet's
 * blank optional column), never an empty string. `amount` becomes a number only when it is a
 * plain digit string that is a safe integer; anything else ("50.00", "1e3") stays a string so
 * the item schema refuses it with its own code instead of us guessing what was meant.
 */
export function recordOfRow(paths: readonly ColumnPath[], cells: readonly string[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  paths.forEach((path, i) => {
    const cell = cells[i] ?? '';
    if (cell === '') return;
    if (path.length === 1) {
      record[path[0]] = path[0] === 'amount' ? amountOf(cell) : cell;
      return;
    }
    const [parent, field] = path;
    const nested = (record[parent] ??= {}) as Record<string, unknown>;
    nested[field] = cell;
  });
  return record;
}

function amountOf(cell: string): number | string {
  if (!/^[0-9]{1,16}$/.test(cell)) return cell;
  const value = Number(cell);
  return Number.isSafeInteger(value) ? value : cell;
}
