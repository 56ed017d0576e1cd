import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isScope, isTenantRole, type TenantRole } from '../shared/access-matrix';
import {
  TENANT_CLIENT_PK_PREFIX,
  TENANT_CLIENT_SK,
  mappingKey,
  mappingOf,
  type TenantClientMapping,
  type TenantClientStatus,
} from './tenant-mapping';
import { TENANT_DIRECTORY_PK, type Scope } from '../shared/names';
import { cancellationCodes } from './dynamo-errors';

export { TENANT_CLIENT_PK_PREFIX, TENANT_CLIENT_SK, type TenantClientMapping, type TenantClientStatus };

// The tenant ↔ app client mapping in the operations table. Two items per client, written and
// changed together in one transaction:
//   pk=TENANT_CLIENT#<clientId>  sk=TENANT_CLIENT           — what the pre-token trigger reads per token
//   pk=TENANTS                   sk=<tenant>#<role>#<client> — the directory `npm run tenants -- list` reads
// One partition for the directory is fine: it changes at provisioning speed and holds one item per
// client, so a Query replaces a Scan of a table full of exceptions and runs.

export { TENANT_DIRECTORY_PK };
/** DynamoDB's own cap on a TransactWriteItems call; a tenant has 3 clients × 2 items. */
const TRANSACTION_ITEMS_MAX = 100;

type TransactItems = NonNullable<TransactWriteCommand['input']['TransactItems']>;

export interface TenantClientRecord {
  tenantId: string;
  role: TenantRole;
  clientId: string;
  clientName: string;
  status: TenantClientStatus;
  /** The app client's allowed scopes, as provisioned (the matrix's for the role, or fewer). */
  scopes: Scope[];
  /** Where the client secret is: a Secrets Manager ARN, or the twin's file. Never the secret. */
  secretLocation: string;
  createdAt: string;
  disabledAt?: string;
}

export class TenantDirectoryError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TenantDirectoryError';
    this.code = code;
  }
}

const directoryKey = (record: Pick<TenantClientRecord, 'tenantId' | 'role' | 'clientId'>) => ({
  pk: TENANT_DIRECTORY_PK,
  sk: `${record.tenantId}#${record.role}#${record.clientId}`,
});

function recordOf(item: Record<string, unknown>): TenantClientRecord | undefined {
  const mapping = mappingOf(item);
  const clientId = item['clientId'];
  if (mapping === undefined || !isTenantRole(mapping.role) || typeof clientId !== 'string') return undefined;
  const scopes = Array.isArray(item['scopes']) ? item['scopes'].filter(isScope) : [];
  return {
    tenantId: mapping.tenantId,
    role: mapping.role,
    clientId,
    clientName: String(item['clientName'] ?? ''),
    status: mapping.status,
    scopes,
    secretLocation: String(item['secretLocation'] ?? ''),
    createdAt: String(item['createdAt'] ?? ''),
    ...(typeof item['disabledAt'] === 'string' ? { disabledAt: item['disabledAt'] } : {}),
  };
}

export class TenantDirectory {
  constructor(
    private readonly client: Pick<DynamoDBDocumentClient, 'send'>,
    private readonly tableName: string,
  ) {}

  /** The mapping of one app client, read consistently so a disable counts from the next token on. */
  async mappingOf(clientId: string): Promise<TenantClientMapping | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: mappingKey(clientId), ConsistentRead: true }),
    );
    return mappingOf(result.Item);
  }

  /** Every client of every tenant (or of one), oldest directory key first. */
  async list(tenantId?: string): Promise<TenantClientRecord[]> {
    const records: TenantClientRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: tenantId === undefined ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: {
            ':pk': TENANT_DIRECTORY_PK,
            ...(tenantId === undefined ? {} : { ':prefix': `${tenantId}#` }),
          },
          ConsistentRead: true,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      for (const item of page.Items ?? []) {
        const record = recordOf(item);
        if (record !== undefined) records.push(record);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return records;
  }

  /** Writes both items of every client at once; refuses (client_exists) if any of them is there already. */
  async add(records: readonly TenantClientRecord[]): Promise<void> {
    const items = records.flatMap((record) => {
      const attributes = { ...record, scopes: [...record.scopes] };
      return [mappingKey(record.clientId), directoryKey(record)].map((key) => ({
        Put: {
          TableName: this.tableName,
          Item: { ...key, ...attributes },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      }));
    });
    await this.transact(items, 'client_exists', 'a mapping for one of these clients exists already');
  }

  /** Moves every given client to `status` (both items), only if they exist. */
  async setStatus(records: readonly TenantClientRecord[], status: TenantClientStatus, at: string): Promise<void> {
    const items = records.flatMap((record) =>
      [mappingKey(record.clientId), directoryKey(record)].map((key) => ({
        Update: {
          TableName: this.tableName,
          Key: key,
          UpdateExpression:
            status === 'disabled'
              ? 'SET #status = :status, disabledAt = :at'
              : 'SET #status = :status REMOVE disabledAt',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': status, ...(status === 'disabled' ? { ':at': at } : {}) },
        },
      })),
    );
    await this.transact(items, 'client_not_found', 'one of these clients has no mapping');
  }

  private async transact(items: TransactItems, conflictCode: string, conflictMessage: string): Promise<void> {
    if (items.length === 0) return;
    if (items.length > TRANSACTION_ITEMS_MAX) {
      throw new TenantDirectoryError('too_many_clients', `at most ${TRANSACTION_ITEMS_MAX / 2} clients per call`);
    }
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (cancellationCodes(error)?.includes('ConditionalCheckFailed')) {
        throw new TenantDirectoryError(conflictCode, conflictMessage, { cause: error });
      }
      throw error;
    }
  }
}
