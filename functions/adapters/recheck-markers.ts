import { DeleteCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from './dynamo-errors';

/**
 * "Ask the provider about this payout again": written by the webhook processor when an event was
 * forbidden (the provider contradicts what we hold), worked off by the sweeper, which calls the
 * provider port's getStatus and applies the answer as a `poller` event. A marker rather than a
 * provider call inside the processor keeps the processor free of provider I/O and its latency;
 * one marker per payout, so a storm of contradicting events asks the provider once.
 *
 *   pk RECHECK   sk <payoutId>   (OPERATIONS_TABLE)
 */
const PK = 'RECHECK';

export interface RecheckMarker {
  payoutId: string;
  reason: string;
  requestedAt: string;
}

/** The markers as the processor and the sweeper use them: a port, so the simulation can hold them in memory. */
export interface RecheckStore {
  request(marker: RecheckMarker): Promise<void>;
  list(limit: number): Promise<RecheckMarker[]>;
  clear(marker: RecheckMarker): Promise<void>;
}

export class RecheckMarkers implements RecheckStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async request(marker: RecheckMarker): Promise<void> {
    await this.client.send(
      new PutCommand({ TableName: this.tableName, Item: { pk: PK, sk: marker.payoutId, ...marker } }),
    );
  }

  async list(limit: number): Promise<RecheckMarker[]> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': PK },
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map((i) => ({
      payoutId: String(i['payoutId']),
      reason: String(i['reason']),
      requestedAt: String(i['requestedAt']),
    }));
  }

  /** Only the marker that was worked off: a newer request written meanwhile survives. */
  async clear(marker: RecheckMarker): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: PK, sk: marker.payoutId },
          ConditionExpression: 'requestedAt = :at',
          ExpressionAttributeValues: { ':at': marker.requestedAt },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
}
