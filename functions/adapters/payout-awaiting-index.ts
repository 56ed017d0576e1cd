import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PayoutStatus } from '../domain/lifecycle';
import type { SweepCandidate } from '../domain/staleness';
import { AWAITING_SHARDS, awaitingGsiPk } from './payout-items';

/**
 * The sweeper's view of payouts awaiting the provider, across tenants: the sparse gsi3 of
 * PAYOUTS_TABLE (key design in payouts-repository.ts), which holds only payouts in flight, so a
 * run costs what is in flight, not the whole history. Each shard is queried oldest news first for
 * `gsi3sk < <quietBefore>`, at most AWAITING_SHARD_PAGE_ITEMS a shard a run. Where a full page
 * stopped is stored, so payouts that stay quiet at the head of a shard (the provider still has no
 * answer) cannot hide the ones behind them run after run; a shard read to its end starts over.
 * The index is eventually consistent and projects only what sweepDecision needs: the sweeper
 * re-reads a payout consistently before it acts.
 *
 *   cursor   pk SWEEP   sk AWAITING_CURSOR   lastKeys: { <shard>: LastEvaluatedKey }   (OPERATIONS_TABLE)
 */
export const AWAITING_INDEX = 'gsi3';
export const AWAITING_SHARD_PAGE_ITEMS = 25;
const CURSOR_KEY = { pk: 'SWEEP', sk: 'AWAITING_CURSOR' } as const;

export interface AwaitingCandidate extends SweepCandidate {
  payoutId: string;
}

type IndexKey = Record<string, unknown>;

export class PayoutAwaitingIndex {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly payoutsTable: string,
    private readonly operationsTable: string,
  ) {}

  /** Payouts awaiting the provider whose last news is older than `quietBeforeIso`, oldest first per shard. */
  async quietSince(quietBeforeIso: string): Promise<AwaitingCandidate[]> {
    const stored = await this.client.send(
      new GetCommand({ TableName: this.operationsTable, Key: CURSOR_KEY, ConsistentRead: true }),
    );
    const lastKeys = { ...((stored.Item?.['lastKeys'] ?? {}) as Record<string, IndexKey>) };
    const candidates: AwaitingCandidate[] = [];
    for (let shard = 0; shard < AWAITING_SHARDS; shard++) {
      const from = lastKeys[String(shard)];
      // A cursor past the bound (it can only be equal-ish, by clock skew between runs) restarts the shard.
      const start = from !== undefined && String(from['gsi3sk']) < quietBeforeIso ? from : undefined;
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.payoutsTable,
          IndexName: AWAITING_INDEX,
          KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk < :before',
          ExpressionAttributeValues: { ':pk': awaitingGsiPk(shard), ':before': quietBeforeIso },
          Limit: AWAITING_SHARD_PAGE_ITEMS,
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      );
      for (const item of out.Items ?? []) candidates.push(candidateOf(item));
      if (out.LastEvaluatedKey === undefined) delete lastKeys[String(shard)];
      else lastKeys[String(shard)] = out.LastEvaluatedKey;
    }
    await this.client.send(new PutCommand({ TableName: this.operationsTable, Item: { ...CURSOR_KEY, lastKeys } }));
    return candidates;
  }
}

function candidateOf(item: Record<string, unknown>): AwaitingCandidate {
  const destination = (item['destination'] ?? {}) as { country?: unknown };
  return {
    payoutId: String(item['payoutId']),
    status: item['status'] as PayoutStatus,
    country: String(destination.country ?? ''),
    currency: String(item['currency']),
    createdAt: String(item['createdAt']),
    lastEventAt: String(item['lastEventAt']),
  };
}
