import { ISO_INSTANT_IN_KEY, InvalidCursorError } from './cursor';
import { AUDIT_INDEX_SHARDS } from './audit-items';

/**
 * GET /audit's cursor: base64url JSON of where the next page starts, with the query it belongs to.
 * A search over the index walks several partitions at once (one per shard of each day), so the
 * position is one per shard, not DynamoDB's single LastEvaluatedKey:
 *
 *   { v: 1, f: { actor?, subject?, action? }, w: [from, to] | null, p: { c: <seq> } | { d: <day>, s: [<shard>…] } }
 *
 * `f` holds the filters as the client wrote them (a cursor is refused with other filters), `w` the
 * window the first page resolved (the default "last 7 days" would otherwise move between pages),
 * `p.c` the last chain position read, `p.s[i]` shard i of day `p.d`: 0 not started, 1 done, or the
 * index sort key everything up to which was read. A cursor comes from the client, so every member is
 * checked here before any of it reaches DynamoDB; anything else is InvalidCursorError (400).
 */
export type ShardPosition = 0 | 1 | string;
export type AuditPosition =
  { mode: 'chain'; afterSeq: number } | { mode: 'index'; day: string; shards: ShardPosition[] };

export interface AuditCursorFilters {
  actor?: string;
  subject?: string;
  action?: string;
}

export interface AuditCursor {
  filters: AuditCursorFilters;
  window: { from: string; to: string } | null;
  position: AuditPosition;
}

const ISO_INSTANT = new RegExp(`^${ISO_INSTANT_IN_KEY}$`);
const INDEX_SORT_KEY = new RegExp(`^${ISO_INSTANT_IN_KEY}#aud_[0-9A-HJKMNP-TV-Z]{26}$`);
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const FILTER_NAMES = ['actor', 'subject', 'action'] as const;
const FILTER_CHARS_MAX = 600;

export function encodeAuditCursor(cursor: AuditCursor): string {
  const p =
    cursor.position.mode === 'chain'
      ? { c: cursor.position.afterSeq }
      : { d: cursor.position.day, s: cursor.position.shards };
  const body = {
    v: 1,
    f: cursor.filters,
    w: cursor.window === null ? null : [cursor.window.from, cursor.window.to],
    p,
  };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

export function decodeAuditCursor(text: string): AuditCursor {
  if (!BASE64URL.test(text)) throw new InvalidCursorError();
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch (error) {
    throw new InvalidCursorError({ cause: error });
  }
  if (!isObject(body) || !sameKeys(body, ['v', 'f', 'w', 'p']) || body['v'] !== 1) throw new InvalidCursorError();
  return { filters: filtersOf(body['f']), window: windowOf(body['w']), position: positionOf(body['p']) };
}

function filtersOf(value: unknown): AuditCursorFilters {
  if (!isObject(value)) throw new InvalidCursorError();
  const filters: AuditCursorFilters = {};
  for (const [name, member] of Object.entries(value)) {
    if (!(FILTER_NAMES as readonly string[]).includes(name)) throw new InvalidCursorError();
    if (typeof member !== 'string' || member === '' || member.length > FILTER_CHARS_MAX) throw new InvalidCursorError();
    filters[name as (typeof FILTER_NAMES)[number]] = member;
  }
  return filters;
}

function windowOf(value: unknown): AuditCursor['window'] {
  if (value === null) return null;
  if (!Array.isArray(value) || value.length !== 2) throw new InvalidCursorError();
  const [from, to] = value as unknown[];
  if (
    typeof from !== 'string' ||
    typeof to !== 'string' ||
    !ISO_INSTANT.test(from) ||
    !ISO_INSTANT.test(to) ||
    from > to
  ) {
    throw new InvalidCursorError();
  }
  return { from, to };
}

function positionOf(value: unknown): AuditPosition {
  if (!isObject(value)) throw new InvalidCursorError();
  if (sameKeys(value, ['c'])) {
    const afterSeq = value['c'];
    if (typeof afterSeq !== 'number' || !Number.isSafeInteger(afterSeq) || afterSeq < 0) throw new InvalidCursorError();
    return { mode: 'chain', afterSeq };
  }
  if (!sameKeys(value, ['d', 's'])) throw new InvalidCursorError();
  const day = value['d'];
  const shards = value['s'];
  if (typeof day !== 'string' || !DAY.test(day) || !Array.isArray(shards) || shards.length !== AUDIT_INDEX_SHARDS)
    throw new InvalidCursorError();
  for (const shard of shards as unknown[]) {
    if (
      shard !== 0 &&
      shard !== 1 &&
      !(typeof shard === 'string' && INDEX_SORT_KEY.test(shard) && shard.startsWith(day))
    ) {
      throw new InvalidCursorError();
    }
  }
  return { mode: 'index', day, shards: shards as ShardPosition[] };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const sameKeys = (value: Record<string, unknown>, keys: readonly string[]): boolean =>
  Object.keys(value).length === keys.length && keys.every((key) => key in value);
