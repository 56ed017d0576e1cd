import { isAwaitingProvider, type PayoutStatus } from '../domain/lifecycle';
import { isReversalInFlight } from '../domain/reversal';
import type { LedgerAccount } from '../domain/ledger';
import type { CurrencyCode } from '../domain/money';
import type { Payout } from '../domain/payout';

/**
 * Key builders and item mapping for PAYOUTS_TABLE and LEDGER_TABLE. The key design is documented
 * at the top of payouts-repository.ts; every key string is built here and nowhere else.
 */
export const PAYOUT_SK = 'PAYOUT';
/** Shares the payout's partition and sorts right after it, so one Query reads both (submitter). */
export const DESTINATION_SK = 'PAYOUT#DESTINATION';
export const KEY_LOCK_SK = 'IDEMKEY';
export const PROVIDER_REF_SK = 'PROVREF';
export const DEDUP_SK = 'PROVEVENT';
export const EVENT_SK_PREFIX = 'EVENT#';

export const payoutPk = (payoutId: string): string => `PAYOUT#${payoutId}`;
export const keyLockPk = (tenantId: string, idempotencyKey: string): string => `IDEMKEY#${tenantId}#${idempotencyKey}`;
export const providerRefPk = (provider: string, providerReference: string): string =>
  `PROVREF#${provider}#${providerReference}`;
export const dedupPk = (provider: string, providerEventId: string): string =>
  `PROVEVENT#${provider}#${providerEventId}`;
export const tenantGsiPk = (tenantId: string): string => `TENANT#${tenantId}`;
export const tenantStatusGsiPk = (tenantId: string, status: PayoutStatus): string =>
  `TENANT#${tenantId}#STATUS#${status}`;
/** ISO timestamps sort lexically; the payout id breaks ties between payouts of the same millisecond. */
export const createdGsiSk = (createdAt: string, payoutId: string): string => `${createdAt}#${payoutId}`;

/**
 * Shards of the sparse "awaiting provider" index (gsi3). Every payout in flight writes here, so one
 * partition key would put all in-flight writes (and the sweeper's reads) on one hot index
 * partition; 16 spread them while the sweeper still needs only 16 small Queries per run.
 */
export const AWAITING_SHARDS = 16;
/** Stable shard of a payout: a hash of its id, so every write of one payout lands on one shard. */
export function awaitingShardOf(payoutId: string): number {
  let hash = 0;
  for (let i = 0; i < payoutId.length; i++) hash = (hash * 31 + payoutId.charCodeAt(i)) >>> 0;
  return hash % AWAITING_SHARDS;
}
export const awaitingGsiPk = (shard: number): string => `AWAITING#${String(shard).padStart(2, '0')}`;
/** Oldest news first: the sweeper reads `< <now − threshold>` and stops at the page limit. */
export const awaitingGsiSk = (lastEventAt: string, payoutId: string): string => `${lastEventAt}#${payoutId}`;
/** The gsi3 key attributes of a payout: present iff it awaits the provider (the index is sparse). */
export function awaitingIndexKeys(
  payout: Pick<Payout, 'payoutId' | 'status' | 'lastEventAt'>,
): { gsi3pk: string; gsi3sk: string } | undefined {
  if (!isAwaitingProvider(payout.status)) return undefined;
  return {
    gsi3pk: awaitingGsiPk(awaitingShardOf(payout.payoutId)),
    gsi3sk: awaitingGsiSk(payout.lastEventAt, payout.payoutId),
  };
}

/**
 * The same sparse gsi3 also holds the two other kinds of payout that wait on someone, each in a
 * partition of its own, so the sweeper finds them with a Query instead of a Scan:
 *   APPROVAL / <approval.expiresAt>#<payoutId>   awaiting an approver; queried `< now` for expiry
 *   REVERSAL / <reversal.updatedAt>#<payoutId>   a reversal approved or sent, awaiting the provider
 * One partition each, not sharded like AWAITING: only payouts at or over a tenant's approval
 * threshold, and reversals, write there — a small fraction of the traffic AWAITING carries.
 * A payout is in at most one of the three (requires_approval, awaiting the provider, or paid with a
 * reversal in flight), so one pair of key attributes is enough.
 */
export const APPROVAL_GSI_PK = 'APPROVAL';
export const REVERSAL_GSI_PK = 'REVERSAL';

export function approvalIndexKeys(
  payout: Pick<Payout, 'payoutId' | 'status' | 'approval'>,
): { gsi3pk: string; gsi3sk: string } | undefined {
  if (payout.status !== 'requires_approval' || payout.approval === undefined) return undefined;
  return { gsi3pk: APPROVAL_GSI_PK, gsi3sk: `${payout.approval.expiresAt}#${payout.payoutId}` };
}

export function reversalIndexKeys(
  payout: Pick<Payout, 'payoutId' | 'status' | 'reversal'>,
): { gsi3pk: string; gsi3sk: string } | undefined {
  if (payout.reversal === undefined || !isReversalInFlight(payout.status, payout.reversal)) return undefined;
  return { gsi3pk: REVERSAL_GSI_PK, gsi3sk: `${payout.reversal.updatedAt}#${payout.payoutId}` };
}

/** The gsi3 keys a payout item carries: present iff it waits on the provider, an approver or a return. */
export function waitingIndexKeys(
  payout: Pick<Payout, 'payoutId' | 'status' | 'lastEventAt' | 'approval' | 'reversal'>,
): { gsi3pk: string; gsi3sk: string } | undefined {
  return awaitingIndexKeys(payout) ?? approvalIndexKeys(payout) ?? reversalIndexKeys(payout);
}

/**
 * Shards of the sparse reconciliation day index (gsi4): every payout is created into one, so one
 * partition per day would take all of a day's creations (and the nightly read) on one hot index
 * partition. 16 spread a busy day's writes while the nightly run still needs only 16 Queries.
 */
export const RECON_DAY_SHARDS = 16;
/** `DAY#<yyyy-mm-dd>#<shard>`: the UTC day of `createdAt`, the window reconciliation reads. */
export const reconDayGsiPk = (date: string, shard: number): string => `DAY#${date}#${String(shard).padStart(2, '0')}`;
/** The stable shard of a payout in the day index (the same hash as gsi3's, over its own count). */
export function reconDayShardOf(payoutId: string): number {
  let hash = 0;
  for (let i = 0; i < payoutId.length; i++) hash = (hash * 31 + payoutId.charCodeAt(i)) >>> 0;
  return hash % RECON_DAY_SHARDS;
}
/**
 * The gsi4 key attributes, written once with the payout item in the creation transaction: the day
 * is the UTC day of `createdAt`, which never changes, so no later write has to move a payout.
 */
export function reconDayIndexKeys(payout: Pick<Payout, 'payoutId' | 'createdAt'>): { gsi4pk: string; gsi4sk: string } {
  return {
    gsi4pk: reconDayGsiPk(payout.createdAt.slice(0, 10), reconDayShardOf(payout.payoutId)),
    gsi4sk: createdGsiSk(payout.createdAt, payout.payoutId),
  };
}

/**
 * The holds queue (issue 15): one item per OPEN stored hold, `HOLDQ#<owner>#<shard>` /
 * `<openedAt>#<payoutId>#<holdId>`, written and deleted in the hold's own transactions. Sharded
 * like gsi3 because one screening hit holds every payout of a recipient at once (a burst of writes
 * on one owner); 4 keep the queue read at 4 small Queries per page.
 */
export const HOLD_QUEUE_SHARDS = 4;
export function holdQueueShardOf(payoutId: string): number {
  let hash = 0;
  for (let i = 0; i < payoutId.length; i++) hash = (hash * 31 + payoutId.charCodeAt(i)) >>> 0;
  return hash % HOLD_QUEUE_SHARDS;
}
export const holdQueuePk = (owner: string, shard: number): string => `HOLDQ#${owner}#${String(shard).padStart(2, '0')}`;
export const holdQueueSk = (openedAt: string, payoutId: string, holdId: string): string =>
  `${openedAt}#${payoutId}#${holdId}`;

export const balancePk = (currency: CurrencyCode): string => `BALANCE#${currency}`;
export const balanceSk = (tenantId: string, account: LedgerAccount): string => `TENANT#${tenantId}#ACCOUNT#${account}`;
export const journalPk = (payoutId: string): string => `JOURNAL#${payoutId}`;
/** One journal entry per payout version: the version in the key makes a double booking impossible. */
export const journalSk = (version: number, event: string): string =>
  `ENTRY#${String(version).padStart(6, '0')}#${event}`;
export const journalGsiPk = (tenantId: string, currency: CurrencyCode): string => `JOURNAL#${tenantId}#${currency}`;

/** The payout item's copy of its journal entries and its completeness marker (ledger-copy.ts). */
export const LEDGER_ENTRIES_ATTRIBUTE = 'ledgerEntries';
export const LEDGER_ENTRIES_COMPLETE_ATTRIBUTE = 'ledgerEntriesComplete';

/** Keys and bookkeeping attributes that are not part of the Payout shape. */
const NON_PAYOUT_ATTRIBUTES = new Set([
  // Reconciliation's copy of the journal: never part of what a payout read answers or carries on.
  LEDGER_ENTRIES_ATTRIBUTE,
  LEDGER_ENTRIES_COMPLETE_ATTRIBUTE,
  'pk',
  'sk',
  'gsi1pk',
  'gsi1sk',
  'gsi2pk',
  'gsi2sk',
  'gsi3pk',
  'gsi3sk',
  'gsi4pk',
  'gsi4sk',
  'entity',
]);

export function payoutItem(payout: Payout): Record<string, unknown> {
  return {
    pk: payoutPk(payout.payoutId),
    sk: PAYOUT_SK,
    entity: 'payout',
    gsi1pk: tenantGsiPk(payout.tenantId),
    gsi1sk: createdGsiSk(payout.createdAt, payout.payoutId),
    gsi2pk: tenantStatusGsiPk(payout.tenantId, payout.status),
    gsi2sk: createdGsiSk(payout.createdAt, payout.payoutId),
    ...waitingIndexKeys(payout),
    ...reconDayIndexKeys(payout),
    ...payout,
  };
}

export function payoutFromItem(item: Record<string, unknown>): Payout {
  const payout: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) if (!NON_PAYOUT_ATTRIBUTES.has(name)) payout[name] = value;
  return payout as unknown as Payout;
}
