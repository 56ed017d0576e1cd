import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  decideException,
  exceptionIdOf,
  ExceptionStateError,
  payoutExceptionOwner,
  slaDueAt,
  type ExceptionOwner,
  type ExceptionState,
} from '../domain/exceptions';
import type { AuditEntry, AuditRecord } from '../domain/audit';
import { auditActorOf } from '../domain/audit-entries';
import type { AuditTrail } from './audit-trail';
import { decodeCursor, encodeCursor, ISO_INSTANT_IN_KEY, type CursorShape } from './cursor';
import { isConditionFailure } from './dynamo-errors';
import {
  ExceptionConflictError,
  ExceptionNotFoundError,
  LIST_LIMIT_DEFAULT,
  LIST_LIMIT_MAX,
  type ExceptionActor,
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
 *   payout link pk EXC_PAYOUT#<payoutId>     sk <exceptionId>                  (state/owner/due, read consistently
 *                                                                                to derive the payout's exceptionOwner)
 *
 * Every write is a transaction of the exception, its audit record (AUDIT_TABLE, the exception's own
 * chain: audit-trail.ts) and its payout link, conditional on the version read: two operators
 * resolving at once cannot both win, and an audit record exists exactly when its change does.
 */

/** Filters apply after DynamoDB's Limit, so a filtered page may need several reads; bounded. */
const LIST_QUERY_PAGES_MAX = 10;
/** Two writers racing to open the same exception: the loser re-reads and updates. */
const WRITE_ATTEMPTS_MAX = 3;

export interface ExceptionsRepositoryOptions {
  /** Where every change is audited, in the change's own transaction. */
  audit: AuditTrail;
  /** Called after a change that may move the payout's owner; the payouts repository can denormalize it. */
  onPayoutOwnerChange?: (payoutId: string, owner: ExceptionOwner | undefined) => Promise<void>;
}

const SYSTEM_ACTOR: ExceptionActor = { kind: 'system', id: 'system' };

/** The audited change of one write: what the trail records beside the exception. */
export interface ExceptionChange {
  action: 'opened' | 'seen_again' | 'reopened' | 'assign' | 'resolve';
  actor: ExceptionActor;
  at: string;
  requestId?: string;
  note?: string;
  /** A resolution's fixing correction (ops-corrections), when the operator named one. */
  correctionId?: string;
}
const AUDIT_ACTION_OF = {
  opened: 'exception.opened',
  seen_again: 'exception.seen_again',
  reopened: 'exception.reopened',
  assign: 'exception.assigned',
  resolve: 'exception.resolved',
} as const satisfies Record<ExceptionChange['action'], AuditEntry['action']>;
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
    private readonly options: ExceptionsRepositoryOptions,
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
        const change = { actor, at: now, ...(input.requestId === undefined ? {} : { requestId: input.requestId }) };
        const result =
          current === undefined
            ? await this.insert(exceptionId, input, change)
            : await this.refresh(current, input, change);
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
    actor: ExceptionActor;
    requestId?: string;
    now: Timestamp;
  }): Promise<ExceptionRecord> {
    const change = { action: 'assign' as const, actor: input.actor, at: iso(input.now), ...optional(input) };
    return this.act(input.exceptionId, change, (e) => ({
      ...e,
      assignee: input.assignee,
      ...(input.owner === undefined ? {} : { owner: input.owner }),
    }));
  }

  /** `correctionId`: the applied correction that fixed it, kept on the resolution and its audit record. */
  async resolve(input: {
    exceptionId: string;
    note: string;
    actor: ExceptionActor;
    requestId?: string;
    now: Timestamp;
    correctionId?: string;
  }): Promise<ExceptionRecord> {
    const at = iso(input.now);
    const fixedBy = input.correctionId === undefined ? {} : { correctionId: input.correctionId };
    const change = { action: 'resolve' as const, actor: input.actor, at, ...optional(input), ...fixedBy };
    return this.act(input.exceptionId, change, (e) => ({
      ...e,
      resolution: { note: input.note, by: input.actor.id, at, ...fixedBy },
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

  /** The exception's audit trail, oldest first: every open, sighting, assignment and resolution. */
  history(exceptionId: string): Promise<AuditRecord[]> {
    return this.options.audit.chainRecords(exceptionSubject(exceptionId), 1, Number.MAX_SAFE_INTEGER, { strict: true });
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
    change: Omit<ExceptionChange, 'action'>,
  ): Promise<OpenOrUpdateResult> {
    const now = change.at;
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
      ...(input.batchId === undefined ? {} : { batchId: input.batchId, itemCount: 0 }),
      ...(error === undefined ? {} : { firstError: error, lastError: error }),
      version: 1,
    };
    await this.write(exception, undefined, { ...change, action: 'opened' });
    return { kind: 'opened', exception };
  }

  private async refresh(
    current: ExceptionRecord,
    input: OpenOrUpdateInput,
    change: Omit<ExceptionChange, 'action'>,
  ): Promise<OpenOrUpdateResult> {
    const now = change.at;
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
    await this.write(next, current.version, { ...change, action: reopen ? 'reopened' : 'seen_again' });
    if (reopen) return { kind: 'reopened', exception: next };
    return { kind: current.state === 'resolved' ? 'resolved_unchanged' : 'updated', exception: next };
  }

  private async act(
    exceptionId: string,
    change: ExceptionChange & { action: 'assign' | 'resolve' },
    apply: (e: ExceptionRecord) => ExceptionRecord,
  ): Promise<ExceptionRecord> {
    const current = await this.get(exceptionId);
    if (current === undefined) throw new ExceptionNotFoundError(exceptionId);
    const decision = decideException(current.state, change.action);
    if (decision.kind === 'refused') throw new ExceptionStateError(decision.code, exceptionId);
    const next: ExceptionRecord = {
      ...apply(current),
      state: decision.to,
      updatedAt: change.at,
      version: current.version + 1,
    };
    try {
      await this.write(next, current.version, change);
    } catch (error) {
      if (isConditionFailure(error)) throw new ExceptionConflictError(exceptionId, error);
      throw error;
    }
    if (next.payoutId !== undefined) await this.notifyOwner(next.payoutId);
    return next;
  }

  /**
   * The exception, its audit record and its payout link in one transaction. Anyone who appends to
   * the exception's chain also changes the exception, so a moved chain head means a moved version:
   * both fail as a condition failure and are retried (openOrUpdate) or refused as a conflict (act).
   */
  private async write(
    exception: ExceptionRecord,
    expectedVersion: number | undefined,
    change: ExceptionChange,
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
    const audit = await this.options.audit.prepare(exceptionAuditEntry(exception, change));
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.tableName, Item: item, ...condition } },
          ...audit.items,
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

const exceptionSubject = (exceptionId: string) => ({ type: 'exception' as const, id: exceptionId });

const optional = (input: { note?: string; requestId?: string }) => ({
  ...(input.note === undefined ? {} : { note: input.note }),
  ...(input.requestId === undefined ? {} : { requestId: input.requestId }),
});

/** The trail's record of one exception change; exported so the simulation's in-memory store writes the same. */
export function exceptionAuditEntry(exception: ExceptionRecord, change: ExceptionChange): AuditEntry {
  return {
    at: change.at,
    actor: auditActorOf(change.actor, null),
    action: AUDIT_ACTION_OF[change.action],
    subject: exceptionSubject(exception.exceptionId),
    // Exceptions name a payout, not its tenant; the payout's own trail carries the tenant.
    tenant_id: null,
    request_id: change.requestId ?? null,
    outcome: 'applied',
    details: {
      state: exception.state,
      category: exception.category,
      owner: exception.owner,
      version: exception.version,
      occurrences: exception.occurrences,
      payout_id: exception.payoutId,
      assignee: exception.assignee,
      note: change.note,
      correction_id: change.correctionId,
    },
  };
}
