/**
 * Opaque pagination cursors: DynamoDB's LastEvaluatedKey as base64url JSON, handed back as the
 * next query's ExclusiveStartKey. A cursor comes from the client, so it is checked against the
 * query it is used with before DynamoDB sees it: every refusal DynamoDB would answer with a
 * ValidationException (a 500 to the caller) is a 400 `cursor_invalid` here instead —
 * - exactly the key attributes of the query's index, each a non-empty string within DynamoDB's key
 *   size limits (2048 bytes for a partition key, 1024 for a sort key) and of the shape we write;
 * - the index partition the query names, so a cursor copied from another tenant's or another
 *   filter's listing cannot open that partition;
 * - a sort key inside the query's key condition ("The provided starting key is outside query
 *   boundaries based on provided conditions"), e.g. a cursor kept while created_from moved on.
 */
export const PARTITION_KEY_BYTES_MAX = 2_048;
export const SORT_KEY_BYTES_MAX = 1_024;
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]+$/;

export class InvalidCursorError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('cursor is not valid for this query', options);
    this.name = 'InvalidCursorError';
  }
}

export interface CursorAttribute {
  name: string;
  role: 'partition' | 'sort';
  /** The shape this query's items have in this attribute. */
  pattern: RegExp;
}

export interface CursorShape {
  attributes: readonly CursorAttribute[];
  /** The partition the query reads: another partition's cursor is refused. */
  partition: { name: string; value: string };
  /** The query's inclusive bounds on the index sort key. */
  sortBounds?: { name: string; from?: string; to?: string };
}

export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, shape: CursorShape): Record<string, string> {
  if (!BASE64URL_PATTERN.test(cursor)) throw new InvalidCursorError();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw new InvalidCursorError({ cause: error });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidCursorError();
  const key = parsed as Record<string, unknown>;
  const names = Object.keys(key);
  if (names.length !== shape.attributes.length) throw new InvalidCursorError();
  for (const attribute of shape.attributes) {
    const value = key[attribute.name];
    if (typeof value !== 'string' || value === '') throw new InvalidCursorError();
    const bytesMax = attribute.role === 'partition' ? PARTITION_KEY_BYTES_MAX : SORT_KEY_BYTES_MAX;
    if (Buffer.byteLength(value, 'utf8') > bytesMax || !attribute.pattern.test(value)) throw new InvalidCursorError();
  }
  if (key[shape.partition.name] !== shape.partition.value) throw new InvalidCursorError();
  const bounds = shape.sortBounds;
  if (bounds !== undefined) {
    const sort = key[bounds.name] as string;
    if ((bounds.from !== undefined && sort < bounds.from) || (bounds.to !== undefined && sort > bounds.to))
      throw new InvalidCursorError();
  }
  return key as Record<string, string>;
}

/** `2026-11-25T17:40:00.000Z`, as `toISOString()` writes it into sort keys. */
export const ISO_INSTANT_IN_KEY = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z`;
