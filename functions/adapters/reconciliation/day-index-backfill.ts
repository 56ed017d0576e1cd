import { ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../dynamo-errors';
import { PAYOUT_SK, reconDayIndexKeys } from '../payout-items';

/**
 * One-off: gives payouts written before the day index existed their gsi4 keys, so a day-index run
 * of their day sees them (docs/finance.md, "Reading one day"). A filtered Scan of the table, once;
 * each UpdateItem is conditional on the keys still being absent, so a re-run, or a run racing the
 * creations (which write the keys themselves), changes nothing twice. It touches no attribute a
 * transition conditions on (status, version).
 */
export const BACKFILL_SCAN_PAGE_ITEMS_MAX = 1_000;
/** UpdateItems in flight, as MARK_RECONCILED_CONCURRENCY: under the SDK's 50 sockets per host. */
export const BACKFILL_UPDATE_CONCURRENCY = 32;

export interface BackfillResult {
  readonly scanned: number;
  readonly updated: number;
}

export async function backfillReconDayIndex(
  client: DynamoDBDocumentClient,
  payoutsTable: string,
): Promise<BackfillResult> {
  let scanned = 0;
  let updated = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: payoutsTable,
        Limit: BACKFILL_SCAN_PAGE_ITEMS_MAX,
        FilterExpression: 'sk = :sk AND attribute_not_exists(gsi4pk)',
        ExpressionAttributeValues: { ':sk': PAYOUT_SK },
        ProjectionExpression: 'pk, payoutId, createdAt',
        ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
      }),
    );
    scanned += page.ScannedCount ?? 0;
    const items = page.Items ?? [];
    for (let start = 0; start < items.length; start += BACKFILL_UPDATE_CONCURRENCY) {
      const done = await Promise.all(
        items.slice(start, start + BACKFILL_UPDATE_CONCURRENCY).map((item) => addKeys(client, payoutsTable, item)),
      );
      updated += done.filter(Boolean).length;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return { scanned, updated };
}

/** True if this call wrote the keys; false if they were there already (a creation or an earlier run). */
async function addKeys(client: DynamoDBDocumentClient, table: string, item: Record<string, unknown>): Promise<boolean> {
  const keys = reconDayIndexKeys({ payoutId: String(item['payoutId']), createdAt: String(item['createdAt']) });
  try {
    await client.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: item['pk'], sk: PAYOUT_SK },
        UpdateExpression: 'SET gsi4pk = :pk, gsi4sk = :sk',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(gsi4pk)',
        ExpressionAttributeValues: { ':pk': keys.gsi4pk, ':sk': keys.gsi4sk },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}
