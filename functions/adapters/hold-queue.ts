import { BatchGetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Hold, HoldOwner } from '../domain/compliance/contract';
import { holdsView } from '../domain/compliance/holds';
import type { Payout } from '../domain/payout';
import { InvalidCursorError } from './cursor';
import type { TransactItem } from './ledger-writes';
import { AWAITING_INDEX } from './payout-awaiting-index';
import {
  APPROVAL_GSI_PK,
  HOLD_QUEUE_SHARDS,
  PAYOUT_SK,
  holdQueuePk,
  holdQueueShardOf,
  holdQueueSk,
  payoutFromItem,
  payoutPk,
} from './payout-items';

/**
 * The "before funds move" queue (issue 15, docs/compliance.md "Holds"): which open holds each owner
 * has to act on, oldest first. A stored hold has a queue item (payout-items.ts `HOLDQ#…`) written in
 * the transaction that places it (placeHold, or the create transaction) and deleted in the one that
 * releases it. The approval hold has none: its payouts are the gsi3 APPROVAL partition already, so
 * the queue of owner `approver` reads that partition.
 *
 * The queue only finds; the payout decides. Each page's payouts are re-read consistently (one
 * BatchGetItem) and an entry is shown only if its hold is still open on a payout before its
 * provider call: a queue item left behind by a payout cancelled with a hold open is not shown.
 */
export { HOLD_QUEUE_PAGE_MAX } from '../shared/hold-routes';
import { HOLD_QUEUE_PAGE_MAX } from '../shared/hold-routes';
/** BatchGetItem takes at most 100 keys; a page is at most HOLD_QUEUE_PAGE_MAX. */
const BATCH_GET_ATTEMPTS_MAX = 3;
const SK_PATTERN = /^[0-9T:.Z-]{24}#[A-Za-z0-9_-]{1,100}(#[A-Za-z0-9_:-]{1,200})?$/;

export interface OpenHoldEntry {
  hold: Hold;
  payout: Payout;
}

export interface OpenHoldsPage {
  entries: OpenHoldEntry[];
  nextCursor?: string;
}

export function holdQueuePut(payoutsTable: string, payout: Pick<Payout, 'payoutId' | 'tenantId'>, hold: Hold) {
  return {
    Put: {
      TableName: payoutsTable,
      Item: {
        ...holdQueueKey(payout.payoutId, hold),
        entity: 'hold_queue_item',
        payoutId: payout.payoutId,
        tenantId: payout.tenantId,
        holdId: hold.holdId,
        kind: hold.kind,
        owner: hold.owner,
        openedAt: hold.openedAt,
        requirement: hold.requirement,
      },
    },
  } satisfies TransactItem;
}

export function holdQueueDelete(payoutsTable: string, payoutId: string, hold: Hold) {
  return { Delete: { TableName: payoutsTable, Key: holdQueueKey(payoutId, hold) } } satisfies TransactItem;
}

function holdQueueKey(payoutId: string, hold: Hold): { pk: string; sk: string } {
  return {
    pk: holdQueuePk(hold.owner, holdQueueShardOf(payoutId)),
    sk: holdQueueSk(hold.openedAt, payoutId, hold.holdId),
  };
}

/** One Query source of the queue: a partition, its key attribute names and the index it sits on. */
interface QueuePartition {
  index?: string;
  pkName: string;
  skName: string;
  pk: string;
}

function partitionsOf(owner: HoldOwner): QueuePartition[] {
  if (owner === 'approver') return [{ index: AWAITING_INDEX, pkName: 'gsi3pk', skName: 'gsi3sk', pk: APPROVAL_GSI_PK }];
  return Array.from({ length: HOLD_QUEUE_SHARDS }, (_, shard) => ({
    pkName: 'pk',
    skName: 'sk',
    pk: holdQueuePk(owner, shard),
  }));
}

/**
 * A page of `owner`'s open holds, oldest first across the shards: each shard is read from after
 * its cursor position, the results merged, the first `limit` kept, and the cursor records the last
 * sort key taken from each shard (so a shard that gave nothing to this page is read again next).
 */
export async function listOpenHolds(
  client: DynamoDBDocumentClient,
  payoutsTable: string,
  query: { owner: HoldOwner; cursor?: string; limit: number },
): Promise<OpenHoldsPage> {
  const partitions = partitionsOf(query.owner);
  const after = query.cursor === undefined ? partitions.map(() => '') : decodeQueueCursor(query.cursor, partitions);
  const reads = await Promise.all(
    partitions.map((partition, i) => readPartition(client, payoutsTable, partition, after[i]!, query.limit)),
  );
  const merged = reads
    .flatMap((read, i) => read.items.map((item) => ({ item, i, sk: String(item[partitions[i]!.skName]) })))
    .sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0));
  const page = merged.slice(0, query.limit);
  const nextAfter = [...after];
  for (const taken of page) nextAfter[taken.i] = taken.sk;
  const more = merged.length > page.length || reads.some((read) => read.more);
  const payouts = await readPayouts(
    client,
    payoutsTable,
    page.map((taken) => String(taken.item['payoutId'])),
  );
  const entries = page.flatMap((taken): OpenHoldEntry[] => {
    const payout = payouts.get(String(taken.item['payoutId']));
    if (payout === undefined || (payout.status !== 'requires_approval' && payout.status !== 'submitted')) return [];
    if (payout.submissionClaimedAt !== undefined) return [];
    const holdId = query.owner === 'approver' ? 'approval' : String(taken.item['holdId']);
    const hold = holdsView(payout).find((h) => h.holdId === holdId);
    return hold === undefined || hold.releasedAt !== undefined ? [] : [{ hold, payout }];
  });
  return more ? { entries, nextCursor: encodeQueueCursor(nextAfter) } : { entries };
}

async function readPartition(
  client: DynamoDBDocumentClient,
  payoutsTable: string,
  partition: QueuePartition,
  after: string,
  limit: number,
): Promise<{ items: Record<string, unknown>[]; more: boolean }> {
  const out = await client.send(
    new QueryCommand({
      TableName: payoutsTable,
      ...(partition.index === undefined ? { ConsistentRead: true } : { IndexName: partition.index }),
      KeyConditionExpression: after === '' ? '#pk = :pk' : '#pk = :pk AND #sk > :after',
      ExpressionAttributeNames: { '#pk': partition.pkName, ...(after === '' ? {} : { '#sk': partition.skName }) },
      ExpressionAttributeValues: { ':pk': partition.pk, ...(after === '' ? {} : { ':after': after }) },
      Limit: limit,
    }),
  );
  return { items: out.Items ?? [], more: out.LastEvaluatedKey !== undefined };
}

async function readPayouts(
  client: DynamoDBDocumentClient,
  payoutsTable: string,
  payoutIds: string[],
): Promise<Map<string, Payout>> {
  const found = new Map<string, Payout>();
  let keys: Record<string, string>[] = [...new Set(payoutIds)].map((id) => ({ pk: payoutPk(id), sk: PAYOUT_SK }));
  for (let attempt = 1; keys.length > 0; attempt++) {
    if (attempt > BATCH_GET_ATTEMPTS_MAX)
      throw new Error(`BatchGet left ${keys.length} keys unprocessed after ${BATCH_GET_ATTEMPTS_MAX} attempts`);
    const out = await client.send(
      new BatchGetCommand({ RequestItems: { [payoutsTable]: { Keys: keys, ConsistentRead: true } } }),
    );
    for (const item of out.Responses?.[payoutsTable] ?? []) {
      const payout = payoutFromItem(item);
      found.set(payout.payoutId, payout);
    }
    keys = (out.UnprocessedKeys?.[payoutsTable]?.Keys ?? []) as Record<string, string>[];
  }
  return found;
}

/** The cursor: base64url JSON `{ after: [<last sort key taken per shard, '' for none>] }`. */
function encodeQueueCursor(after: string[]): string {
  return Buffer.from(JSON.stringify({ after }), 'utf8').toString('base64url');
}

function decodeQueueCursor(cursor: string, partitions: QueuePartition[]): string[] {
  if (!/^[A-Za-z0-9_-]{1,4096}$/.test(cursor)) throw new InvalidCursorError();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw new InvalidCursorError({ cause: error });
  }
  const after = (parsed as { after?: unknown } | null)?.after;
  if (!Array.isArray(after) || after.length !== partitions.length) throw new InvalidCursorError();
  for (const sk of after)
    if (typeof sk !== 'string' || (sk !== '' && !SK_PATTERN.test(sk))) throw new InvalidCursorError();
  return after as string[];
}

/**
 * The sweeper's view (app/sweeper/holds-sla.ts): queue items of `owner` opened before
 * `openedBeforeIso`, oldest first, at most `limit` per shard. Only finds: the job re-reads each
 * payout consistently before it opens anything.
 */
export async function holdsOpenedBefore(
  client: DynamoDBDocumentClient,
  payoutsTable: string,
  query: { owner: Exclude<HoldOwner, 'approver'>; openedBeforeIso: string; limit: number },
): Promise<Array<{ payoutId: string; holdId: string }>> {
  const pages = await Promise.all(
    Array.from({ length: HOLD_QUEUE_SHARDS }, (_, shard) =>
      client.send(
        new QueryCommand({
          TableName: payoutsTable,
          KeyConditionExpression: 'pk = :pk AND sk < :before',
          ExpressionAttributeValues: { ':pk': holdQueuePk(query.owner, shard), ':before': query.openedBeforeIso },
          Limit: query.limit,
        }),
      ),
    ),
  );
  return pages.flatMap((page) =>
    (page.Items ?? []).map((item) => ({ payoutId: String(item['payoutId']), holdId: String(item['holdId']) })),
  );
}
