import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Payout, TimelineEntry } from '../domain/payout';
import type { AuditTrail } from './audit-trail';
import type { TransactItem } from './ledger-writes';

/**
 * What the payouts repository's helper modules (transitions, queries, ownership) need of it: the
 * tables, the client and a few item builders and reads. PayoutsRepository implements it; the
 * helpers take this instead of the class so they do not import the file that imports them.
 */
export interface PayoutsStore {
  readonly client: DynamoDBDocumentClient;
  readonly payoutsTable: string;
  readonly ledgerTable: string;
  getPayoutById(payoutId: string): Promise<Payout | undefined>;
  findByIdempotencyKey(
    tenantId: string,
    idempotencyKey: string,
  ): Promise<{ payout: Payout; lock: KeyLock } | undefined>;
  timelinePut(entry: TimelineEntry): TransactItem;
  /** The audit trail every payout change is recorded in, in the change's own transaction. */
  readonly audit: AuditTrail;
}

/** The (tenant, key) lock item: the payout it names and the per-field hashes of the first request. */
export interface KeyLock {
  payoutId: string;
  fieldHashes: Record<string, string>;
}
