import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Actor, Payout, TimelineEntry } from '../domain/payout';
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
  findByIdempotencyKey(tenantId: string, idempotencyKey: string): Promise<{ payout: Payout; lock: KeyLock } | undefined>;
  timelinePut(entry: TimelineEntry): TransactItem;
  auditPut(payoutId: string, at: string, actor: Actor, sourceRef: string, action: string, outcome: string, details?: Record<string, unknown>): TransactItem;
}

/** The (tenant, key) lock item: the payout it names and the per-field hashes of the first request. */
export interface KeyLock {
  payoutId: string;
  fieldHashes: Record<string, string>;
}
