import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CorrectionRecord, CorrectionState } from '../domain/corrections';
import type { Posting } from '../domain/ledger';
import { isAwaitingProvider } from '../domain/lifecycle';
import type { AuditEntry } from '../domain/audit';
import { payoutSubject } from '../domain/audit-entries';
import type { Payout, TimelineEntry } from '../domain/payout';
import { decodeCursor, encodeCursor, ISO_INSTANT_IN_KEY, type CursorShape } from './cursor';
import { ActionKeyTakenError, lockRefused } from './action-keys';
import { AUDIT_APPEND_ATTEMPTS_MAX, AuditChainContendedError, auditChainMoved } from './audit-trail';
import { cancellationCodes, hasTransactionConflict, itemConditionFailed, jitterSleep } from './dynamo-errors';
import { ledgerCopyClauses, updateExpressionOf, type UpdateClauses } from './ledger-copy';
import { journalWrites, type TransactItem } from './ledger-writes';
import { PAYOUT_SK, payoutPk, tenantStatusGsiPk } from './payout-items';
import type { PayoutsStore } from './payouts-store';

/*
 * Corrections in OPERATIONS_TABLE (beside exceptions):
 *
 *   correction  pk CORR#<correctionId>   sk CORR
 *               gsi1pk CORR#STATE#<state>      gsi1sk <proposedAt>#<correctionId>   (a state's queue, oldest first)
 *               gsi2pk CORR#PAYOUT#<payoutId>  gsi2sk <proposedAt>#<correctionId>   (a payout's corrections)
 *
 * Every write is one transaction with its audit record and chain head (AUDIT_TABLE, the payout's
 * chain: audit-trail.ts), conditional on the record's version, so two approvers cannot both win and
 * the audit record exists exactly when the change does. Applying also writes the payout, its timeline entry and its journal entry and balances
 * (LEDGER_TABLE), conditional on the payout's status and version: a webhook that moved the payout
 * in between cancels the whole transaction instead of interleaving with it.
 */
/** Filters apply after DynamoDB's Limit, so a filtered page may need several reads; bounded. */
const LIST_QUERY_PAGES_MAX = 10;
/**
 * Attempts of a write that lost a race with every condition of its own holding: another transaction
 * held an item (TransactionConflict: a hot balance), or appended to the payout's audit chain first
 * (an operator's read, a webhook's record). As many as a stand-alone append gets (audit-trail.ts).
 */
export const WRITE_ATTEMPTS_MAX = AUDIT_APPEND_ATTEMPTS_MAX;
export const WRITE_RETRY_DELAY_MS_MAX = 100;

const correctionPk = (correctionId: string) => `CORR#${correctionId}`;
const CORRECTION_SK = 'CORR';
const stateGsiPk = (state: CorrectionState) => `CORR#STATE#${state}`;
const payoutGsiPk = (payoutId: string) => `CORR#PAYOUT#${payoutId}`;

/** The one error hierarchy of this repository; each sets `name` and carries `cause`. */
export class CorrectionsRepositoryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CorrectionsRepositoryError';
  }
}
/** The payout's status or version is no longer the one the write was decided on. */
export class PayoutChangedError extends CorrectionsRepositoryError {
  constructor(payoutId: string, options?: { cause?: unknown }) {
    super(`payout ${payoutId} changed while the correction was being written`, options);
    this.name = 'PayoutChangedError';
  }
}
/** The correction record changed (another operator decided it first). */
export class CorrectionChangedError extends CorrectionsRepositoryError {
  constructor(correctionId: string, options?: { cause?: unknown }) {
    super(`correction ${correctionId} changed concurrently`, options);
    this.name = 'CorrectionChangedError';
  }
}
export class InvalidCorrectionCursorError extends CorrectionsRepositoryError {
  constructor(options?: { cause?: unknown }) {
    super('cursor is not valid for this query', options);
    this.name = 'InvalidCorrectionCursorError';
  }
}

export interface ListCorrectionsInput {
  state?: CorrectionState;
  payoutId?: string;
  limit: number;
  cursor?: string;
}

/** What approving writes, beside the correction record itself (decided by app/corrections). */
export interface CorrectionApplication {
  /** The payout as read; the write is conditional on its status and version. */
  payout: Payout;
  /** The payout as it will be (status, version + 1, correction marker, request ids). */
  next: Payout;
  postings: readonly Posting[];
  timeline: TimelineEntry;
  audit: AuditEntry;
}

function cursorShape(index: 'gsi1' | 'gsi2', partition: string): CursorShape {
  const correctionId = 'cor_[0-9A-HJKMNP-TV-Z]{26}';
  return {
    attributes: [
      { name: 'pk', role: 'partition', pattern: new RegExp(`^CORR#${correctionId}$`) },
      { name: 'sk', role: 'sort', pattern: /^CORR$/ },
      { name: `${index}pk`, role: 'partition', pattern: /^CORR#/ },
      { name: `${index}sk`, role: 'sort', pattern: new RegExp(`^${ISO_INSTANT_IN_KEY}#${correctionId}$`) },
    ],
    partition: { name: `${index}pk`, value: partition },
  };
}

/** Reads only: what ops-exceptions needs to check the correction a resolution names. */
export class CorrectionsReader {
  constructor(
    protected readonly client: DynamoDBDocumentClient,
    protected readonly operationsTable: string,
  ) {}

  async get(correctionId: string): Promise<CorrectionRecord | undefined> {
    // Consistent: an approver acting right after a proposal must see it, and its current state.
    const out = await this.client.send(
      new GetCommand({
        TableName: this.operationsTable,
        Key: { pk: correctionPk(correctionId), sk: CORRECTION_SK },
        ConsistentRead: true,
      }),
    );
    return out.Item === undefined ? undefined : recordOf(out.Item);
  }

  /**
   * A payout's corrections (gsi2, filtered by state when given), or one state's queue (gsi1). Both
   * oldest first: the queue is worked in the order it was proposed.
   */
  async list(input: ListCorrectionsInput): Promise<{ items: CorrectionRecord[]; nextCursor?: string }> {
    const byPayout = input.payoutId !== undefined;
    const index = byPayout ? 'gsi2' : 'gsi1';
    const partition = byPayout ? payoutGsiPk(input.payoutId!) : stateGsiPk(input.state ?? 'proposed');
    const filter = byPayout && input.state !== undefined;
    let startKey: Record<string, unknown> | undefined;
    if (input.cursor !== undefined) {
      try {
        startKey = decodeCursor(input.cursor, cursorShape(index, partition));
      } catch (error) {
        throw new InvalidCorrectionCursorError({ cause: error });
      }
    }
    const items: CorrectionRecord[] = [];
    for (let page = 0; page < LIST_QUERY_PAGES_MAX && items.length < input.limit; page++) {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.operationsTable,
          IndexName: index,
          KeyConditionExpression: `${index}pk = :pk`,
          ...(filter ? { FilterExpression: '#state = :state', ExpressionAttributeNames: { '#state': 'state' } } : {}),
          ExpressionAttributeValues: { ':pk': partition, ...(filter ? { ':state': input.state } : {}) },
          ScanIndexForward: true,
          Limit: input.limit - items.length,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      for (const item of out.Items ?? []) items.push(recordOf(item));
      startKey = out.LastEvaluatedKey;
      if (startKey === undefined) break;
    }
    return startKey === undefined ? { items } : { items, nextCursor: encodeCursor(startKey) };
  }
}

export class CorrectionsRepository extends CorrectionsReader {
  constructor(
    client: DynamoDBDocumentClient,
    operationsTable: string,
    private readonly payouts: PayoutsStore,
  ) {
    super(client, operationsTable);
  }

  /** The new record and its audit record, conditional on the payout being as it was read. */
  async propose(record: CorrectionRecord, payout: Payout, audit: AuditEntry, lock: TransactItem): Promise<void> {
    await this.send(record, payout, lock, async () => [
      {
        Put: { TableName: this.operationsTable, Item: itemOf(record), ConditionExpression: 'attribute_not_exists(pk)' },
      },
      { ConditionCheck: { TableName: this.payouts.payoutsTable, Key: payoutKey(payout), ...payoutCondition(payout) } },
      ...(await this.payouts.audit.prepare(audit)).items,
    ]);
  }

  /** A decision that changes only the record (reject): the record conditional on its version, and the audit. */
  async decide(
    current: CorrectionRecord,
    next: CorrectionRecord,
    audit: AuditEntry,
    lock: TransactItem,
  ): Promise<void> {
    await this.send(next, undefined, lock, async () => [
      this.recordPut(current, next),
      ...(await this.payouts.audit.prepare(audit)).items,
    ]);
  }

  /**
   * Approval and application in ONE transaction: the payout (status, version, correction marker),
   * its timeline entry, the audit record and chain head, the journal entry and balances, and the
   * record (applied). Item 0 is the payout and the last is the record, so a cancellation says which moved.
   */
  async apply(
    current: CorrectionRecord,
    next: CorrectionRecord,
    application: CorrectionApplication,
    lock: TransactItem,
  ): Promise<void> {
    const { payout } = application;
    const journal = {
      ledgerTable: this.payouts.ledgerTable,
      tenantId: payout.tenantId,
      payoutId: payout.payoutId,
      currency: payout.currency,
      version: application.next.version,
      event: application.timeline.event,
      postings: application.postings,
      recordedAt: application.timeline.at,
      sourceRef: application.timeline.sourceRef,
    };
    await this.send(next, payout, lock, async () => [
      {
        Update: {
          TableName: this.payouts.payoutsTable,
          Key: payoutKey(payout),
          // The journal's copy (ledger-copy.ts) in the payout's one Update of this transaction.
          ...payoutUpdate(payout, application.next, ledgerCopyClauses(journal)),
        },
      },
      this.payouts.timelinePut(application.timeline),
      ...(await this.payouts.audit.prepare(application.audit)).items,
      ...journalWrites(journal),
      this.recordPut(current, next),
    ]);
  }

  private recordPut(current: CorrectionRecord, next: CorrectionRecord): TransactItem {
    return {
      Put: {
        TableName: this.operationsTable,
        Item: itemOf(next),
        ConditionExpression: '#version = :expected AND #state = :expectedState',
        ExpressionAttributeNames: { '#version': 'version', '#state': 'state' },
        ExpressionAttributeValues: { ':expected': current.version, ':expectedState': current.state },
      },
    };
  }

  /**
   * Builds and sends one transaction. `build` prepares the audit items (reading the payout chain's
   * head) on every attempt. Precedence of a cancellation: the payout's condition failed →
   * PayoutChangedError; the audit chain moved (an operator's read or a transition appended to the
   * payout's chain: nothing about this decision changed) → built again and retried; any other
   * failed condition (the record) → CorrectionChangedError; a TransactionConflict with every
   * condition holding → retried. Up to WRITE_ATTEMPTS_MAX attempts, then AuditChainContendedError
   * (the chain kept moving) or the error itself. Before all: the action key lock failed →
   * ActionKeyTakenError (the idempotency primitive answers with the action that key applied).
   */
  private async send(
    record: CorrectionRecord,
    payout: Payout | undefined,
    lock: TransactItem,
    build: () => Promise<TransactItem[]>,
  ) {
    for (let attempt = 1; ; attempt++) {
      // The action key lock (action-keys.ts) last: a key that applied an action before fails it all.
      const items = [...(await build()), lock];
      const lockAt = items.length - 1;
      const payoutAt = items.findIndex((i) => (i.Update ?? i.ConditionCheck)?.TableName === this.payouts.payoutsTable);
      const auditAt = items.findIndex((i) => i.Put?.TableName === this.payouts.audit.tableName);
      try {
        await this.client.send(new TransactWriteCommand({ TransactItems: items }));
        return;
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes === undefined) throw error;
        if (lockRefused(codes, lockAt))
          throw new ActionKeyTakenError(String(lock.Put?.Item?.['scope']), { cause: error });
        if (payout !== undefined && itemConditionFailed(codes, payoutAt)) {
          throw new PayoutChangedError(payout.payoutId, { cause: error });
        }
        const chainMoved = auditChainMoved(codes, auditAt);
        const recordFailed = codes.some(
          (_, index) => index !== auditAt && index !== auditAt + 1 && itemConditionFailed(codes, index),
        );
        if (recordFailed) throw new CorrectionChangedError(record.correctionId, { cause: error });
        if (!chainMoved && !hasTransactionConflict(codes)) throw error;
        if (attempt >= WRITE_ATTEMPTS_MAX) {
          if (chainMoved) throw new AuditChainContendedError(payoutSubject(record.payoutId), attempt, { cause: error });
          throw error;
        }
        await jitterSleep(WRITE_RETRY_DELAY_MS_MAX);
      }
    }
  }
}

const payoutKey = (payout: Payout) => ({ pk: payoutPk(payout.payoutId), sk: PAYOUT_SK });

function payoutCondition(payout: Payout) {
  return {
    ConditionExpression: '#status = :expectedStatus AND #version = :expectedVersion',
    ExpressionAttributeNames: { '#status': 'status', '#version': 'version' } as Record<string, string>,
    ExpressionAttributeValues: { ':expectedStatus': payout.status, ':expectedVersion': payout.version } as Record<
      string,
      unknown
    >,
  };
}

/**
 * Sets only what a correction owns — status (with its index key and the awaiting keys), version,
 * lastEventAt, statusReason, request ids and the correction marker — so `exceptionOwner` and
 * `reconciledAt`, kept by other modules, survive (as payout-transitions.ts does for transitions).
 */
function payoutUpdate(payout: Payout, next: Payout, ledgerCopy: UpdateClauses) {
  const condition = payoutCondition(payout);
  const names = condition.ExpressionAttributeNames;
  const values = condition.ExpressionAttributeValues;
  const sets = [
    '#version = :version',
    'requestIds = :requestIds',
    'correctionId = :correctionId',
    'correctedAt = :correctedAt',
  ];
  Object.assign(values, {
    ':version': next.version,
    ':requestIds': next.requestIds,
    ':correctionId': next.correctionId,
    ':correctedAt': next.correctedAt,
  });
  const removes: string[] = [];
  if (next.status !== payout.status) {
    sets.push('#status = :status', 'gsi2pk = :gsi2pk', 'lastEventAt = :lastEventAt');
    Object.assign(values, {
      ':status': next.status,
      ':gsi2pk': tenantStatusGsiPk(next.tenantId, next.status),
      ':lastEventAt': next.lastEventAt,
    });
    // Correction targets are outcomes (corrections.ts), never awaiting the provider: out of the sweeper's index.
    if (isAwaitingProvider(next.status)) throw new Error(`a correction cannot set the awaiting status ${next.status}`);
    removes.push('gsi3pk', 'gsi3sk');
  }
  for (const name of ['statusReason', 'correctedStatus', 'statusCorrectionId'] as const) {
    if (next[name] !== undefined && next[name] !== payout[name]) {
      sets.push(`${name} = :${name}`);
      values[`:${name}`] = next[name];
    }
  }
  Object.assign(values, ledgerCopy.values);
  return {
    UpdateExpression: updateExpressionOf([...sets, ...ledgerCopy.sets], [...removes, ...ledgerCopy.removes]),
    ConditionExpression: condition.ConditionExpression,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

function itemOf(record: CorrectionRecord): Record<string, unknown> {
  const sortKey = `${record.proposedAt}#${record.correctionId}`;
  return {
    pk: correctionPk(record.correctionId),
    sk: CORRECTION_SK,
    entity: 'correction',
    gsi1pk: stateGsiPk(record.state),
    gsi1sk: sortKey,
    gsi2pk: payoutGsiPk(record.payoutId),
    gsi2sk: sortKey,
    ...record,
  };
}

function recordOf(item: Record<string, unknown>): CorrectionRecord {
  const { pk: _pk, sk: _sk, entity: _e, gsi1pk: _g1, gsi1sk: _g1s, gsi2pk: _g2, gsi2sk: _g2s, ...rest } = item;
  return rest as unknown as CorrectionRecord;
}
