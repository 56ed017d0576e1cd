import { GetCommand, PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Payout } from '../domain/payout';
import { PAYOUT_SK, payoutFromItem } from './payout-items';

/**
 * The sweeper's view of payouts awaiting the provider, across tenants. PAYOUTS_TABLE has no
 * cross-tenant status index (its GSIs are per tenant), so each sweep reads a bounded slice of a
 * Scan and stores where it stopped; successive sweeps walk the whole table and start over. At 5
 * minutes × SWEEP_SCAN_PAGES_MAX pages a pass is cheap at launch volumes; a sparse
 * "awaiting provider" index written by the transition itself is the step after that.
 *
 *   cursor   pk SWEEP   sk SCAN_CURSOR   (OPERATIONS_TABLE)
 */
export const SWEEP_SCAN_PAGES_MAX = 5;
const SCAN_PAGE_ITEMS = 500;
const AWAITING = ['submitted', 'accepted', 'pending'] as const;

export class PayoutSweepScan {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly payoutsTable: string,
    private readonly operationsTable: string,
  ) {}

  async nextSlice(): Promise<Payout[]> {
    const stored = await this.client.send(new GetCommand({ TableName: this.operationsTable, Key: { pk: 'SWEEP', sk: 'SCAN_CURSOR' }, ConsistentRead: true }));
    let startKey = stored.Item?.['lastKey'] as Record<string, unknown> | undefined;
    const payouts: Payout[] = [];
    for (let page = 0; page < SWEEP_SCAN_PAGES_MAX; page++) {
      const out = await this.client.send(
        new ScanCommand({
          TableName: this.payoutsTable,
          FilterExpression: 'sk = :payout AND #status IN (:s0, :s1, :s2)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':payout': PAYOUT_SK, ':s0': AWAITING[0], ':s1': AWAITING[1], ':s2': AWAITING[2] },
          Limit: SCAN_PAGE_ITEMS,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      for (const item of out.Items ?? []) payouts.push(payoutFromItem(item));
      startKey = out.LastEvaluatedKey;
      if (startKey === undefined) break;
    }
    await this.client.send(new PutCommand({ TableName: this.operationsTable, Item: { pk: 'SWEEP', sk: 'SCAN_CURSOR', ...(startKey === undefined ? {} : { lastKey: startKey }) } }));
    return payouts;
  }
}
