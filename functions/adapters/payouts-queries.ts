import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { PayoutStatus } from '../domain/lifecycle';
import type { Payout, TimelineEntry } from '../domain/payout';
import { PAYOUT_ID_PATTERN } from '../shared/ids';
import { decodeCursor, encodeCursor, ISO_INSTANT_IN_KEY, type CursorShape } from './cursor';
import { EVENT_SK_PREFIX, PAYOUT_SK, payoutFromItem, payoutPk, tenantGsiPk, tenantStatusGsiPk } from './payout-items';
import type { PayoutsStore } from './payouts-store';

/** Timeline entries returned for one payout; a payout has a handful, a runaway one is cut here. */
export const TIMELINE_ENTRIES_MAX = 500;
/** Sorts after '#' and every character of a payout id, so `<to>~` bounds a range inclusively. */
const RANGE_END_SUFFIX = '~';

export interface PayoutListQuery {
  tenantId: string;
  status?: PayoutStatus;
  idempotencyKey?: string;
  /** ISO 8601 UTC bounds on created_at as `toISOString()` writes them (they compare as strings), both inclusive. */
  createdFrom?: string;
  createdTo?: string;
  /** Page size, already bounded by the caller's schema. */
  limit: number;
  cursor?: string;
}

export interface PayoutPage {
  payouts: Payout[];
  nextCursor?: string;
}

/** Newest first. Lists come from a GSI (eventually consistent): fine for browsing, never for decisions. */
export async function listPayouts(repo: PayoutsStore, query: PayoutListQuery): Promise<PayoutPage> {
  if (query.idempotencyKey !== undefined) {
    // A key names at most one payout: answer from the consistent key lock, not the index.
    const found = await repo.findByIdempotencyKey(query.tenantId, query.idempotencyKey);
    const payouts = found === undefined ? [] : [found.payout].filter((payout) => matches(payout, query));
    return { payouts };
  }
  // An empty range, answered without asking DynamoDB (which refuses BETWEEN with reversed bounds).
  const { createdFrom, createdTo } = query;
  if (createdFrom !== undefined && createdTo !== undefined && createdFrom > createdTo) return { payouts: [] };
  const index = query.status === undefined ? 'gsi1' : 'gsi2';
  const partition =
    query.status === undefined ? tenantGsiPk(query.tenantId) : tenantStatusGsiPk(query.tenantId, query.status);
  const values: Record<string, string> = { ':pk': partition };
  let range = '';
  if (query.createdFrom !== undefined && query.createdTo !== undefined) {
    range = ` AND ${index}sk BETWEEN :from AND :to`;
    values[':from'] = query.createdFrom;
    values[':to'] = query.createdTo + RANGE_END_SUFFIX;
  } else if (query.createdFrom !== undefined) {
    range = ` AND ${index}sk >= :from`;
    values[':from'] = query.createdFrom;
  } else if (query.createdTo !== undefined) {
    range = ` AND ${index}sk <= :to`;
    values[':to'] = query.createdTo + RANGE_END_SUFFIX;
  }
  const input: QueryCommandInput = {
    TableName: repo.payoutsTable,
    IndexName: index,
    KeyConditionExpression: `${index}pk = :pk${range}`,
    ExpressionAttributeValues: values,
    ScanIndexForward: false,
    Limit: query.limit,
  };
  if (query.cursor !== undefined) {
    const bounds = {
      ...(values[':from'] === undefined ? {} : { from: values[':from'] }),
      ...(values[':to'] === undefined ? {} : { to: values[':to'] }),
    };
    input.ExclusiveStartKey = decodeCursor(query.cursor, payoutCursorShape(index, partition, bounds));
  }
  const { Items = [], LastEvaluatedKey } = await repo.client.send(new QueryCommand(input));
  const page: PayoutPage = { payouts: Items.map(payoutFromItem) };
  if (LastEvaluatedKey !== undefined) page.nextCursor = encodeCursor(LastEvaluatedKey);
  return page;
}

function matches(payout: Payout, query: PayoutListQuery): boolean {
  if (query.status !== undefined && payout.status !== query.status) return false;
  if (query.createdFrom !== undefined && payout.createdAt < query.createdFrom) return false;
  if (query.createdTo !== undefined && payout.createdAt > query.createdTo + RANGE_END_SUFFIX) return false;
  return true;
}

export async function listTimeline(repo: PayoutsStore, payoutId: string): Promise<TimelineEntry[]> {
  const entries: TimelineEntry[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const { Items = [], LastEvaluatedKey } = await repo.client.send(
      new QueryCommand({
        TableName: repo.payoutsTable,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': payoutPk(payoutId), ':prefix': EVENT_SK_PREFIX },
        ConsistentRead: true,
        Limit: TIMELINE_ENTRIES_MAX - entries.length,
        ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
      }),
    );
    for (const item of Items) {
      const { pk: _pk, sk: _sk, entity: _entity, ...entry } = item;
      entries.push(entry as TimelineEntry);
    }
    startKey = LastEvaluatedKey;
  } while (startKey !== undefined && entries.length < TIMELINE_ENTRIES_MAX);
  return entries;
}

/** A page's start key must be a payout item of the partition and range the query reads (cursor.ts). */
function payoutCursorShape(
  index: 'gsi1' | 'gsi2',
  partition: string,
  sortBounds: { from?: string; to?: string },
): CursorShape {
  const payoutId = PAYOUT_ID_PATTERN.source.slice(1, -1);
  return {
    attributes: [
      { name: 'pk', role: 'partition', pattern: new RegExp(`^PAYOUT#${payoutId}$`) },
      { name: 'sk', role: 'sort', pattern: new RegExp(`^${PAYOUT_SK}$`) },
      { name: `${index}pk`, role: 'partition', pattern: /^TENANT#/ },
      { name: `${index}sk`, role: 'sort', pattern: new RegExp(`^${ISO_INSTANT_IN_KEY}#${payoutId}$`) },
    ],
    partition: { name: `${index}pk`, value: partition },
    sortBounds: { name: `${index}sk`, ...sortBounds },
  };
}
