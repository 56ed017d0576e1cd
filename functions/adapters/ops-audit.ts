import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulidx';

/**
 * The ops audit trail in OPERATIONS_TABLE: one record per redrive, replay or other bulk action,
 * with the operator, the request id and how many messages or events it touched.
 *
 *   pk OPS_AUDIT#<yyyy-mm-dd>   sk <at>#<ulid>
 *
 * Exception changes are audited beside the exception itself (exceptions-repository.ts).
 */
export interface OpsAuditRecord {
  action: 'dlq_redrive' | 'replay';
  operator: string;
  clientId: string;
  requestId: string;
  at: string;
  dryRun: boolean;
  count: number;
  details: Record<string, unknown>;
}

/** What redrive and replay need of the trail: a port, so the simulation (test/sim/) can keep it in memory. */
export interface OpsAuditLog {
  record(entry: OpsAuditRecord): Promise<void>;
}

export class OpsAudit implements OpsAuditLog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(entry: OpsAuditRecord): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `OPS_AUDIT#${entry.at.slice(0, 10)}`, sk: `${entry.at}#${ulid()}`, ...entry },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async listDay(day: string): Promise<OpsAuditRecord[]> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `OPS_AUDIT#${day}` },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map(({ pk: _pk, sk: _sk, ...rest }) => rest as unknown as OpsAuditRecord);
  }
}
