import type { Hold } from '../domain/compliance/contract';
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Batch } from '../domain/batches/batch';
import type { PayoutStatus } from '../domain/lifecycle';
import type { CurrencyCode } from '../domain/money';
import {
  BATCH_ID_CLAIM_SK,
  BATCH_SK,
  batchChunkPk,
  batchIdClaimPk,
  batchItemRecord,
  batchPk,
  batchRecord,
  itemSk,
  withoutKeys,
  type ItemRejection,
  type StoredBatchItem,
} from './batch-items';
import { isConditionalCheckFailed } from './dynamo-errors';
import { PAYOUT_SK, payoutPk } from './payout-items';

/** DynamoDB's limits per request: BatchWriteItem takes 25 puts, BatchGetItem 100 keys. */
const BATCH_WRITE_ITEMS_MAX = 25;
const BATCH_GET_KEYS_MAX = 100;
/** BatchWriteItem requests in flight at once while a batch is accepted: 8 keep a 15,000-item write under 30 s. */
const ITEM_WRITES_IN_FLIGHT_MAX = 8;
/** Conditional item Puts in flight while process-batch materialises one chunk (100 items: 10 rounds). */
const ITEM_PUTS_IN_FLIGHT_MAX = 10;
/** Rounds of re-sending UnprocessedItems (throttling) before the accept fails and is retried by the client. */
const UNPROCESSED_ROUNDS_MAX = 8;
const UNPROCESSED_DELAY_MS_BASE = 50;

/** Which batch holds a tenant's sender_batch_id; `writing` until its items are all stored. */
export interface BatchIdClaim {
  readonly batchId: string;
  readonly contentHash: string;
  readonly acceptedAt: string;
  readonly windowEndsAt: string;
  readonly state: 'writing' | 'accepted';
  /** While `writing`: after this instant another request may take the write over. */
  readonly leaseEndsAt: string;
}

export type ClaimResult = { readonly kind: 'claimed' } | { readonly kind: 'held'; readonly claim: BatchIdClaim };

/** What the batch views need of an item's payout. */
export interface ItemPayoutState {
  readonly payoutId: string;
  readonly status: PayoutStatus;
  readonly amountMinor: number;
  readonly currency: CurrencyCode;
  readonly statusReason?: string;
  /** The holds the payout waits on before submission (issue 15); absent: never held. */
  readonly holds?: Readonly<Record<string, Hold>>;
}

export class BatchesRepositoryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BatchesRepositoryError';
  }
}

/** Batch records in PAYOUTS_TABLE (key design: batch-items.ts). Every decision reads consistently. */
export class BatchesRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly payoutsTable: string,
  ) {}

  /**
   * Claims the id for a new batch: one conditional Put, free or its window over. A failed
   * condition returns the holder (ALL_OLD), so a replay or a reuse costs this one call.
   */
  async claimSenderBatchId(tenantId: string, senderBatchId: string, claim: BatchIdClaim): Promise<ClaimResult> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.payoutsTable,
          Item: { pk: batchIdClaimPk(tenantId, senderBatchId), sk: BATCH_ID_CLAIM_SK, entity: 'batch_id', ...claim },
          ConditionExpression: 'attribute_not_exists(pk) OR windowEndsAt <= :now',
          ExpressionAttributeValues: { ':now': claim.acceptedAt },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { kind: 'claimed' };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const old = (error as { Item?: Record<string, unknown> }).Item;
      const held = old === undefined ? await this.getClaim(tenantId, senderBatchId) : unmarshalled(old);
      if (held === undefined)
        throw new BatchesRepositoryError('batch id claim failed but none is stored', { cause: error });
      return { kind: 'held', claim: held };
    }
  }

  async getClaim(tenantId: string, senderBatchId: string): Promise<BatchIdClaim | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.payoutsTable,
        Key: { pk: batchIdClaimPk(tenantId, senderBatchId), sk: BATCH_ID_CLAIM_SK },
        ConsistentRead: true,
      }),
    );
    return Item === undefined ? undefined : withoutKeys<BatchIdClaim>(Item);
  }

  /** A crashed writer's claim, taken over once its lease ended: false when someone else was faster. */
  async takeOverClaim(tenantId: string, senderBatchId: string, held: BatchIdClaim, leaseEndsAt: string) {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.payoutsTable,
          Key: { pk: batchIdClaimPk(tenantId, senderBatchId), sk: BATCH_ID_CLAIM_SK },
          UpdateExpression: 'SET leaseEndsAt = :lease',
          ConditionExpression: '#state = :writing AND batchId = :batchId AND leaseEndsAt = :held',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':lease': leaseEndsAt,
            ':writing': 'writing',
            ':batchId': held.batchId,
            ':held': held.leaseEndsAt,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** Writes the items, 25 a request, ITEM_WRITES_IN_FLIGHT_MAX requests at once; idempotent (same keys, same content). */
  async writeItems(items: readonly StoredBatchItem[]): Promise<void> {
    const groups: StoredBatchItem[][] = [];
    for (let i = 0; i < items.length; i += BATCH_WRITE_ITEMS_MAX)
      groups.push(items.slice(i, i + BATCH_WRITE_ITEMS_MAX));
    let next = 0;
    const worker = async () => {
      while (next < groups.length) await this.writeGroup(groups[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(ITEM_WRITES_IN_FLIGHT_MAX, groups.length) }, worker));
  }

  private async writeGroup(group: readonly StoredBatchItem[]): Promise<void> {
    let requests = group.map((item) => ({ PutRequest: { Item: batchItemRecord(item) } }));
    for (let round = 0; requests.length > 0; round++) {
      if (round >= UNPROCESSED_ROUNDS_MAX) throw new BatchesRepositoryError('batch items left unprocessed (throttled)');
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, UNPROCESSED_DELAY_MS_BASE * 2 ** round));
      const result = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.payoutsTable]: requests } }));
      requests = (result.UnprocessedItems?.[this.payoutsTable] ?? []) as typeof requests;
    }
  }

  /**
   * process-batch's materialisation of a chunk: each item Put only if its record does not exist
   * (`attribute_not_exists`), ITEM_PUTS_IN_FLIGHT_MAX at once. A redelivered chunk, or two
   * deliveries racing, never overwrite an item a fan-out already moved (rejected, retried): the
   * first write of an item is its only one. Returns how many this call wrote.
   */
  async putItemsIfAbsent(items: readonly StoredBatchItem[]): Promise<number> {
    let next = 0;
    let written = 0;
    const worker = async () => {
      while (next < items.length) if (await this.putItemIfAbsent(items[next++]!)) written += 1;
    };
    await Promise.all(Array.from({ length: Math.min(ITEM_PUTS_IN_FLIGHT_MAX, items.length) }, worker));
    return written;
  }

  private async putItemIfAbsent(item: StoredBatchItem): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.payoutsTable,
          Item: batchItemRecord(item),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** The batch record and the claim's `accepted`, in one transaction: a claim is accepted iff its batch exists. */
  async commitBatch(batch: Batch): Promise<void> {
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.payoutsTable,
              Item: batchRecord(batch),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Update: {
              TableName: this.payoutsTable,
              Key: { pk: batchIdClaimPk(batch.tenantId, batch.senderBatchId), sk: BATCH_ID_CLAIM_SK },
              UpdateExpression: 'SET #state = :accepted',
              ConditionExpression: 'batchId = :batchId AND #state = :writing',
              ExpressionAttributeNames: { '#state': 'state' },
              ExpressionAttributeValues: { ':accepted': 'accepted', ':writing': 'writing', ':batchId': batch.batchId },
            },
          },
        ],
      }),
    );
  }

  async getBatch(batchId: string): Promise<Batch | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.payoutsTable,
        Key: { pk: batchPk(batchId), sk: BATCH_SK },
        ConsistentRead: true,
      }),
    );
    return Item === undefined ? undefined : withoutKeys<Batch>(Item);
  }

  /** Sets an attribute of the batch record that nothing else writes (fanOutEnqueuedAt, approval). */
  async updateBatch(batchId: string, set: Partial<Pick<Batch, 'fanOutEnqueuedAt' | 'approval'>>, condition?: string) {
    const names = Object.keys(set);
    await this.client.send(
      new UpdateCommand({
        TableName: this.payoutsTable,
        Key: { pk: batchPk(batchId), sk: BATCH_SK },
        UpdateExpression: `SET ${names.map((n) => `#${n} = :${n}`).join(', ')}`,
        ConditionExpression: ['attribute_exists(pk)', ...(condition === undefined ? [] : [condition])].join(' AND '),
        ExpressionAttributeNames: Object.fromEntries(names.map((n) => [`#${n}`, n])),
        ExpressionAttributeValues: Object.fromEntries(names.map((n) => [`:${n}`, set[n as keyof typeof set]])),
      }),
    );
  }

  /** One chunk's items, in sender_item_id order (at most BATCH_CHUNK_ITEMS: one page). */
  async chunkItems(batchId: string, chunk: number): Promise<StoredBatchItem[]> {
    const items: StoredBatchItem[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.payoutsTable,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': batchChunkPk(batchId, chunk) },
          ConsistentRead: true,
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      );
      items.push(...(page.Items ?? []).map((item) => withoutKeys<StoredBatchItem>(item)));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return items;
  }

  /** Marks a received item rejected (its business checks failed); false when it was not `received`. */
  async rejectItem(item: StoredBatchItem, rejection: ItemRejection): Promise<boolean> {
    return this.setItemState(item, 'received', { state: 'rejected', rejection });
  }

  /** A batch retry: a rejected item back to `received`, its rejection kept in `lastRejection`. */
  async reopenItem(item: StoredBatchItem): Promise<boolean> {
    return this.setItemState(item, 'rejected', {
      state: 'received',
      lastRejection: item.rejection,
      retries: (item.retries ?? 0) + 1,
    });
  }

  private async setItemState(item: StoredBatchItem, from: string, set: Record<string, unknown>): Promise<boolean> {
    const names = Object.keys(set);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.payoutsTable,
          Key: { pk: batchChunkPk(item.batchId, item.chunk), sk: itemSk(item.senderItemId) },
          UpdateExpression: `SET ${names.map((n) => `#${n} = :${n}`).join(', ')}${from === 'rejected' ? ' REMOVE rejection' : ''}`,
          ConditionExpression: '#state = :from',
          ExpressionAttributeNames: { ...Object.fromEntries(names.map((n) => [`#${n}`, n])), '#state': 'state' },
          ExpressionAttributeValues: { ...Object.fromEntries(names.map((n) => [`:${n}`, set[n]])), ':from': from },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** The payouts' current states, 100 keys a request (eventually consistent: for views, never decisions). */
  async payoutStates(payoutIds: readonly string[]): Promise<Map<string, ItemPayoutState>> {
    const states = new Map<string, ItemPayoutState>();
    for (let i = 0; i < payoutIds.length; i += BATCH_GET_KEYS_MAX) {
      let keys: Record<string, unknown>[] = payoutIds
        .slice(i, i + BATCH_GET_KEYS_MAX)
        .map((payoutId) => ({ pk: payoutPk(payoutId), sk: PAYOUT_SK }));
      for (let round = 0; keys.length > 0; round++) {
        if (round >= UNPROCESSED_ROUNDS_MAX) throw new BatchesRepositoryError('payout reads left unprocessed');
        if (round > 0) await new Promise((resolve) => setTimeout(resolve, UNPROCESSED_DELAY_MS_BASE * 2 ** round));
        const result = await this.client.send(
          new BatchGetCommand({
            RequestItems: {
              [this.payoutsTable]: {
                Keys: keys,
                ProjectionExpression: 'payoutId, #status, amountMinor, currency, statusReason, holds',
                ExpressionAttributeNames: { '#status': 'status' },
              },
            },
          }),
        );
        for (const item of result.Responses?.[this.payoutsTable] ?? [])
          states.set(String(item['payoutId']), item as unknown as ItemPayoutState);
        keys = (result.UnprocessedKeys?.[this.payoutsTable]?.Keys ?? []) as Record<string, unknown>[];
      }
    }
    return states;
  }
}

function unmarshalled(item: Record<string, unknown>): BatchIdClaim {
  // ALL_OLD on a failed condition arrives in the low-level shape even through the Document client.
  const value = (attribute: unknown): string => {
    if (typeof attribute === 'string') return attribute;
    return String((attribute as { S?: string } | undefined)?.S ?? '');
  };
  return {
    batchId: value(item['batchId']),
    contentHash: value(item['contentHash']),
    acceptedAt: value(item['acceptedAt']),
    windowEndsAt: value(item['windowEndsAt']),
    state: value(item['state']) as BatchIdClaim['state'],
    leaseEndsAt: value(item['leaseEndsAt']),
  };
}
