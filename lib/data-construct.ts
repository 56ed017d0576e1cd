import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type * as iam from 'aws-cdk-lib/aws-iam';
import {
  addAuditIndexes,
  addAwaitingProviderIndex,
  addInboxBacklogIndex,
  addReconDayIndex,
  addOverloadedIndexes,
  defaultTableProps,
} from './defaults/dynamodb-defaults';
import { defaultBucketProps } from './defaults/s3-defaults';
import { pinLogicalId } from './logical-id';

// Tables and buckets exactly as docs/contracts.md names them. Logical ids are pinned to the
// contract names because the local twin reads them from the synthesized template.

/** TTL attribute of Powertools idempotency records (Powertools' own default name). */
export const IDEMPOTENCY_TTL_ATTRIBUTE = 'expiration';
/** TTL attribute of inbox and operations items that age out. */
export const EXPIRES_AT_ATTRIBUTE = 'expiresAtEpochSeconds';

export class DataConstruct extends Construct {
  readonly payoutsTable: dynamodb.Table;
  readonly ledgerTable: dynamodb.Table;
  readonly idempotencyTable: dynamodb.Table;
  readonly inboxTable: dynamodb.Table;
  readonly operationsTable: dynamodb.Table;
  readonly auditTable: dynamodb.Table;
  readonly recipientsTable: dynamodb.Table;
  /** The master key of recipients' account numbers and tax ids (adapters/recipients/envelope.ts). */
  readonly recipientDataKey: kms.Key;
  readonly accessLogsBucket: s3.Bucket;
  readonly evidenceBucket: s3.Bucket;
  readonly exportsBucket: s3.Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.payoutsTable = this.singleTable('PayoutsTable');
    // The sweeper's cross-tenant view of payouts in flight (sparse; payouts-repository.ts).
    addAwaitingProviderIndex(this.payoutsTable);
    // One day's payouts across tenants, for the nightly reconciliation (sparse by construction).
    addReconDayIndex(this.payoutsTable);
    this.ledgerTable = this.singleTable('LedgerTable');
    this.inboxTable = this.singleTable('InboxTable', EXPIRES_AT_ATTRIBUTE);
    // The webhook backlog: events received and not applied yet (sparse; inbox-repository.ts).
    addInboxBacklogIndex(this.inboxTable);
    this.operationsTable = this.singleTable('OperationsTable', EXPIRES_AT_ATTRIBUTE);
    // The audit trail (docs/audit.md): no TTL, ever — records are kept as long as the money they describe.
    this.auditTable = new dynamodb.Table(this, 'AuditTable', {
      ...defaultTableProps(),
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
    });
    addAuditIndexes(this.auditTable);
    pinLogicalId(this.auditTable, 'AuditTable');
    // Recipients, their tax forms and screening cases (functions/domain/compliance/contract.ts): no TTL,
    // tax forms are kept as long as the payments they document (IRS: at least 4 years).
    this.recipientsTable = this.singleTable('RecipientsTable');
    // Envelope encryption of account numbers and tax ids: the table's AWS-managed encryption protects the
    // disk, this key protects the values from anyone who can read the table but holds no grant on the key.
    this.recipientDataKey = new kms.Key(this, 'RecipientDataKey', {
      description: "Wraps the data keys of recipients' account numbers and tax ids",
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    pinLogicalId(this.recipientDataKey, 'RecipientDataKey');
    this.idempotencyTable = new dynamodb.Table(this, 'IdempotencyTable', {
      ...defaultTableProps(),
      // Powertools' record layout: partition key `id` only.
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: IDEMPOTENCY_TTL_ATTRIBUTE,
    });
    pinLogicalId(this.idempotencyTable, 'IdempotencyTable');

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogsBucket', defaultBucketProps({ versioned: false }));
    pinLogicalId(this.accessLogsBucket, 'AccessLogsBucket');
    this.evidenceBucket = this.loggedBucket('EvidenceBucket');
    this.exportsBucket = this.loggedBucket('ExportsBucket');
  }

  /**
   * What a function that audits needs of AUDIT_TABLE: read a chain head, put a record and the new
   * head. Not UpdateItem, DeleteItem or BatchWriteItem: no writer can edit or remove a record
   * (a Put over an existing one is refused by the record's own condition).
   */
  grantAuditAppend(grantee: iam.IGrantable): void {
    this.auditTable.grant(grantee, 'dynamodb:GetItem', 'dynamodb:PutItem');
  }

  /** Seal (GenerateDataKey) and open (Decrypt) recipients' secrets: only for the functions that need clear values. */
  grantRecipientSecrets(grantee: iam.IGrantable, use: 'seal' | 'seal_and_open'): void {
    this.recipientDataKey.grant(grantee, 'kms:GenerateDataKey');
    if (use === 'seal_and_open') this.recipientDataKey.grant(grantee, 'kms:Decrypt');
  }

  /** `pk`/`sk` table with the overloaded `gsi1`/`gsi2` indexes. */
  private singleTable(logicalId: string, timeToLiveAttribute?: string): dynamodb.Table {
    const table = new dynamodb.Table(this, logicalId, {
      ...defaultTableProps(),
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      ...(timeToLiveAttribute ? { timeToLiveAttribute } : {}),
    });
    addOverloadedIndexes(table);
    pinLogicalId(table, logicalId);
    return table;
  }

  /** Versioned bucket (it holds evidence or exports) that logs access to AccessLogsBucket. */
  private loggedBucket(logicalId: string): s3.Bucket {
    const bucket = new s3.Bucket(
      this,
      logicalId,
      defaultBucketProps({
        versioned: true,
        serverAccessLogsBucket: this.accessLogsBucket,
        serverAccessLogsPrefix: `${logicalId}/`,
      }),
    );
    pinLogicalId(bucket, logicalId);
    return bucket;
  }
}
