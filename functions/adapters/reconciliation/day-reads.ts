import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RECON_DAY_INDEX_NAME } from '../../shared/names';
import { RECON_DAY_SHARDS, journalPk, reconDayGsiPk } from '../payout-items';

/**
 * The O(day) reads of a reconciliation run: one day's payouts from the day index (gsi4), and the
 * journal entries of exactly those payouts from their journal partitions. Neither touches the rest
 * of the table, so the items read grow with the day, not with the history.
 */

/** Items per Query page (DynamoDB also stops a page at 1 MB). */
export const DAY_QUERY_PAGE_ITEMS_MAX = 1_000;
/**
 * Day-index shards read at once. Each holds one page in memory, so 4 × ≤ 1 MB stays small beside
 * the engine's 256 MB, and 4 in flight already hide most of a Query's latency on one vCPU.
 */
export const DAY_SHARD_QUERY_CONCURRENCY = 4;
/**
 * Journal partitions queried at once: one small Query per payout of the day, so, like
 * MARK_RECONCILED_CONCURRENCY, many in flight and under the SDK's default 50 sockets per host.
 */
export const JOURNAL_QUERY_CONCURRENCY = 32;

type Item = Record<string, unknown>;
type Page = { Items?: Item[]; LastEvaluatedKey?: Item };

/**
 * Every item of `cursors`' Queries, read page by page, at most `concurrency` Queries in flight;
 * items come out in no particular order (the engine orders what it writes).
 */
async function* pagesInParallel<K>(
  keys: readonly K[],
  concurrency: number,
  fetchPage: (key: K, startKey: Item | undefined) => Promise<Page>,
): AsyncIterable<Item> {
  for (let start = 0; start < keys.length; start += concurrency) {
    let open = keys.slice(start, start + concurrency).map((key) => ({ key, startKey: undefined as Item | undefined }));
    while (open.length > 0) {
      const pages = await Promise.all(open.map((cursor) => fetchPage(cursor.key, cursor.startKey)));
      for (const page of pages) yield* page.Items ?? [];
      open = open
        .map((cursor, i) => ({ key: cursor.key, startKey: pages[i]!.LastEvaluatedKey }))
        .filter((cursor) => cursor.startKey !== undefined);
    }
  }
}

/**
 * The payout items created in [fromIso, toIso) of `date`. The sort key `<createdAt>#<payoutId>`
 * BETWEEN fromIso AND toIso is exactly that half-open window: `<toIso>#…` sorts after toIso. A GSI
 * read is eventually consistent; a day is run only hours after it ended (docs/finance.md), long
 * after the index has caught up with the creations.
 */
export function queryPayoutsOfDay(
  client: DynamoDBDocumentClient,
  payoutsTable: string,
  window: { date: string; fromIso: string; toIso: string },
): AsyncIterable<Item> {
  const shards = Array.from({ length: RECON_DAY_SHARDS }, (_, shard) => shard);
  return pagesInParallel(shards, DAY_SHARD_QUERY_CONCURRENCY, (shard, startKey) =>
    client.send(
      new QueryCommand({
        TableName: payoutsTable,
        IndexName: RECON_DAY_INDEX_NAME,
        Limit: DAY_QUERY_PAGE_ITEMS_MAX,
        KeyConditionExpression: 'gsi4pk = :pk AND gsi4sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': reconDayGsiPk(window.date, shard),
          ':from': window.fromIso,
          ':to': window.toIso,
        },
        ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
      }),
    ),
  );
}

/**
 * The journal entries of `payoutIds` recorded from `fromIso` on (what the old Scan's filter kept
 * of them). A payout's entries share its partition (`JOURNAL#<payoutId>`), so each Query reads
 * only that payout's entries.
 */
export function queryJournalsOf(
  client: DynamoDBDocumentClient,
  ledgerTable: string,
  payoutIds: readonly string[],
  fromIso: string,
): AsyncIterable<Item> {
  return pagesInParallel(payoutIds, JOURNAL_QUERY_CONCURRENCY, (payoutId, startKey) =>
    client.send(
      new QueryCommand({
        TableName: ledgerTable,
        Limit: DAY_QUERY_PAGE_ITEMS_MAX,
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: 'entity = :entity AND recordedAt >= :from',
        ExpressionAttributeValues: { ':pk': journalPk(payoutId), ':entity': 'journal_entry', ':from': fromIso },
        ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
      }),
    ),
  );
}
