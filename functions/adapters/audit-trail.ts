import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulidx';
import {
  AUDIT_ID_PREFIX,
  EMPTY_CHAIN,
  sealAuditRecord,
  type AuditEntry,
  type AuditRecord,
  type AuditSubject,
  type ChainHead,
} from '../domain/audit';
import {
  AUDIT_HEAD_SK,
  auditChainPk,
  auditHeadItem,
  auditMembersOf,
  auditRecordFromItem,
  auditRecordItem,
  auditRecordSk,
  chainHeadFromItem,
} from './audit-items';
import { cancellationCodes, hasTransactionConflict, itemConditionFailed, jitterSleep } from './dynamo-errors';
import type { TransactItem } from './ledger-writes';

/**
 * The audit trail's writes and chain reads (docs/audit.md). THE write API is `prepare`:
 *
 *   const audit = await trail.prepare(entry);           // reads the subject's chain head
 *   const auditAt = items.length;
 *   items.push(...audit.items);                         // record + head, into YOUR transaction
 *   … TransactWriteItems …
 *   catch: if (auditChainMoved(codes, auditAt)) → someone appended first: re-read and retry
 *
 * The two items: the record at seq = head + 1 (`attribute_not_exists`: no second record in that
 * place, so the chain never forks) and the new head, conditional on the head that was read (so a
 * record is appended only after the one it names as prev_hash, never beside it). Both ride in the
 * same transaction as the audited change: the change and its record commit together or not at all,
 * so no change goes unaudited and no record claims a change that did not happen.
 *
 * `append` is for what is audited but writes nothing else (operator reads, redrives): the same two
 * items alone, retried when the head moved.
 */
export const AUDIT_ITEMS_PER_APPEND = 2;
/**
 * Attempts of a stand-alone append whose chain head moved between the read and the write. Each
 * round one of the racing writers wins, so N writers at once on one chain need up to N attempts:
 * ten covers the operators who might read one payout in the same second, with full jitter between
 * attempts so they do not collide again in step. Beyond it the caller gets AuditChainContendedError.
 */
export const AUDIT_APPEND_ATTEMPTS_MAX = 10;
export const AUDIT_APPEND_RETRY_DELAY_MS_MAX = 100;
/** Records read per Query page of one chain. */
const CHAIN_PAGE_RECORDS_MAX = 500;

export interface AuditAppend {
  /** The sealed record (audit_id, seq, prev_hash, hash), as it will be stored. */
  readonly record: AuditRecord;
  /** Put the record, put the head: add both to the transaction of the audited change. */
  readonly items: readonly [TransactItem, TransactItem];
}

/** A canceled transaction failed on the audit items placed at `index`: the chain moved under it. */
export function auditChainMoved(codes: readonly string[], index: number): boolean {
  return index >= 0 && (itemConditionFailed(codes, index) || itemConditionFailed(codes, index + 1));
}

/** Another writer kept appending to the same chain: the caller may retry the whole action later. */
export class AuditChainContendedError extends Error {
  constructor(subject: AuditSubject, attempts: number, options?: { cause?: unknown }) {
    super(`audit chain ${subject.type}:${subject.id} kept moving under ${attempts} append attempts`, options);
    this.name = 'AuditChainContendedError';
  }
}

export interface AuditTrailOptions {
  /** `aud_<ULID>`; injected so tests can name records. */
  newAuditId?: () => string;
}

export class AuditTrail {
  private readonly newAuditId: () => string;

  constructor(
    readonly client: DynamoDBDocumentClient,
    readonly tableName: string,
    options: AuditTrailOptions = {},
  ) {
    this.newAuditId = options.newAuditId ?? (() => `${AUDIT_ID_PREFIX}${ulid()}`);
  }

  /** The subject's chain head. Consistent: the next record's condition is on exactly this head. */
  async head(subject: AuditSubject): Promise<ChainHead> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: auditChainPk(subject), sk: AUDIT_HEAD_SK },
        ConsistentRead: true,
      }),
    );
    return chainHeadFromItem(Item) ?? EMPTY_CHAIN;
  }

  /** Reads the subject's head and returns the two items that append `entry` after it (see above). */
  async prepare(entry: AuditEntry): Promise<AuditAppend> {
    return this.appendAfter(await this.head(entry.subject), entry);
  }

  /**
   * The two items that append `entry` after `head`, without a read: for a subject that cannot have
   * a chain yet (a payout being created: its id is new), pass EMPTY_CHAIN.
   */
  appendAfter(head: ChainHead, entry: AuditEntry): AuditAppend {
    const record = sealAuditRecord(entry, head, this.newAuditId());
    const recordPut: TransactItem = {
      Put: {
        TableName: this.tableName,
        Item: auditRecordItem(record),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
    const headPut: TransactItem = {
      Put: { TableName: this.tableName, Item: auditHeadItem(record), ...headCondition(head) },
    };
    return { record, items: [recordPut, headPut] };
  }

  /** Appends an entry that goes with no other write, retrying while other writers move the head. */
  async append(entry: AuditEntry): Promise<AuditRecord> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= AUDIT_APPEND_ATTEMPTS_MAX; attempt++) {
      const audit = await this.prepare(entry);
      try {
        await this.client.send(new TransactWriteCommand({ TransactItems: [...audit.items] }));
        return audit.record;
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes === undefined || (!auditChainMoved(codes, 0) && !hasTransactionConflict(codes))) throw error;
        lastError = error;
        if (attempt < AUDIT_APPEND_ATTEMPTS_MAX) await jitterSleep(AUDIT_APPEND_RETRY_DELAY_MS_MAX);
      }
    }
    throw new AuditChainContendedError(entry.subject, AUDIT_APPEND_ATTEMPTS_MAX, { cause: lastError });
  }

  /**
   * The records of a chain with seq in [fromSeq, toSeq], in stored (sk) order, read consistently.
   * `strict: false` keeps whatever members an item has (verification judges them); strict reads
   * throw on an item that is not a record.
   */
  async chainRecords(
    subject: AuditSubject,
    fromSeq: number,
    toSeq: number,
    options: { strict: boolean },
  ): Promise<AuditRecord[]> {
    const records: AuditRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': auditChainPk(subject),
            ':from': auditRecordSk(Math.max(fromSeq, 1)),
            ':to': auditRecordSk(toSeq),
          },
          ConsistentRead: true,
          Limit: CHAIN_PAGE_RECORDS_MAX,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      for (const item of page.Items ?? [])
        records.push(options.strict ? auditRecordFromItem(item) : auditMembersOf(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return records;
  }

  /** The stored head item as it is (undefined when the chain has none), for verification. */
  async storedHead(subject: AuditSubject): Promise<ChainHead | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: auditChainPk(subject), sk: AUDIT_HEAD_SK },
        ConsistentRead: true,
      }),
    );
    return Item === undefined ? undefined : { seq: Number(Item['seq']), hash: String(Item['hash']) };
  }
}

function headCondition(head: ChainHead): {
  ConditionExpression: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
} {
  // The first record of a chain: there must be no head yet (two first records would fork it).
  if (head.seq === 0) return { ConditionExpression: 'attribute_not_exists(pk)' };
  // `hash` is a DynamoDB reserved word, hence the names.
  return {
    ConditionExpression: '#seq = :seq AND #hash = :hash',
    ExpressionAttributeNames: { '#seq': 'seq', '#hash': 'hash' },
    ExpressionAttributeValues: { ':seq': head.seq, ':hash': head.hash },
  };
}
