import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { APPROVAL_GSI_PK, REVERSAL_GSI_PK } from './payout-items';
import { AWAITING_INDEX } from './payout-awaiting-index';

/**
 * The sweeper's two other views of the sparse gsi3 (payout-items.ts): payouts whose approval
 * expired (APPROVAL, sorted by expiresAt) and payouts with a reversal approved or sent that has had
 * no news since a bound (REVERSAL, sorted by the reversal's updatedAt). Each is one Query, oldest
 * first, bounded by `limit`: their cost follows what waits, never the table (no Scan). The index is
 * eventually consistent and projects only the payout id that matters here: the sweeper re-reads
 * every payout consistently before it acts.
 */
export class PayoutWaitingIndex {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly payoutsTable: string,
  ) {}

  /** Payouts still awaiting approval whose expiry is before `nowIso`. */
  approvalsExpiredBy(nowIso: string, limit: number): Promise<string[]> {
    return this.before(APPROVAL_GSI_PK, nowIso, limit);
  }

  /** Payouts with a reversal in flight and no news of it since before `quietBeforeIso`. */
  reversalsQuietSince(quietBeforeIso: string, limit: number): Promise<string[]> {
    return this.before(REVERSAL_GSI_PK, quietBeforeIso, limit);
  }

  private async before(partition: string, boundIso: string, limit: number): Promise<string[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.payoutsTable,
        IndexName: AWAITING_INDEX,
        KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk < :bound',
        ExpressionAttributeValues: { ':pk': partition, ':bound': boundIso },
        Limit: limit,
      }),
    );
    return Items.map((item) => String(item['payoutId']));
  }
}
