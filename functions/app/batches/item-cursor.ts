import { SENDER_ID_PATTERN, SENDER_ITEM_ID_CHARS_MAX } from '../../domain/batches/batch-limits';

/**
 * The cursor of GET /batches/{id}/items: base64url JSON of where the last page stopped (the chunk
 * and the last item id returned there; '' = from the chunk's start). It comes from the client, so
 * it is checked against the batch before any read: `null` is a cursor that names no position.
 */
export interface ItemCursor {
  readonly chunk: number;
  readonly senderItemId: string;
}

export function encodeItemCursor(cursor: ItemCursor): string {
  return Buffer.from(JSON.stringify({ c: cursor.chunk, a: cursor.senderItemId }), 'utf8').toString('base64url');
}

export function decodeItemCursor(text: string, chunkCount: number): ItemCursor | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const { c, a } = (parsed ?? {}) as { c?: unknown; a?: unknown };
  if (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c >= chunkCount) return null;
  if (typeof a !== 'string' || a.length > SENDER_ITEM_ID_CHARS_MAX || (a !== '' && !SENDER_ID_PATTERN.test(a)))
    return null;
  return { chunk: c, senderItemId: a };
}
