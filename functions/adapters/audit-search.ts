import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditAction, AuditActor, AuditRecord, AuditSubject } from '../domain/audit';
import { AUDIT_SEARCH_QUERIES_MAX } from '../domain/audit-window';
import {
  AUDIT_INDEX_SHARDS,
  AUDIT_RECORD_SK_PREFIX,
  actionFamily,
  actorFamily,
  auditChainPk,
  auditMembersOf,
  auditRecordFromItem,
  auditRecordSk,
  dayFamily,
  indexPartition,
  type AuditIndexFamily,
} from './audit-items';
import type { AuditPosition, ShardPosition } from './audit-cursor';
import { InvalidCursorError } from './cursor';

/**
 * GET /audit's reads and the day reader of the export and of verify (docs/audit.md). One search
 * reads one place, chosen in this order: a subject's chain (base table, consistent: compliance
 * sees what was just written); else one actor's, one action's or the day's index partitions over
 * the window's days. Filters the place does not cover are FilterExpressions.
 *
 * An index search merges the AUDIT_INDEX_SHARDS partitions of each day into one order — (at,
 * audit_id) ascending — without reading any shard to its end: every round reads a page of each
 * open shard, takes only what sorts before the smallest key some shard has not read past (nothing
 * unread can come before it), and remembers per shard how far it got (audit-cursor.ts).
 */
/** Records per Query page when a day is read whole (export, verify). */
const DAY_READ_PAGE_RECORDS = 1_000;
/** Sorts after every `<at>#aud_…` index key of the same instant. */
const SORT_KEY_CEILING = '~';

export interface AuditFilters {
  actor?: Pick<AuditActor, 'type' | 'id'>;
  subject?: AuditSubject;
  action?: AuditAction;
}

export interface AuditSearchInput {
  filters: AuditFilters;
  /** Inclusive bounds on `at`; required for an index search (its days), optional for a subject's chain. */
  window: { from: string; to: string } | null;
  limit: number;
  position?: AuditPosition;
}

export interface AuditPage {
  records: AuditRecord[];
  /** Where the next page starts; absent when the search is done. */
  next?: AuditPosition;
}

interface Filter {
  expression?: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

export class AuditSearch {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  search(input: AuditSearchInput): Promise<AuditPage> {
    if (input.filters.subject !== undefined) {
      if (input.position !== undefined && input.position.mode !== 'chain') throw new InvalidCursorError();
      return this.searchChain(input.filters.subject, input, input.position?.afterSeq ?? 0);
    }
    if (input.window === null) throw new Error('an index search needs a window');
    if (input.position !== undefined && input.position.mode !== 'index') throw new InvalidCursorError();
    const { actor, action } = input.filters;
    const family = actor !== undefined ? actorFamily(actor) : action !== undefined ? actionFamily(action) : dayFamily();
    // The actor index covers the actor; an action alongside it is filtered.
    const filter = filterOf({ ...(actor !== undefined && action !== undefined ? { action } : {}) });
    return this.searchIndex(family, filter, input.window, input.limit, input.position);
  }

  /**
   * Every record of a UTC day, in (at, audit_id) order: what the export writes and verify walks.
   * `strict: false` (verify) keeps an item whose members are damaged, for the chain check to judge.
   */
  async *dayRecords(day: string, options: { strict: boolean } = { strict: true }): AsyncGenerator<AuditRecord> {
    const window = { from: `${day}T00:00:00.000Z`, to: `${day}T23:59:59.999Z` };
    let position: AuditPosition | undefined;
    do {
      const page = await this.searchIndex(
        dayFamily(),
        filterOf({}),
        window,
        DAY_READ_PAGE_RECORDS,
        position,
        options.strict,
      );
      yield* page.records;
      position = page.next;
    } while (position !== undefined);
  }

  private async searchChain(subject: AuditSubject, input: AuditSearchInput, afterSeq: number): Promise<AuditPage> {
    const filter = filterOf({
      ...input.filters,
      subject: undefined,
      ...(input.window === null ? {} : { window: input.window }),
    });
    const records: AuditRecord[] = [];
    let after = afterSeq;
    for (let queries = 0; queries < AUDIT_SEARCH_QUERIES_MAX && records.length < input.limit; queries++) {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
          ...(filter.expression === undefined
            ? {}
            : { FilterExpression: filter.expression, ExpressionAttributeNames: filter.names }),
          ExpressionAttributeValues: {
            ':pk': auditChainPk(subject),
            ':lo': auditRecordSk(after + 1),
            ':hi': `${AUDIT_RECORD_SK_PREFIX}${SORT_KEY_CEILING}`,
            ...filter.values,
          },
          // Consistent: a search right after an action must find its record.
          ConsistentRead: true,
          Limit: input.limit - records.length,
        }),
      );
      for (const item of page.Items ?? []) records.push(auditRecordFromItem(item));
      const last = page.LastEvaluatedKey?.['sk'];
      if (typeof last !== 'string') return { records };
      after = Number(last.slice(AUDIT_RECORD_SK_PREFIX.length));
    }
    return { records, next: { mode: 'chain', afterSeq: after } };
  }

  private async searchIndex(
    family: AuditIndexFamily,
    filter: Filter,
    window: { from: string; to: string },
    limit: number,
    start: AuditPosition | undefined,
    strict = true,
  ): Promise<AuditPage> {
    const days = daysOf(window);
    let dayIndex = start?.mode === 'index' ? days.indexOf(start.day) : 0;
    if (dayIndex < 0) throw new InvalidCursorError();
    let shards: ShardPosition[] = start?.mode === 'index' ? [...start.shards] : freshShards();
    const records: AuditRecord[] = [];
    let queries = 0;
    while (dayIndex < days.length && records.length < limit && queries < AUDIT_SEARCH_QUERIES_MAX) {
      const open = shards.flatMap((position, shard) => (position === 1 ? [] : [shard]));
      if (open.length === 0) {
        dayIndex++;
        shards = freshShards();
        continue;
      }
      const need = limit - records.length;
      const day = days[dayIndex]!;
      const reads = await Promise.all(
        open.map((shard) => this.readShard(family, filter, window, day, shard, shards[shard]!, need, strict)),
      );
      queries += open.length;
      // Nothing any shard has not read yet sorts before `cut`.
      const cut = reads.reduce<string | undefined>(
        (low, read) => (read.last !== undefined && (low === undefined || read.last < low) ? read.last : low),
        undefined,
      );
      const candidates = reads
        .flatMap((read) => read.items)
        .filter((item) => cut === undefined || item.sk <= cut)
        .sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0));
      const taken = candidates.slice(0, need);
      records.push(...taken.map((item) => item.record));
      // Everything up to `boundary` is now returned or filtered out, in every shard read.
      const boundary = candidates.length > need ? taken[need - 1]!.sk : cut;
      for (const read of reads) {
        if (boundary === undefined) shards[read.shard] = 1;
        else
          shards[read.shard] = read.last === undefined && !read.items.some((item) => item.sk > boundary) ? 1 : boundary;
      }
    }
    if (dayIndex < days.length && shards.every((position) => position === 1)) {
      dayIndex++;
      shards = freshShards();
    }
    return dayIndex >= days.length ? { records } : { records, next: { mode: 'index', day: days[dayIndex]!, shards } };
  }

  private async readShard(
    family: AuditIndexFamily,
    filter: Filter,
    window: { from: string; to: string },
    day: string,
    shard: number,
    position: ShardPosition,
    limit: number,
    strict: boolean,
  ): Promise<{ shard: number; items: Array<{ sk: string; record: AuditRecord }>; last?: string }> {
    const after = typeof position === 'string' ? position : undefined;
    const pkName = `${family.index}pk`;
    const skName = `${family.index}sk`;
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: family.index,
        KeyConditionExpression: '#ipk = :ipk AND #isk BETWEEN :lo AND :hi',
        ...(filter.expression === undefined ? {} : { FilterExpression: filter.expression }),
        ExpressionAttributeNames: { '#ipk': pkName, '#isk': skName, ...filter.names },
        ExpressionAttributeValues: {
          ':ipk': indexPartition(family, day, shard),
          // BETWEEN is inclusive: the key at `after` was read already and is skipped below.
          ':lo': after ?? window.from,
          ':hi': `${window.to}#${SORT_KEY_CEILING}`,
          ...filter.values,
        },
        Limit: limit,
      }),
    );
    const items = (page.Items ?? [])
      .filter((item) => item[skName] !== after)
      .map((item) => ({ sk: String(item[skName]), record: strict ? auditRecordFromItem(item) : auditMembersOf(item) }));
    const last = page.LastEvaluatedKey?.[skName];
    return { shard, items, ...(typeof last === 'string' ? { last } : {}) };
  }
}

const freshShards = (): ShardPosition[] => Array.from({ length: AUDIT_INDEX_SHARDS }, (): ShardPosition => 0);

/** The UTC days the window touches, oldest first. */
function daysOf(window: { from: string; to: string }): string[] {
  const days: string[] = [];
  const last = window.to.slice(0, 10);
  for (let day = window.from.slice(0, 10); day <= last; day = nextDay(day)) days.push(day);
  return days;
}

const nextDay = (day: string): string =>
  new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString().slice(0, 10);

/** `action`, `at`, `actor` and `hash` are DynamoDB reserved words: every name goes through #names. */
function filterOf(input: {
  actor?: Pick<AuditActor, 'type' | 'id'>;
  action?: AuditAction;
  subject?: undefined;
  window?: { from: string; to: string };
}): Filter {
  const parts: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (input.actor !== undefined) {
    parts.push('#actor.#atype = :atype AND #actor.#aid = :aid');
    Object.assign(names, { '#actor': 'actor', '#atype': 'type', '#aid': 'id' });
    Object.assign(values, { ':atype': input.actor.type, ':aid': input.actor.id });
  }
  if (input.action !== undefined) {
    parts.push('#action = :action');
    names['#action'] = 'action';
    values[':action'] = input.action;
  }
  if (input.window !== undefined) {
    parts.push('#at BETWEEN :from AND :to');
    names['#at'] = 'at';
    Object.assign(values, { ':from': input.window.from, ':to': input.window.to });
  }
  return parts.length === 0 ? { names, values } : { expression: parts.join(' AND '), names, values };
}
