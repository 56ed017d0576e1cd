import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulidx';
import { postingsFor } from '../domain/ledger';
import { EMPTY_CHAIN } from '../domain/audit';
import { payoutCreatedEntry } from '../domain/audit-entries';
import type { Actor, Payout, TransitionCommand, TransitionResult, TimelineEntry } from '../domain/payout';
import type { Destination } from '../domain/recipient';
import type { HoldOwner } from '../domain/compliance/contract';
import { AuditTrail } from './audit-trail';
import { cancellationCodes, hasTransactionConflict, itemConditionFailed, jitterSleep } from './dynamo-errors';
import { holdQueuePut, listOpenHolds, type OpenHoldsPage } from './hold-queue';
import { ledgerCopyAtCreation } from './ledger-copy';
import { journalWrites, type TransactItem } from './ledger-writes';
import {
  DESTINATION_SK,
  EVENT_SK_PREFIX,
  KEY_LOCK_SK,
  PAYOUT_SK,
  PROVIDER_REF_SK,
  keyLockPk,
  payoutFromItem,
  payoutItem,
  payoutPk,
  providerRefPk,
} from './payout-items';
import { applyTransition, type TransitionOptions } from './payout-transitions';
import {
  claimForSubmission,
  placeHold,
  releaseHold,
  type ClaimResult,
  type HoldChange,
  type PlaceResult,
  type ReleaseResult,
} from './payout-holds';
import { writeReversal, type ReversalWrite, type ReversalWriteResult } from './payout-reversals';
import { PayoutsRepositoryError } from './payouts-errors';
import type { KeyLock, PayoutsStore } from './payouts-store';

export { PayoutsRepositoryError, ProviderReferenceConflictError, TransitionConflictError } from './payouts-errors';
import { listPayouts, listTimeline, type PayoutListQuery, type PayoutPage } from './payouts-queries';

/*
 * Key design. PAYOUTS_TABLE (pk, sk; gsi1 and gsi2 overloaded, gsi3 sparse; all eventually
 * consistent, used only for listing and finding — every decision is taken on a consistent
 * GetItem/Query of the base table or a condition):
 *
 *   payout           pk PAYOUT#<payoutId>               sk PAYOUT
 *                    gsi1 TENANT#<tenant>               / <createdAt>#<payoutId>   list a tenant's payouts
 *                    gsi2 TENANT#<tenant>#STATUS#<s>    / <createdAt>#<payoutId>   list by status
 *                    gsi3 AWAITING#<shard:2>            / <lastEventAt>#<payoutId> only while awaiting
 *                    the provider (submitted/accepted/pending): set by createPayout and by every
 *                    transition that stays or enters there, REMOVEd by the one that leaves, in the
 *                    same write. The sweeper queries it per shard (payout-awaiting-index.ts) for
 *                    payouts quiet too long, so its cost follows what is in flight, not history.
 *                    AWAITING_SHARDS shards, by a hash of the payout id (payout-items.ts), so the
 *                    in-flight writes do not all land on one index partition. Projection INCLUDE
 *                    of what sweepDecision needs. exceptionOwner and reconciledAt are UpdateItems of
 *                    their own attribute and never touch these keys.
 *                    ledgerEntries: a copy of the payout's journal entries, appended in each entry's
 *                    own transaction, for reconciliation's day reads (ledger-copy.ts).
 *   destination      pk PAYOUT#<payoutId>               sk PAYOUT#DESTINATION
 *                    The unmasked account fields, kept apart from the payout item so that every read
 *                    path that shows or logs a payout (GET, list, timeline, audit) never loads them;
 *                    only getPayoutForSubmission reads this item, for the provider call.
 *   timeline entry   pk PAYOUT#<payoutId>               sk EVENT#<recordedAt>#<ulid>
 *   (audit records live in AUDIT_TABLE, one chain per payout: adapters/audit-trail.ts)
 *   key lock         pk IDEMKEY#<tenant>#<key>          sk IDEMKEY   at most one payout per (tenant, key), for ever
 *   provider ref     pk PROVREF#<provider>#<ref>        sk PROVREF   written when providerReference is first set
 *   provider event   pk PROVEVENT#<provider>#<eventId>  sk PROVEVENT dedup: an event is applied at most once
 *
 * LEDGER_TABLE:
 *   journal entry    pk JOURNAL#<payoutId>              sk ENTRY#<version:6>#<event>   postings inline
 *                    gsi1 JOURNAL#<tenant>#<currency>   / <recordedAt>#<payoutId>      (reconciliation)
 *   balance          pk BALANCE#<currency>              sk TENANT#<tenant>#ACCOUNT#<account>   balanceMinor (N)
 */

export interface PayoutsRepositoryOptions {
  client: DynamoDBDocumentClient;
  payoutsTable: string;
  ledgerTable: string;
  /** AUDIT_TABLE: every create and transition appends to the payout's chain in its own transaction. */
  auditTable: string;
}

/** A new payout as the create path hands it over: the id was generated before anything is written. */
export interface NewPayout {
  payout: Payout;
  destination: Destination;
  actor: Actor;
  requestId: string;
  /** Salted per-field hashes of the request body, to name the fields that differ on a key reuse. */
  fieldHashes: Record<string, string>;
}

export type CreateResult =
  | { kind: 'created'; payout: Payout }
  /** The (tenant, key) lock already existed: this is the payout created by an earlier execution. */
  | { kind: 'exists'; payout: Payout; fieldHashes: Record<string, string> };

export type { KeyLock } from './payouts-store';

/** What the create path needs of the repository: a port, so the simulation (test/sim/) can run it in memory. */
export interface PayoutCreationStore {
  createPayout(input: NewPayout): Promise<CreateResult>;
  findByIdempotencyKey(
    tenantId: string,
    idempotencyKey: string,
  ): Promise<{ payout: Payout; lock: KeyLock } | undefined>;
}

/** Attempts of a create whose transaction lost a race on a hot balance item (TransactionConflict). */
export const CREATE_ATTEMPTS_MAX = 4;
export const CREATE_RETRY_DELAY_MS_MAX = 100;

export class PayoutsRepository implements PayoutsStore, PayoutCreationStore {
  readonly client: DynamoDBDocumentClient;
  readonly payoutsTable: string;
  readonly ledgerTable: string;
  readonly audit: AuditTrail;

  constructor(options: PayoutsRepositoryOptions) {
    this.client = options.client;
    this.payoutsTable = options.payoutsTable;
    this.ledgerTable = options.ledgerTable;
    this.audit = new AuditTrail(options.client, options.auditTable);
  }

  /**
   * Writes a new payout in ONE transaction: key lock, payout, destination, `created` timeline entry,
   * audit record, journal entry and balances. The key lock is item 0 so its cancellation reason
   * tells us whether an earlier execution already created the payout for this (tenant, key).
   */
  async createPayout(input: NewPayout): Promise<CreateResult> {
    const { payout } = input;
    const items = this.creationItems(input);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(new TransactWriteCommand({ TransactItems: items }));
        return { kind: 'created', payout };
      } catch (error) {
        const reasons = cancellationCodes(error);
        if (reasons !== undefined && itemConditionFailed(reasons, 0)) {
          const existing = await this.findByIdempotencyKey(payout.tenantId, payout.idempotencyKey);
          if (existing === undefined)
            throw new PayoutsRepositoryError('key lock exists but its payout does not', { cause: error });
          return { kind: 'exists', payout: existing.payout, fieldHashes: existing.lock.fieldHashes };
        }
        if (reasons !== undefined && hasTransactionConflict(reasons) && attempt < CREATE_ATTEMPTS_MAX) {
          await jitterSleep(CREATE_RETRY_DELAY_MS_MAX);
          continue;
        }
        throw error;
      }
    }
  }

  /**
   * The creation's one transaction: the (tenant, key) lock first (its failed condition means "exists"),
   * the payout, its destination, the timeline's first entry, the audit chain's first record, the journal.
   */
  private creationItems(input: NewPayout): TransactItem[] {
    const { payout } = input;
    const journal = {
      ledgerTable: this.ledgerTable,
      tenantId: payout.tenantId,
      payoutId: payout.payoutId,
      currency: payout.currency,
      version: payout.version,
      event: 'created',
      postings: postingsFor({ from: 'new', to: payout.status, amountMinor: payout.amountMinor }),
      recordedAt: payout.createdAt,
      sourceRef: input.requestId,
    };
    return [
      {
        Put: {
          TableName: this.payoutsTable,
          Item: {
            pk: keyLockPk(payout.tenantId, payout.idempotencyKey),
            sk: KEY_LOCK_SK,
            entity: 'key_lock',
            payoutId: payout.payoutId,
            tenantId: payout.tenantId,
            fieldHashes: input.fieldHashes,
            createdAt: payout.createdAt,
          },
          // The lock never expires: at most one payout per (tenant, key), even after Powertools forgets.
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: this.payoutsTable,
          // The journal's copy starts here, complete (ledger-copy.ts): what reconciliation reads.
          Item: { ...payoutItem(payout), ...ledgerCopyAtCreation(journal) },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: this.payoutsTable,
          Item: { pk: payoutPk(payout.payoutId), sk: DESTINATION_SK, entity: 'destination', ...input.destination },
        },
      },
      this.timelinePut({
        payoutId: payout.payoutId,
        at: payout.createdAt,
        occurredAt: payout.createdAt,
        event: 'created',
        outcome: 'applied',
        to: payout.status,
        source: 'api',
        sourceRef: input.requestId,
        actor: { kind: input.actor.kind, id: input.actor.id },
      }),
      // A new payout id has no chain yet: its first record needs no head read (and fails if one exists).
      ...this.audit.appendAfter(EMPTY_CHAIN, payoutCreatedEntry(payout, input.actor, input.requestId)).items,
      ...journalWrites(journal),
      // The holds placed at create enter the owners' queue in the same write (hold-queue.ts).
      ...Object.values(payout.holds ?? {}).map((hold) => holdQueuePut(this.payoutsTable, payout, hold)),
    ];
  }

  /** Moves a payout by an event; see payout-transitions.ts for the protocol (and its options). */
  applyTransition(cmd: TransitionCommand, options?: TransitionOptions): Promise<TransitionResult> {
    return applyTransition(this, cmd, options);
  }

  /** Changes the payout's reversal request; see payout-reversals.ts. */
  writeReversal(write: ReversalWrite): Promise<ReversalWriteResult> {
    return writeReversal(this, write);
  }

  /** The payout, if it exists and belongs to the tenant; another tenant's payout is `undefined`. */
  async getPayout(tenantId: string, payoutId: string): Promise<Payout | undefined> {
    const payout = await this.getPayoutById(payoutId);
    return payout?.tenantId === tenantId ? payout : undefined;
  }

  /** Any tenant's payout, by id: for internal callers (submitter, webhook processor). */
  async getPayoutById(payoutId: string): Promise<Payout | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.payoutsTable,
        Key: { pk: payoutPk(payoutId), sk: PAYOUT_SK },
        ConsistentRead: true,
      }),
    );
    return Item === undefined ? undefined : payoutFromItem(Item);
  }

  /**
   * The payout with its unmasked destination, for the provider call only. One consistent Query:
   * the destination item sorts right after the payout item in the same partition.
   */
  async getPayoutForSubmission(payoutId: string): Promise<{ payout: Payout; destination: Destination } | undefined> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.payoutsTable,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': payoutPk(payoutId), ':sk': PAYOUT_SK },
        ConsistentRead: true,
      }),
    );
    const payoutRecord = Items.find((item) => item['sk'] === PAYOUT_SK);
    const destinationRecord = Items.find((item) => item['sk'] === DESTINATION_SK);
    if (payoutRecord === undefined || destinationRecord === undefined) return undefined;
    const { country, method, fields } = destinationRecord as unknown as Destination;
    return { payout: payoutFromItem(payoutRecord), destination: { country, method, fields } };
  }

  /** The key lock and its payout, read consistently: idempotency is never decided on a GSI. */
  async findByIdempotencyKey(
    tenantId: string,
    idempotencyKey: string,
  ): Promise<{ payout: Payout; lock: KeyLock } | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.payoutsTable,
        Key: { pk: keyLockPk(tenantId, idempotencyKey), sk: KEY_LOCK_SK },
        ConsistentRead: true,
      }),
    );
    if (Item === undefined) return undefined;
    const lock: KeyLock = {
      payoutId: String(Item['payoutId']),
      fieldHashes: (Item['fieldHashes'] ?? {}) as Record<string, string>,
    };
    const payout = await this.getPayout(tenantId, lock.payoutId);
    return payout === undefined ? undefined : { payout, lock };
  }

  async findByProviderReference(provider: string, providerReference: string): Promise<Payout | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.payoutsTable,
        Key: { pk: providerRefPk(provider, providerReference), sk: PROVIDER_REF_SK },
        ConsistentRead: true,
      }),
    );
    return Item === undefined ? undefined : this.getPayoutById(String(Item['payoutId']));
  }

  listPayouts(query: PayoutListQuery): Promise<PayoutPage> {
    return listPayouts(this, query);
  }

  /** The timeline of a tenant's payout, oldest first; `undefined` when the payout is not the tenant's. */
  async listTimeline(tenantId: string, payoutId: string): Promise<TimelineEntry[] | undefined> {
    const payout = await this.getPayout(tenantId, payoutId);
    return payout === undefined ? undefined : listTimeline(this, payoutId);
  }

  /** Any tenant's payout timeline, oldest first: for the operator routes, which audit every read. */
  listTimelineOfAnyTenant(payoutId: string): Promise<TimelineEntry[]> {
    return listTimeline(this, payoutId);
  }

  /** adapters/payout-holds.ts: the submitter's claim, conditional on no open hold. */
  claimForSubmission(payoutId: string, at: string): Promise<ClaimResult> {
    return claimForSubmission(this, payoutId, at);
  }

  placeHold(change: HoldChange): Promise<PlaceResult> {
    return placeHold(this, change);
  }

  releaseHold(change: HoldChange): Promise<ReleaseResult> {
    return releaseHold(this, change);
  }

  /** The "before funds move" queue of one owner, oldest first (hold-queue.ts). */
  listOpenHolds(query: { owner: HoldOwner; cursor?: string; limit: number }): Promise<OpenHoldsPage> {
    return listOpenHolds(this.client, this.payoutsTable, query);
  }

  timelinePut(entry: TimelineEntry): TransactItem {
    return {
      Put: {
        TableName: this.payoutsTable,
        Item: {
          pk: payoutPk(entry.payoutId),
          sk: `${EVENT_SK_PREFIX}${entry.at}#${ulid()}`,
          entity: 'timeline_entry',
          ...entry,
        },
      },
    };
  }
}
