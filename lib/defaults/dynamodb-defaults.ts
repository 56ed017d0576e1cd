import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { AUDIT_INDEXES, INBOX_UNAPPLIED_INDEX_NAME, RECON_DAY_INDEX_NAME } from '../../functions/shared/names';

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

/** The sparse "awaiting provider" index of PAYOUTS_TABLE (see payouts-repository.ts). */
export const AWAITING_INDEX_NAME = 'gsi3';
/**
 * What the sweeper needs to apply each corridor's threshold (sweepDecision) without reading the
 * base table: INCLUDE rather than KEYS_ONLY, so only the few payouts it re-checks cost a GetItem,
 * and rather than ALL, so the index does not copy whole payouts (amounts, request ids, reasons)
 * that the sweeper re-reads consistently anyway before it acts. The corridor's country sits in the
 * (masked) `destination` map, and a projection takes top-level attributes only.
 */
export const AWAITING_INDEX_ATTRIBUTES = [
  'payoutId',
  'status',
  'currency',
  'destination',
  'createdAt',
  'lastEventAt',
] as const;

/** Adds the sparse gsi3 (`gsi3pk` / `gsi3sk`): only payouts awaiting the provider carry its keys. */
export function addAwaitingProviderIndex(table: dynamodb.Table): void {
  table.addGlobalSecondaryIndex({
    indexName: AWAITING_INDEX_NAME,
    partitionKey: { name: `${AWAITING_INDEX_NAME}pk`, type: dynamodb.AttributeType.STRING },
    sortKey: { name: `${AWAITING_INDEX_NAME}sk`, type: dynamodb.AttributeType.STRING },
    projectionType: dynamodb.ProjectionType.INCLUDE,
    nonKeyAttributes: [...AWAITING_INDEX_ATTRIBUTES],
  });
}

/**
 * What reconciliation reads of a payout (reconPayoutOf in adapters/reconciliation/payouts-source.ts;
 * test/unit/adapters/reconciliation/day-index-keys.test.ts fails if it reads anything else). INCLUDE
 * rather than ALL: an update that changes none of these (setting `reconciledAt` on every matched
 * payout each night, an exception owner, a request id) then writes nothing to gsi4, and the index
 * does not copy whole payouts (destination, recipient, reasons).
 */
export const RECON_DAY_INDEX_ATTRIBUTES = [
  'payoutId',
  'idempotencyKey',
  'metadata',
  // The batch identity of a batch item (payout_batch_id, sender_batch_id in the export).
  'batch',
  'provider',
  'providerReference',
  // PayPal's item transaction_id, the reference its TRR prints (asReportedIn in
  // domain/reconciliation/provider-report.ts). Added after the first deployments: a deployed gsi4 is
  // re-created to project it (docs/finance.md, "Reading one day").
  'providerTransactionId',
  'status',
  // failure_source in the export (domain/failure-source.ts reads a failed payout's code).
  'statusReason',
  'amountMinor',
  'feeMinor',
  'currency',
  'createdAt',
  'lastEventAt',
  // The payout's copy of its journal entries and its marker (adapters/ledger-copy.ts): the ledger
  // facts come from the index item, not from one journal Query per payout. Bounded to a few KB.
  'ledgerEntries',
  'ledgerEntriesComplete',
] as const;

/**
 * The reconciliation day index of PAYOUTS_TABLE (gsi4: `DAY#<date>#<shard>` / `<createdAt>#<payoutId>`,
 * adapters/payout-items.ts), so the nightly run Queries one day's payouts instead of scanning the table.
 */
export function addReconDayIndex(table: dynamodb.Table): void {
  table.addGlobalSecondaryIndex({
    indexName: RECON_DAY_INDEX_NAME,
    partitionKey: { name: `${RECON_DAY_INDEX_NAME}pk`, type: dynamodb.AttributeType.STRING },
    sortKey: { name: `${RECON_DAY_INDEX_NAME}sk`, type: dynamodb.AttributeType.STRING },
    projectionType: dynamodb.ProjectionType.INCLUDE,
    nonKeyAttributes: [...RECON_DAY_INDEX_ATTRIBUTES],
  });
}

/**
 * INBOX_TABLE's sparse backlog index (gsi3: `INBOX#UNAPPLIED` / `<receivedAt>#<provider>#<eventId>`,
 * adapters/inbox-repository.ts): only events received and not yet applied or dead-lettered carry its
 * keys, so the oldest one (the webhook backlog age of GET /status) is a one-item Query. KEYS_ONLY:
 * the age is the sort key itself, so an entry copies nothing else of the event.
 */
export function addInboxBacklogIndex(table: dynamodb.Table): void {
  table.addGlobalSecondaryIndex({
    indexName: INBOX_UNAPPLIED_INDEX_NAME,
    partitionKey: { name: `${INBOX_UNAPPLIED_INDEX_NAME}pk`, type: dynamodb.AttributeType.STRING },
    sortKey: { name: `${INBOX_UNAPPLIED_INDEX_NAME}sk`, type: dynamodb.AttributeType.STRING },
    projectionType: dynamodb.ProjectionType.KEYS_ONLY,
  });
}

/**
 * AUDIT_TABLE's indexes (adapters/audit-items.ts): by day, by actor, by action, each
 * `<index>pk` / `<index>sk`, projection ALL (a search answers whole records).
 */
export function addAuditIndexes(table: dynamodb.Table): void {
  for (const indexName of Object.values(AUDIT_INDEXES)) {
    table.addGlobalSecondaryIndex({
      indexName,
      partitionKey: { name: `${indexName}pk`, type: dynamodb.AttributeType.STRING },
      sortKey: { name: `${indexName}sk`, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }
}
