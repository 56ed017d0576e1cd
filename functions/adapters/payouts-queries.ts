import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { PayoutStatus } from '../domain/lifecycle';
import type { Payout, TimelineEntry } from '../domain/payout';
import { EVENT_SK_PREFIX, payoutFromItem, payoutPk, tenantGsiPk, tenantStatusGsiPk } from './payout-items';
import type { PayoutsRepository } from './payouts-repository';

/** Timeline entries returned for one payout; a payout has a handful, a runaway one is cut here. */
export const TIMELINE_ENTRIES_MAX = 500;
/** Sorts after '#' and every character of a payout id, so `<to>~` bounds a range inclusively. */
const RANGE_END_SUFFIX = '~';

export interface PayoutListQuery {
  tenantId: string;
  status?: PayoutStatus;
  idempotencyKey?: string;
  /** ISO 8601 UTC bounds on created_at, both inclusive. */
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

export class InvalidCursorError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('cursor is not valid for this query', options);
    this.name = 'InvalidCursorError';
  }
}

/** Newest first. Lists come from a GSI (eventually consistent): fine for browsing, never for decisions. */
export async function listPayouts(repo: PayoutsRepository, query: PayoutListQuery): Promise<PayoutPage> {
  if (query.idempotencyKey !== undefined) {
    // A key names at most one payout: answer from the consistent key lock, not the index.
    const found = await repo.findByIdempotencyKey(query.tenantId, query.idempotencyKey);
    const payouts = found === undefined ? [] : [found.payout].filter((payout) => matches(payout, query));
    return { payouts };
  }
  const index = query.status === undefined ? 'gsi1' : 'gsi2';
  const partition = query.status === undefined ? tenantGsiPk(query.tenantId) : tenantStatusGsiPk(query.tenantId, query.status);
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
  if (query.cursor !== undefined) input.ExclusiveStartKey = decodeCursor(query.cursor, `${index}pk`, partition);
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

export async function listTimeline(repo: PayoutsRepository, payoutId: string): Promise<TimelineEntry[]> {
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

/** Opaque to callers: the LastEvaluatedKey as base64url JSON. */
export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/**
 * Only string attributes of the expected key shape, and only for the caller's own partition: a
 * cursor copied from another tenant's listing cannot open that tenant's index.
 */
export function decodeCursor(cursor: string, partitionAttribute: string, partition: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw new InvalidCursorError({ cause: error });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidCursorError();
  const entries = Object.entries(parsed as Record<string, unknown>);
  const allowed = new Set(['pk', 'sk', partitionAttribute, partitionAttribute.replace(/pk$/, 'sk')]);
  if (entries.length !== 4 || entries.some(([name, value]) => !allowed.has(name) || typeof value !== 'string')) throw new InvalidCursorError();
  const key = Object.fromEntries(entries) as Record<string, string>;
  if (key[partitionAttribute] !== partition) throw new InvalidCursorError();
  return key;
}
