import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { UploadRecord, UploadRecordsPort } from '../app/batch-uploads/read-upload';
import type { UploadFormat } from '../domain/batch-upload-limits';

/*
 * Upload records in OPERATIONS_TABLE:
 *
 *   upload  pk UPLOAD#<tenantId>#<uploadId>  sk UPLOAD   expiresAtEpochSeconds (TTL)
 *
 * The tenant is part of the key, so another tenant's upload id finds nothing: it reads as not
 * found without a tenant comparison that could be forgotten.
 */
const UPLOAD_SK = 'UPLOAD';
const uploadPk = (tenantId: string, uploadId: string) => `UPLOAD#${tenantId}#${uploadId}`;

export class BatchUploadRecords implements UploadRecordsPort {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly operationsTable: string,
  ) {}

  /** Conditional on a new key: an id is minted once, and a collision must fail loudly, not overwrite. */
  async create(record: UploadRecord, expiresAtEpochSeconds: number): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.operationsTable,
        Item: {
          pk: uploadPk(record.tenantId, record.uploadId),
          sk: UPLOAD_SK,
          entity: 'batch_upload',
          ...record,
          expiresAtEpochSeconds,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  /** Consistent: POST /batches may come a second after the upload was requested. */
  async get(tenantId: string, uploadId: string): Promise<UploadRecord | undefined> {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.operationsTable,
        Key: { pk: uploadPk(tenantId, uploadId), sk: UPLOAD_SK },
        ConsistentRead: true,
      }),
    );
    const item = out.Item;
    if (item === undefined) return undefined;
    return {
      tenantId: String(item['tenantId']),
      uploadId: String(item['uploadId']),
      format: item['format'] as UploadFormat,
      bytesMax: Number(item['bytesMax']),
      createdAt: String(item['createdAt']),
      expiresAt: String(item['expiresAt']),
    };
  }
}
