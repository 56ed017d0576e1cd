import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulidx';
import {
  decideException,
  exceptionIdOf,
  ExceptionStateError,
  payoutExceptionOwner,
  slaDueAt,
  type ExceptionOwner,
  type ExceptionState,
} from '../domain/exceptions';
import { decodeCursor, encodeCursor, ISO_INSTANT_IN_KEY, type CursorShape } from './cursor';
import { isConditionFailure } from './dynamo-errors';
import {
  ExceptionConflictError,
  ExceptionNotFoundError,
  LIST_LIMIT_DEFAULT,
  LIST_LIMIT_MAX,
  type AuditActor,
  type ExceptionError,
  type ExceptionRecord,
  type ExceptionsStore,
  type ListExceptionsInput,
  type OpenOrUpdateInput,
  type OpenOrUpdateResult,
  type Timestamp,
} from './exceptions-records';

export * from './exceptions-records';

/**
 * Exceptions in OPERATIONS_TABLE (docs/contracts.md). Item shapes:
 *
 *   exception   pk EXC#<exceptionId>         sk EXC
 *               gsi1pk EXC#STATE#<state>     gsi1sk <slaDueAt>#<exceptionId>   (a state's queue, most urgent first)
 *               gsi2pk EXC#ALL               gsi2sk <openedAt>#<exceptionId>  (everything, newest first)
 *   audit       pk EXC#<exceptionId>         sk AUDIT#<at>#<ulid>              (who did what, with which request)
 *   payout link pk EXC_PAYOUT#<payoutId>     sk <exceptionId>                  (state/owner/due, read consistently
 *                                                                                to derive the payout's exceptionOwner)
 *
 * Every write is a transaction of the exception, its audit record and its payout link, conditional
 * on the version read: two operators resolving at once cannot both win, and an audit record exists
 * exactly when its change does.
 */

/** Filters apply after DynamoDB's Limit, so a filtered page may need several reads; bounded. */
const LIST_QUERY_PAGES_MAX = 10;
/** Two writers racing to open the same exception: the loser re-reads and updates. */
const WRITE_ATTEMPTS_MAX = 3;

export interface ExceptionsRepositoryOptions {
  /** Called after a change that may move the payout's owner; the payouts repository can denormalize it. */
  onPayoutOwnerChange?: (payoutId: string, owner: ExceptionOwner | undefined) => Promise<void>;
}

const SYSTEM_ACTOR: AuditActor = { kind: 'system', id: 'system' };
const iso = (t: Timestamp): string => (typeof t === 'string' ? new Date(t).toISOString() : t.toISOString());
const errorOf = (e: OpenOrUpdateInput['error'], at: string): ExceptionError | undefined =>
  e === undefined ? undefined : typeof e === 'string' ? { message: e, at } : { ...e, at };

/** A list page's start key must be an exception item of the index partition the list reads (cursor.ts). */
function exceptionCursorShape(index: 'gsi1' | 'gsi2', partition: string): CursorShape {
  const exceptionId = 'exc_[0-9a-f]{32}';
  return {
    attributes: [
      { name: 'pk', role: 'partition', pattern: new RegExp(`^EXC#${exceptionId}$`) },
      { name: 'sk', role: 'sort', pattern: /^EXC$/ },
      { name: `${index}pk`, role: 'partition', pattern: /^EXC#/ },
      { name: `${index}sk`, role: 'sort', pattern: new RegExp(`^${ISO_INSTANT_IN_KEY}#${exceptionId}$`) },
    ],
    partition: { name: `${index}pk`, value: partition },
  };
}

export class ExceptionsRepository implements ExceptionsStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: ExceptionsRepositoryOptions = {},
  ) {}

  async get(exceptionId: string): Promise<ExceptionRecord | undefined> {
    // Consistent: an operator acting right after a sweep must see what the sweep wrote.
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: `EXC#${exceptionId}`, sk: 'EXC' }, ConsistentRead: true }),
    );
    return out.Item === undefined ? undefined : toRecord(out.Item);
  }

  async openOrUpdate(input: OpenOrUpdateInput): Promise<OpenOrUpdateResult> {
    const exceptionId = exceptionIdOf(input.dedupKey);
    const now = iso(input.seenAt);
    const actor = input.actor ?? SYSTEM_ACTOR;
    for (let attempt = 1; ; attempt++) {
      const current = await this.get(exceptionId);
      try {
        const result =
          current === undefined
            ? await this.insert(exceptionId, input, now, actor)
            : await this.refresh(current, input, now, actor);
        if ((result.kind === 'opened' || result.kind === 'reopened') && result.exception.payoutId !== undefined)
          await this.notifyOwner(result.exception.payoutId);
        return result;
      } catch (error) {
        if (!isConditionFailure(error) || attempt >= WRITE_ATTEMPTS_MAX) throw error;
      }
    }
  }

  async assign(input: {
    exceptionId: string;
    assignee: string;
    owner?: ExceptionOwner;
    note?: string;
    actor: AuditActor;
    now: Timestamp;
  }): Promise<ExceptionRecord> {
    return this.act(input.exceptionId, 'assign', input.actor, iso(input.now), input.note, (e) => ({
      ...e,
      assignee: input.assignee,
      ...(input.owner === undefined ? {} : { owner: input.owner }),
    }));
  }

  async resolve(input: {
    exceptionId: string;
    note: string;
    actor: AuditActor;
    now: Timestamp;
  }): Promise<ExceptionRecord> {
    const at = iso(input.now);
    return this.act(input.exceptionId, 'resolve', input.actor, at, input.note, (e) => ({
      ...e,
      resolution: { note: input.note, by: input.actor.id, at },
    }));
  }

  async list(input: ListExceptionsInput = {}): Promise<{ items: ExceptionRecord[]; nextCursor?: string }> {
    const limit = Math.min(Math.max(input.limit ?? LIST_LIMIT_DEFAULT, 1), LIST_LIMIT_MAX);
    const byState = input.state !== undefined;
    const filters: string[] = [];
    const values: Record<string, unknown> = { ':pk': byState ? `EXC#STATE#${input.state}` : 'EXC#ALL' };
    if (input.category !== undefined) (filters.push('category = :category'), (values[':category'] = input.category));
    if (input.owner !== undefined) (filters.push('#owner = :owner'), (values[':owner'] = input.owner));
    const items: ExceptionRecord[] = [];
    const cursorShape = exceptionCursorShape(byState ? 'gsi1' : 'gsi2', String(values[':pk']));
    let startKey: Record<string, unknown> | undefined =
      input.cursor === undefined ? undefined : decodeCursor(input.cursor, cursorShape);
    for (let page = 0; page < LIST_QUERY_PAGES_MAX && items.length < limit; page++) {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: byState ? 'gsi1' : 'gsi2',
          KeyConditionExpression: `${byState ? 'gsi1pk' : 'gsi2pk'} = :pk`,
          ...(filters.length === 0 ? {} : { FilterExpression: filters.join(' AND ') }),
          ...(input.owner === undefined ? {} : { ExpressionAttributeNames: { '#owner': 'owner' } }),
          ExpressionAttributeValues: values,
          ScanIndexForward: byState, // a state's queue: most urgent first; everything: newest first
          Limit: limit - items.length,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      for (const item of out.Items ?? []) items.push(toRecord(item));
      startKey = out.LastEvaluatedKey;
      if (startKey === undefined) break;
    }
    return startKey === undefined ? { items } : { items, nextCursor: encodeCursor(startKey) };
  }

  async history(exceptionId: string): Promise<Array<Record<string, unknown>>> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
        ExpressionAttributeValues: { ':pk': `EXC#${exceptionId}`, ':audit': 'AUDIT#' },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map(({ pk: _pk, sk: _sk, ...rest }) => rest);
  }

  /** The owner the payout shows: read from the consistent payout links, never from a GSI. */
  async exceptionOwnerOf(payoutId: string): Promise<ExceptionOwner | undefined> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `EXC_PAYOUT#${payoutId}` },
        ConsistentRead: true,
      }),
    );
    return payoutExceptionOwner(
      (out.Items ?? []).map((i) => ({
        owner: i['owner'] as ExceptionOwner,
        slaDueAt: String(i['slaDueAt']),
        state: i['state'] as ExceptionState,
      })),
    );
  }

  private async insert(
    exceptionId: string,
    input: OpenOrUpdateInput,
    now: string,
    actor: AuditActor,
  ): Promise<OpenOrUpdateResult> {
    const error = errorOf(input.error, now);
    const exception: ExceptionRecord = {
      exceptionId,
      dedupKey: input.dedupKey,
      category: input.category,
      owner: input.owner,
      state: 'open',
      slaSeconds: input.slaSeconds,
      openedAt: now,
      slaDueAt: slaDueAt(now, input.slaSeconds),
      updatedAt: now,
      lastSeenAt: now,
      occurrences: 1,
      evidence: input.evidence,
      ...(input.payoutId === undefined ? {} : { payoutId: input.payoutId }),
      ...(error === undefined ? {} : { firstError: error, lastError: error }),
      version: 1,
    };
    await this.write(exception, undefined, { action: 'opened', actor, at: now });
    return { kind: 'opened', exception };
  }

  private async refresh(
    current: ExceptionRecord,
    input: OpenOrUpdateInput,
    now: string,
    actor: AuditActor,
  ): Promise<OpenOrUpdateResult> {
    const error = errorOf(input.error, now);
    const reopen = current.state === 'resolved' && input.reopenIfResolved === true;
    const next: ExceptionRecord = {
      ...current,
      ...(reopen
        ? {
            state: decideReopen(current),
            owner: input.owner,
            slaSeconds: input.slaSeconds,
            slaDueAt: slaDueAt(now, input.slaSeconds),
          }
        : {}),
      evidence: input.evidence,
      lastSeenAt: now,
      updatedAt: now,
      occurrences: current.occurrences + 1,
      ...(error === undefined ? {} : { lastError: error, firstError: current.firstError ?? error }),
      version: current.version + 1,
    };
    if (reopen) delete next.resolution;
    await this.write(next, current.version, { action: reopen ? 'reopened' : 'seen_again', actor, at: now });
    if (reopen) return { kind: 'reopened', exception: next };
    return { kind: current.state === 'resolved' ? 'resolved_unchanged' : 'updated', exception: next };
  }

  private async act(
    exceptionId: string,
    action: 'assign' | 'resolve',
    actor: AuditActor,
    at: string,
    note: string | undefined,
    change: (e: ExceptionRecord) => ExceptionRecord,
  ): Promise<ExceptionRecord> {
    const current = await this.get(exceptionId);
    if (current === undefined) throw new ExceptionNotFoundError(exceptionId);
    const decision = decideException(current.state, action);
    if (decision.kind === 'refused') throw new ExceptionStateError(decision.code, exceptionId);
    const next: ExceptionRecord = {
      ...change(current),
      state: decision.to,
      updatedAt: at,
      version: current.version + 1,
    };
    try {
      await this.write(next, current.version, {
        action,
        actor,
        at,
        ...(note === undefined ? {} : { note }),
        ...(next.assignee === undefined ? {} : { assignee: next.assignee }),
      });
    } catch (error) {
      if (isConditionFailure(error)) throw new ExceptionConflictError(exceptionId, error);
      throw error;
    }
    if (next.payoutId !== undefined) await this.notifyOwner(next.payoutId);
    return next;
  }

  private async write(
    exception: ExceptionRecord,
    expectedVersion: number | undefined,
    audit: Record<string, unknown> & { at: string },
  ): Promise<void> {
    const item = {
      pk: `EXC#${exception.exceptionId}`,
      sk: 'EXC',
      gsi1pk: `EXC#STATE#${exception.state}`,
      gsi1sk: `${exception.slaDueAt}#${exception.exceptionId}`,
      gsi2pk: 'EXC#ALL',
      gsi2sk: `${exception.openedAt}#${exception.exceptionId}`,
      ...exception,
    };
    const condition =
      expectedVersion === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } };
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.tableName, Item: item, ...condition } },
          {
            Put: {
              TableName: this.tableName,
              Item: {
                pk: `EXC#${exception.exceptionId}`,
                sk: `AUDIT#${audit.at}#${ulid()}`,
                exceptionId: exception.exceptionId,
                state: exception.state,
                ...audit,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          ...(exception.payoutId === undefined
            ? []
            : [
                {
                  Put: {
                    TableName: this.tableName,
                    Item: {
                      pk: `EXC_PAYOUT#${exception.payoutId}`,
                      sk: exception.exceptionId,
                      state: exception.state,
                      owner: exception.owner,
                      slaDueAt: exception.slaDueAt,
                      category: exception.category,
                    },
                  },
                },
              ]),
        ],
      }),
    );
  }

  private async notifyOwner(payoutId: string): Promise<void> {
    if (this.options.onPayoutOwnerChange === undefined) return;
    await this.options.onPayoutOwnerChange(payoutId, await this.exceptionOwnerOf(payoutId));
  }
}

function decideReopen(current: ExceptionRecord): ExceptionState {
  const decision = decideException(current.state, 'reopen');
  if (decision.kind === 'refused') throw new ExceptionStateError(decision.code, current.exceptionId);
  return decision.to;
}

function toRecord(item: Record<string, unknown>): ExceptionRecord {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g1s, gsi2pk: _g2, gsi2sk: _g2s, ...rest } = item;
  return rest as unknown as ExceptionRecord;
}
