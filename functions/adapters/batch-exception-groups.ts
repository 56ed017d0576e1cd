import { QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BATCH_EXCEPTION_ITEMS_PAGE_MAX } from '../domain/batches/batch-exceptions';
import type { ErrorCategory } from '../domain/domain-error';
import { exceptionIdOf, type ExceptionOpening } from '../domain/exceptions';
import { decodeCursor, encodeCursor, type CursorShape } from './cursor';
import {
  cancellationCodes,
  hasTransactionConflict,
  isConditionFailure,
  itemConditionFailed,
  jitterSleep,
} from './dynamo-errors';
import {
  ExceptionConflictError,
  type ExceptionActor,
  type ExceptionRecord,
  type ExceptionsStore,
} from './exceptions-records';

/**
 * The item lists of batch group exceptions (domain/batches/batch-exceptions.ts), in OPERATIONS_TABLE
 * beside the exceptions:
 *
 *   member   pk EXC_ITEM#<exceptionId>   sk ITEM#<sender_item_id>   (payout id, rejection code, at)
 *
 * The exception row carries `itemCount`. A member and its count move together in one transaction:
 * the member Put is conditional on its absence (a redelivered failure finds it and counts nothing)
 * and the count is an ADD (parallel failures of one group never overwrite each other's counts).
 * The same update bumps the exception's `version`, so the repository's own writes (assign,
 * resolve, reopen), conditional on the version they read, can never put back a stale count.
 * Members are not audited one by one: the item's rejection is on the batch item itself; the
 * exception's chain records its opening, reopenings, assignment and resolution.
 */
export interface BatchGroupMember {
  readonly senderItemId: string;
  readonly payoutId: string;
  readonly code: string;
  readonly category: ErrorCategory;
  readonly message: string;
  readonly at: string;
}

/** Transactions on one hot group conflict while parallel chunks fail together: retried, bounded. */
const GROUP_WRITE_ATTEMPTS_MAX = 12;
const GROUP_WRITE_DELAY_MS_MAX = 40;
/** Resolving an emptied group races new failures of it (each bumps the version): bounded too. */
const RESOLVE_ATTEMPTS_MAX = 3;

const BATCH_RETRY_ACTOR: ExceptionActor = { kind: 'system', id: 'batch-retry' };
const FAN_OUT_ACTOR: ExceptionActor = { kind: 'system', id: 'process-batch' };

const exceptionKey = (exceptionId: string) => ({ pk: `EXC#${exceptionId}`, sk: 'EXC' });
const memberPk = (exceptionId: string) => `EXC_ITEM#${exceptionId}`;
const memberSk = (senderItemId: string) => `ITEM#${senderItemId}`;

export type AddOutcome = 'added' | 'already_counted';

export class BatchExceptionGroups {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly exceptions: ExceptionsStore,
  ) {}

  /** Counts the item into its group, opening (or reopening) the group first when it must. */
  async addItem(opening: ExceptionOpening, member: BatchGroupMember): Promise<AddOutcome> {
    const exceptionId = exceptionIdOf(opening.dedupKey);
    const item = { pk: memberPk(exceptionId), sk: memberSk(member.senderItemId), ...member };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
              {
                Update: {
                  TableName: this.tableName,
                  Key: exceptionKey(exceptionId),
                  UpdateExpression: 'ADD itemCount :one, version :one SET lastSeenAt = :at, updatedAt = :at',
                  // Absent or resolved: opened (or reopened) through the repository first, audited.
                  ConditionExpression: 'attribute_exists(pk) AND #state <> :resolved',
                  ExpressionAttributeNames: { '#state': 'state' },
                  ExpressionAttributeValues: { ':one': 1, ':at': member.at, ':resolved': 'resolved' },
                },
              },
            ],
          }),
        );
        return 'added';
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes === undefined || attempt >= GROUP_WRITE_ATTEMPTS_MAX) throw error;
        // The member exists: it was counted in the same transaction that wrote it.
        if (itemConditionFailed(codes, 0)) return 'already_counted';
        if (itemConditionFailed(codes, 1)) await this.openGroup(opening);
        else if (hasTransactionConflict(codes)) await jitterSleep(GROUP_WRITE_DELAY_MS_MAX * attempt);
        else throw error;
      }
    }
  }

  /** Takes the item out of its group (a batch retry moved it); false when it was not a member. */
  async removeItem(exceptionId: string, senderItemId: string, at: string): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Delete: {
                  TableName: this.tableName,
                  Key: { pk: memberPk(exceptionId), sk: memberSk(senderItemId) },
                  ConditionExpression: 'attribute_exists(pk)',
                },
              },
              {
                Update: {
                  TableName: this.tableName,
                  Key: exceptionKey(exceptionId),
                  UpdateExpression: 'ADD itemCount :minus, version :one SET updatedAt = :at',
                  ConditionExpression: 'attribute_exists(pk)',
                  ExpressionAttributeValues: { ':minus': -1, ':one': 1, ':at': at },
                },
              },
            ],
          }),
        );
        return true;
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes === undefined || attempt >= GROUP_WRITE_ATTEMPTS_MAX) throw error;
        if (itemConditionFailed(codes, 0) || itemConditionFailed(codes, 1)) return false;
        if (!hasTransactionConflict(codes)) throw error;
        await jitterSleep(GROUP_WRITE_DELAY_MS_MAX * attempt);
      }
    }
  }

  /** Resolves the group once no item is left in it (audited by the repository); true when it did. */
  async resolveIfEmpty(exceptionId: string, at: string, requestId?: string): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      const group = await this.exceptions.get(exceptionId);
      if (group === undefined || group.state === 'resolved' || (group.itemCount ?? 0) > 0) return false;
      try {
        await this.exceptions.resolve({
          exceptionId,
          note: 'every item of this group was moved back by a batch retry',
          actor: BATCH_RETRY_ACTOR,
          ...(requestId === undefined ? {} : { requestId }),
          now: at,
        });
        return true;
      } catch (error) {
        // An item failed again meanwhile (the version moved): read the group again.
        if (!(error instanceof ExceptionConflictError) || attempt >= RESOLVE_ATTEMPTS_MAX) throw error;
      }
    }
  }

  /** A page of the group's items in sender_item_id order; `limit` at most BATCH_EXCEPTION_ITEMS_PAGE_MAX. */
  async items(
    exceptionId: string,
    page: { limit?: number; cursor?: string } = {},
  ): Promise<{ items: BatchGroupMember[]; nextCursor?: string }> {
    const limit = Math.min(Math.max(page.limit ?? BATCH_EXCEPTION_ITEMS_PAGE_MAX, 1), BATCH_EXCEPTION_ITEMS_PAGE_MAX);
    const start = page.cursor === undefined ? undefined : decodeCursor(page.cursor, memberCursorShape(exceptionId));
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': memberPk(exceptionId) },
        // Consistent: ops reading a group right after a fan-out or a retry must see its members.
        ConsistentRead: true,
        Limit: limit,
        ...(start === undefined ? {} : { ExclusiveStartKey: start }),
      }),
    );
    const items = (out.Items ?? []).map(({ pk: _pk, sk: _sk, ...member }) => member as unknown as BatchGroupMember);
    return out.LastEvaluatedKey === undefined ? { items } : { items, nextCursor: encodeCursor(out.LastEvaluatedKey) };
  }

  /** The group rows of the given ids that exist (GET /exceptions?batch_id=, GET /batches/{id}). */
  async groups(exceptionIds: readonly string[]): Promise<ExceptionRecord[]> {
    const found: ExceptionRecord[] = [];
    for (const exceptionId of exceptionIds) {
      const group = await this.exceptions.get(exceptionId);
      if (group !== undefined) found.push(group);
    }
    return found;
  }

  private async openGroup(opening: ExceptionOpening): Promise<void> {
    try {
      await this.exceptions.openOrUpdate({ ...opening, actor: FAN_OUT_ACTOR, reopenIfResolved: true });
    } catch (error) {
      // Another writer's count moved the version under the repository's retries: the caller tries again.
      if (!isConditionFailure(error)) throw error;
    }
  }
}

function memberCursorShape(exceptionId: string): CursorShape {
  return {
    attributes: [
      { name: 'pk', role: 'partition', pattern: /^EXC_ITEM#exc_[0-9a-f]{32}$/ },
      { name: 'sk', role: 'sort', pattern: /^ITEM#[A-Za-z0-9_.-]{1,63}$/ },
    ],
    partition: { name: 'pk', value: memberPk(exceptionId) },
  };
}
