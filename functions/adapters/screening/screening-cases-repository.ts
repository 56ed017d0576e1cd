import {
  GetCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../../domain/audit';
import type { RecipientKind, ScreeningSnapshot } from '../../domain/compliance/contract';
import type { ScreeningCase, ScreeningCaseState } from '../../domain/compliance/screening-case';
import type { AuditTrail } from '../audit-trail';
import { cancellationCodes, isConditionalCheckFailed } from '../dynamo-errors';

/**
 * Screening in RECIPIENTS_TABLE (functions/domain/compliance/contract.ts):
 *
 *   recipient   pk TENANT#<t>#RECIPIENT#<r>   sk RECIPIENT         `screening` (a ScreeningSnapshot) and
 *                                                                  `screeningVersion`: written only here (or, at version
 *                                                                  1, with the record's own put-if-absent:
 *                                                                  firstScreeningAttributes), each write conditioned
 *                                                                  on the version read
 *   case        pk TENANT#<t>#RECIPIENT#<r>   sk SCREENING#<caseId>
 *               gsi1pk SCREENING_CASE#<caseId>  gsi1sk CASE        (a case by its id alone: the ops routes)
 *               gsi2pk SCREENING#STATE#<state>  gsi2sk <openedAt>#<caseId>  (compliance's queue, oldest first)
 *
 * A case, its recipient's snapshot and its audit record are written in one transaction: a snapshot never names a
 * case that does not exist, and a decision exists exactly when its audit record does.
 */

/** What the screening reads of a recipient item (the recipients adapters write the rest of it). */
export interface ScreenableRecipient {
  tenantId: string;
  recipientId: string;
  kind: RecipientKind;
  name: string;
  /** ISO 3166-1 alpha-2. */
  country?: string;
  /** YYYY-MM-DD, individuals only. */
  dateOfBirth?: string;
  screening?: ScreeningSnapshot;
  /** 0 when the recipient was never screened. */
  screeningVersion: number;
}

/** The recipient's snapshot moved since it was read (another screening or decision): nothing was written. */
export class ScreeningSnapshotChangedError extends Error {
  constructor(
    readonly tenantId: string,
    readonly recipientId: string,
  ) {
    super(`recipient ${tenantId}/${recipientId}: its screening changed under this write`);
    this.name = 'ScreeningSnapshotChangedError';
  }
}

/** Cases per Query page of GET /ops/screening; the API's limit. */
export const SCREENING_CASES_PAGE_MAX = 100;

export const recipientPk = (tenantId: string, recipientId: string) => `TENANT#${tenantId}#RECIPIENT#${recipientId}`;
const RECIPIENT_SK = 'RECIPIENT';
const caseSk = (caseId: string) => `SCREENING#${caseId}`;

/**
 * The screening attributes of a record created already screened (RecipientsRepository.create): what recordClear
 * writes on a never-screened record (version 0 → 1), so every later write's version condition reads the same.
 */
export function firstScreeningAttributes(snapshot: ScreeningSnapshot): {
  screening: ScreeningSnapshot;
  screeningVersion: number;
} {
  return { screening: snapshot, screeningVersion: FIRST_SCREENING_VERSION };
}

const UNSCREENED_VERSION = 0;
const FIRST_SCREENING_VERSION = UNSCREENED_VERSION + 1;

export class ScreeningCasesRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly audit: AuditTrail,
  ) {}

  async getRecipient(tenantId: string, recipientId: string): Promise<ScreenableRecipient | undefined> {
    // Consistent: the version read is the condition of the next write.
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: recipientPk(tenantId, recipientId), sk: RECIPIENT_SK },
        ConsistentRead: true,
      }),
    );
    return Item === undefined ? undefined : recipientOf(Item);
  }

  /** One page of every recipient (the rescreen job): a Scan with the case items filtered out. */
  async scanRecipients(
    pageSize: number,
    cursor?: Record<string, unknown>,
  ): Promise<{ recipients: ScreenableRecipient[]; cursor?: Record<string, unknown> }> {
    const out = await this.client.send(
      new ScanCommand({
        TableName: this.tableName,
        Limit: pageSize,
        FilterExpression: 'sk = :recipient',
        ExpressionAttributeValues: { ':recipient': RECIPIENT_SK },
        ...(cursor === undefined ? {} : { ExclusiveStartKey: cursor }),
      }),
    );
    return {
      recipients: (out.Items ?? []).map(recipientOf),
      ...(out.LastEvaluatedKey === undefined ? {} : { cursor: out.LastEvaluatedKey }),
    };
  }

  /** A screening with no match: the snapshot only. */
  async recordClear(recipient: ScreenableRecipient, snapshot: ScreeningSnapshot): Promise<void> {
    try {
      await this.client.send(new UpdateCommand(this.snapshotUpdate(recipient, snapshot)));
    } catch (error) {
      if (isConditionalCheckFailed(error))
        throw new ScreeningSnapshotChangedError(recipient.tenantId, recipient.recipientId);
      throw error;
    }
  }

  async openCase(
    recipient: ScreenableRecipient,
    screeningCase: ScreeningCase,
    snapshot: ScreeningSnapshot,
    entry: AuditEntry,
  ): Promise<void> {
    const audit = await this.audit.prepare(entry);
    await this.transact(recipient, [
      {
        Put: {
          TableName: this.tableName,
          Item: caseItem(screeningCase),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      { Update: this.snapshotUpdate(recipient, snapshot) },
      ...audit.items,
    ]);
  }

  async decide(
    recipient: ScreenableRecipient,
    current: ScreeningCase,
    next: ScreeningCase,
    snapshot: ScreeningSnapshot,
    entry: AuditEntry,
  ): Promise<void> {
    const audit = await this.audit.prepare(entry);
    await this.transact(recipient, [
      {
        Put: {
          TableName: this.tableName,
          Item: caseItem(next),
          // Two operators deciding at once: one wins, the other meets a changed version.
          ConditionExpression: 'version = :read',
          ExpressionAttributeValues: { ':read': current.version },
        },
      },
      { Update: this.snapshotUpdate(recipient, snapshot) },
      ...audit.items,
    ]);
  }

  async getCase(caseId: string): Promise<ScreeningCase | undefined> {
    const found = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :case',
        ExpressionAttributeValues: { ':case': `SCREENING_CASE#${caseId}` },
        ProjectionExpression: 'pk, sk',
      }),
    );
    const key = found.Items?.[0];
    if (key === undefined) return undefined;
    // The index is eventually consistent; the case itself is read consistently from the table.
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: key.pk, sk: key.sk }, ConsistentRead: true }),
    );
    return Item === undefined ? undefined : caseOf(Item);
  }

  async listCases(
    state: ScreeningCaseState,
    limit: number,
    cursor?: Record<string, unknown>,
  ): Promise<{ cases: ScreeningCase[]; cursor?: Record<string, unknown> }> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :state',
        ExpressionAttributeValues: { ':state': `SCREENING#STATE#${state}` },
        Limit: Math.min(limit, SCREENING_CASES_PAGE_MAX),
        ...(cursor === undefined ? {} : { ExclusiveStartKey: cursor }),
      }),
    );
    return {
      cases: (out.Items ?? []).map(caseOf),
      ...(out.LastEvaluatedKey === undefined ? {} : { cursor: out.LastEvaluatedKey }),
    };
  }

  private snapshotUpdate(recipient: ScreenableRecipient, snapshot: ScreeningSnapshot) {
    return {
      TableName: this.tableName,
      Key: { pk: recipientPk(recipient.tenantId, recipient.recipientId), sk: RECIPIENT_SK },
      UpdateExpression: 'SET screening = :snapshot, screeningVersion = :next',
      // The recipient must exist (screening never creates one), and nobody screened or decided it since the read.
      ConditionExpression:
        recipient.screeningVersion === UNSCREENED_VERSION
          ? 'attribute_exists(pk) AND attribute_not_exists(screeningVersion)'
          : 'attribute_exists(pk) AND screeningVersion = :read',
      ExpressionAttributeValues: {
        ':snapshot': snapshot,
        ':next': recipient.screeningVersion + 1,
        ...(recipient.screeningVersion === UNSCREENED_VERSION ? {} : { ':read': recipient.screeningVersion }),
      },
    };
  }

  private async transact(recipient: ScreenableRecipient, items: NonNullable<unknown>[]): Promise<void> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items as never }));
    } catch (error) {
      if (cancellationCodes(error) !== undefined) {
        throw new ScreeningSnapshotChangedError(recipient.tenantId, recipient.recipientId);
      }
      throw error;
    }
  }
}

function recipientOf(item: Record<string, unknown>): ScreenableRecipient {
  const recipient: ScreenableRecipient = {
    tenantId: String(item.tenantId),
    recipientId: String(item.recipientId),
    kind: item.kind === 'business' ? 'business' : 'individual',
    name: String(item.name ?? ''),
    screeningVersion: typeof item.screeningVersion === 'number' ? item.screeningVersion : 0,
  };
  if (typeof item.country === 'string') recipient.country = item.country;
  if (typeof item.dateOfBirth === 'string') recipient.dateOfBirth = item.dateOfBirth;
  if (item.screening !== undefined) recipient.screening = item.screening as ScreeningSnapshot;
  return recipient;
}

function caseItem(screeningCase: ScreeningCase): Record<string, unknown> {
  return {
    pk: recipientPk(screeningCase.tenantId, screeningCase.recipientId),
    sk: caseSk(screeningCase.caseId),
    gsi1pk: `SCREENING_CASE#${screeningCase.caseId}`,
    gsi1sk: 'CASE',
    gsi2pk: `SCREENING#STATE#${screeningCase.state}`,
    gsi2sk: `${screeningCase.openedAt}#${screeningCase.caseId}`,
    ...screeningCase,
  };
}

function caseOf(item: Record<string, unknown>): ScreeningCase {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g1s, gsi2pk: _g2, gsi2sk: _g2s, ...rest } = item;
  return rest as unknown as ScreeningCase;
}
