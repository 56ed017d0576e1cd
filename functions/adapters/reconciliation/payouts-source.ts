import { BatchGetCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Payout } from '../../domain/payout';
import { ledgerFactOf, type LedgerFact, type ReconPayout } from '../../domain/reconciliation/matching-types';
import { ledgerCopyOf } from '../ledger-copy';
import { PAYOUT_SK, payoutFromItem, payoutPk } from '../payout-items';
import { queryJournalsOf, queryPayoutsOfDay } from './day-reads';

/**
 * Our side of the reconciliation, read page by page so memory holds a few pages (DynamoDB pages are
 * ≤ 1 MB), whatever the night's volume.
 *
 * `day_index` (the default) reads only the day: its payouts by Query on the sparse day index
 * (gsi4, `DAY#<date>#<shard>`, written in the creation transaction), and the journal entries of
 * exactly those payouts: from the copy each payout item carries (ledger-copy.ts), or, for an item
 * without a complete copy, by a Query of its journal partition (day-reads.ts). `scan` is the earlier filtered Scan of both tables, linear
 * in the history: kept for a table whose payouts predate the index until they are backfilled
 * (docs/finance.md, "Reading one day"), and as the reference the day path is tested against.
 */
export type ReconReadMode = 'day_index' | 'scan';
export const SCAN_PAGE_ITEMS_MAX = 1_000;
/** BatchGetItem takes at most 100 keys per call. */
export const BATCH_GET_KEYS_MAX = 100;
/** Unprocessed keys are retried this many times before the run fails (and is retried whole). */
export const BATCH_GET_ATTEMPTS_MAX = 5;
/**
 * UpdateItems in flight while setting reconciledAt. A night of 1M matched payouts at ~10 ms per
 * call takes 1M × 10 ms / 48 ≈ 3.5 min — inside the function's timeout with the rest of the run;
 * 48 stays under the SDK's default 50 sockets per host so the calls never queue behind each other.
 */
export const MARK_RECONCILED_CONCURRENCY = 48;

export interface DayWindow {
  /** YYYY-MM-DD, the UTC day. */
  readonly date: string;
  /** Inclusive, ISO 8601 UTC. */
  readonly fromIso: string;
  /** Exclusive, ISO 8601 UTC. */
  readonly toIso: string;
}

/** The UTC day of `date` (YYYY-MM-DD): the window both our payouts and the provider's report use. */
export function dayWindow(date: string): DayWindow {
  const from = new Date(`${date}T00:00:00.000Z`);
  return { date, fromIso: from.toISOString(), toIso: new Date(from.getTime() + 86_400_000).toISOString() };
}

export function reconPayoutOf(payout: Payout): ReconPayout {
  const batchId = payout.metadata?.['batch_id'];
  return {
    payoutId: payout.payoutId,
    idempotencyKey: payout.idempotencyKey,
    ...(batchId === undefined ? {} : { batchId }),
    // The batch identity is on the payout item itself (and in gsi4's projection): no read per payout.
    ...(payout.batch === undefined
      ? {}
      : { payoutBatchId: payout.batch.batchId, senderBatchId: payout.batch.senderBatchId }),
    provider: payout.provider,
    ...(payout.providerReference === undefined ? {} : { providerReference: payout.providerReference }),
    ...(payout.providerTransactionId === undefined ? {} : { providerTransactionId: payout.providerTransactionId }),
    status: payout.status,
    ...(payout.statusReason === undefined ? {} : { statusReason: payout.statusReason }),
    amountMinor: payout.amountMinor,
    ...(payout.feeMinor === undefined ? {} : { feeMinor: payout.feeMinor }),
    currency: payout.currency,
    createdAt: payout.createdAt,
    lastEventAt: payout.lastEventAt,
  };
}

function journalFactOf(item: Record<string, unknown>): LedgerFact {
  return ledgerFactOf(
    String(item['payoutId']),
    (item['postings'] as { from: string; to: string; amountMinor: number }[]) ?? [],
  );
}

/** What a run reads and marks of our side: a port, so the simulation (test/sim/) can run it on memory. */
export interface ReconciliationPayouts {
  payoutsCreatedIn(window: DayWindow): AsyncIterable<ReconPayout>;
  ledgerFactsFrom(window: DayWindow): AsyncIterable<LedgerFact>;
  lookup(payoutIds: readonly string[]): Promise<ReconPayout[]>;
  markReconciled(payoutIds: readonly string[], reconciledAt: string): Promise<void>;
}

/**
 * The ledger's side of one day, split as the day index items are read: the facts of payouts whose
 * item carries a complete copy of their journal (ledger-copy.ts), and the ids of the others (written
 * before the copy existed, or past its bound), whose journal partitions are still Queried.
 */
export interface DayLedger {
  readonly facts: LedgerFact[];
  readonly journalIds: string[];
}

/** Adds the ledger's view of one payout item to `day`: from its copy, or its id for a journal Query. */
export function addLedgerOf(day: DayLedger, item: Record<string, unknown>, fromIso: string): void {
  const payoutId = String(item['payoutId']);
  const copy = ledgerCopyOf(item);
  if (copy === undefined) {
    day.journalIds.push(payoutId);
    return;
  }
  // The journal Query's filter (day-reads.ts queryJournalsOf): entries recorded from the window's start on.
  for (const entry of copy) if (entry.recordedAt >= fromIso) day.facts.push(ledgerFactOf(payoutId, entry.postings));
}

export class ReconciliationPayoutsSource implements ReconciliationPayouts {
  /**
   * The ledger of the days payoutsCreatedIn streamed, per window, dropped once the ledger is read.
   * Held in memory in place of the id list this held before: a 1M-payout night with ~2 entries in
   * the window each is ~2M small facts (~110 MB) beside the ids' 60 MB, inside the run's memory.
   */
  private readonly dayLedgers = new Map<string, DayLedger>();

  constructor(
    private readonly options: {
      client: DynamoDBDocumentClient;
      payoutsTable: string;
      ledgerTable: string;
      readMode?: ReconReadMode;
    },
  ) {}

  private get readMode(): ReconReadMode {
    return this.options.readMode ?? 'day_index';
  }

  async *payoutsCreatedIn(window: DayWindow): AsyncIterable<ReconPayout> {
    if (this.readMode === 'scan') return yield* this.scanPayoutsCreatedIn(window);
    const day: DayLedger = { facts: [], journalIds: [] };
    this.dayLedgers.set(window.fromIso, day);
    for await (const item of queryPayoutsOfDay(this.options.client, this.options.payoutsTable, window)) {
      addLedgerOf(day, item, window.fromIso);
      yield reconPayoutOf(payoutFromItem(item));
    }
  }

  /**
   * Journal entries recorded from the start of the window on, of the window's payouts (the engine
   * folds only theirs). Day path: the engine streams the payouts first, and their items carry the
   * copy of their journal, so most facts are already in memory; only payouts without a complete copy
   * cost a journal Query. A caller that reads the ledger first reads the day index of its own.
   */
  async *ledgerFactsFrom(window: DayWindow): AsyncIterable<LedgerFact> {
    if (this.readMode === 'scan') return yield* this.scanLedgerFactsFrom(window);
    let day = this.dayLedgers.get(window.fromIso);
    this.dayLedgers.delete(window.fromIso);
    if (day === undefined) {
      day = { facts: [], journalIds: [] };
      for await (const item of queryPayoutsOfDay(this.options.client, this.options.payoutsTable, window))
        addLedgerOf(day, item, window.fromIso);
    }
    yield* day.facts;
    const journals = queryJournalsOf(this.options.client, this.options.ledgerTable, day.journalIds, window.fromIso);
    for await (const item of journals) yield journalFactOf(item);
  }

  private async *scanPayoutsCreatedIn(window: DayWindow): AsyncIterable<ReconPayout> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.options.client.send(
        new ScanCommand({
          TableName: this.options.payoutsTable,
          Limit: SCAN_PAGE_ITEMS_MAX,
          FilterExpression: 'sk = :sk AND createdAt >= :from AND createdAt < :to',
          ExpressionAttributeValues: { ':sk': PAYOUT_SK, ':from': window.fromIso, ':to': window.toIso },
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      for (const item of page.Items ?? []) yield reconPayoutOf(payoutFromItem(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
  }

  /** Every journal entry recorded from the start of the window on, whichever payout it books. */
  private async *scanLedgerFactsFrom(window: DayWindow): AsyncIterable<LedgerFact> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.options.client.send(
        new ScanCommand({
          TableName: this.options.ledgerTable,
          Limit: SCAN_PAGE_ITEMS_MAX,
          FilterExpression: 'entity = :entity AND recordedAt >= :from',
          ExpressionAttributeValues: { ':entity': 'journal_entry', ':from': window.fromIso },
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      for (const item of page.Items ?? []) yield journalFactOf(item);
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
  }

  /** Payouts a provider row names that were created outside the window (consistent reads). */
  async lookup(payoutIds: readonly string[]): Promise<ReconPayout[]> {
    const found: ReconPayout[] = [];
    for (let start = 0; start < payoutIds.length; start += BATCH_GET_KEYS_MAX) {
      let keys: Record<string, unknown>[] = payoutIds
        .slice(start, start + BATCH_GET_KEYS_MAX)
        .map((id) => ({ pk: payoutPk(id), sk: PAYOUT_SK }));
      for (let attempt = 1; keys.length > 0; attempt += 1) {
        if (attempt > BATCH_GET_ATTEMPTS_MAX)
          throw new Error(`BatchGet left ${keys.length} keys unprocessed after ${BATCH_GET_ATTEMPTS_MAX} attempts`);
        const out = await this.options.client.send(
          new BatchGetCommand({ RequestItems: { [this.options.payoutsTable]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of out.Responses?.[this.options.payoutsTable] ?? [])
          found.push(reconPayoutOf(payoutFromItem(item)));
        keys = (out.UnprocessedKeys?.[this.options.payoutsTable]?.Keys as Record<string, unknown>[] | undefined) ?? [];
      }
    }
    return found;
  }

  /**
   * Sets `reconciledAt` on payouts both sides agree on. It touches no attribute a transition
   * conditions on (status, version), so it never races the payout's lifecycle; the condition only
   * keeps it from creating an item for a payout that does not exist.
   */
  async markReconciled(payoutIds: readonly string[], reconciledAt: string): Promise<void> {
    for (let start = 0; start < payoutIds.length; start += MARK_RECONCILED_CONCURRENCY) {
      await Promise.all(
        payoutIds.slice(start, start + MARK_RECONCILED_CONCURRENCY).map((payoutId) =>
          this.options.client.send(
            new UpdateCommand({
              TableName: this.options.payoutsTable,
              Key: { pk: payoutPk(payoutId), sk: PAYOUT_SK },
              UpdateExpression: 'SET reconciledAt = :at',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':at': reconciledAt },
            }),
          ),
        ),
      );
    }
  }
}
