import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';

// Secure defaults for every table (AWS Solutions Constructs style). A payout ledger is the one
// thing we can never rebuild from elsewhere, so data survives a stack delete and a bad deploy.

/** Names of the overloaded global secondary indexes every single-table-design table carries. */
export const GSI_NAMES = ['gsi1', 'gsi2'] as const;

/** Properties every table gets unless a caller has a written reason to differ. */
export function defaultTableProps(): Pick<
  dynamodb.TableProps,
  'billingMode' | 'pointInTimeRecoverySpecification' | 'removalPolicy' | 'encryption' | 'deletionProtection'
> {
  return {
    // On-demand: payout traffic is bursty (batch uploads, webhook storms) and capacity planning is
    // not worth it at this scale.
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    // PITR is the only way back from a bad write that reached the ledger; cdk-nag only warns, we insist.
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    // Retained on stack delete: removing the stack must never remove money records.
    removalPolicy: RemovalPolicy.RETAIN,
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    deletionProtection: false,
  };
}

/** Adds `gsi1` and `gsi2` (string keys `<gsi>pk` / `<gsi>sk`, projection ALL) to a table. */
export function addOverloadedIndexes(table: dynamodb.Table): void {
  for (const indexName of GSI_NAMES) {
    table.addGlobalSecondaryIndex({
      indexName,
      partitionKey: { name: `${indexName}pk`, type: dynamodb.AttributeType.STRING },
      sortKey: { name: `${indexName}sk`, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }
}
