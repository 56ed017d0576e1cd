import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Hold } from '../domain/compliance/contract';
import { payoutHoldEntry } from '../domain/compliance/hold-audit';
import type { TransitionSource } from '../domain/lifecycle';
import type { Actor, Payout } from '../domain/payout';
import { auditChainMoved } from './audit-trail';
import { cancellationCodes, hasTransactionConflict, itemConditionFailed, jitterSleep } from './dynamo-errors';
import { holdQueueDelete, holdQueuePut } from './hold-queue';
import type { TransactItem } from './ledger-writes';
import { PAYOUT_SK, payoutFromItem, payoutPk } from './payout-items';
import { TRANSITION_ATTEMPTS_MAX, TRANSITION_RETRY_DELAY_MS_MAX } from './payout-transitions';
import { TransitionConflictError } from './payouts-errors';
import type { PayoutsStore } from './payouts-store';

/**
 * The storage of a payout's holds (issue 15, domain/compliance/holds.ts): the `holds` map and the
 * `openHoldCount` of the payout item, changed in one transaction with a timeline record and an
 * audit record. Not a lifecycle transition: the version is not bumped (like `reversal`), and
 * transitions never write these attributes, so neither write loses the other's.
 *
 * The race that matters is a hold placed while the submitter is about to call the provider. Both
 * sides decide on one item with a condition: the submitter's claim (`submissionClaimedAt`) needs
 * `openHoldCount = 0`; a placement needs no claim. Whichever write lands first wins; the loser sees
 * it (a claim refused: the payout is held; a placement refused: the payout has reached the
 * submitter and is treated as at the provider).
 */
export interface HoldChange {
  payout: Payout;
  hold: Hold;
  source: TransitionSource;
  sourceRef: string;
  actor: Actor;
  at: string;
  /** Why the principal released it (the release routes' body), kept in the audit record. */
  reason?: string;
}

export type PlaceResult = 'placed' | 'already_held' | 'not_holdable';
export type ReleaseResult = { kind: 'released'; openHoldCount: number } | { kind: 'already_released' | 'not_found' };
export type ClaimResult = 'claimed' | 'held' | 'moved';

/** Places a hold; the same holdId twice is one hold (the screening signal may repeat). */
export async function placeHold(repo: PayoutsStore, change: HoldChange): Promise<PlaceResult> {
  const { payout, hold } = change;
  const hasMap = payout.holds !== undefined;
  const update: TransactItem = {
    Update: {
      TableName: repo.payoutsTable,
      Key: { pk: payoutPk(payout.payoutId), sk: PAYOUT_SK },
      // A payout without the map gets it whole; DynamoDB refuses a path under a missing map.
      UpdateExpression: hasMap
        ? 'SET holds.#holdId = :hold ADD openHoldCount :one'
        : 'SET holds = :holds ADD openHoldCount :one',
      ConditionExpression:
        'attribute_exists(pk) AND attribute_not_exists(submissionClaimedAt) AND #status IN (:ra, :submitted) AND ' +
        (hasMap ? 'attribute_exists(holds) AND attribute_not_exists(holds.#holdId)' : 'attribute_not_exists(holds)'),
      ExpressionAttributeNames: { '#status': 'status', ...(hasMap ? { '#holdId': hold.holdId } : {}) },
      ExpressionAttributeValues: {
        ...(hasMap ? { ':hold': hold } : { ':holds': { [hold.holdId]: hold } }),
        ':one': 1,
        ':ra': 'requires_approval',
        ':submitted': 'submitted',
      },
    },
  };
  const queued = holdQueuePut(repo.payoutsTable, payout, hold);
  const written = await writeWithAudit(repo, change, 'hold_placed', update, queued);
  if (written) return 'placed';
  const now = await readPayout(repo, payout.payoutId);
  if (now?.holds?.[hold.holdId] !== undefined) return 'already_held';
  if (now === undefined || now.submissionClaimedAt !== undefined) return 'not_holdable';
  if (now.status !== 'requires_approval' && now.status !== 'submitted') return 'not_holdable';
  // The map appeared (or vanished) between our read and our write: once more on the fresh read.
  return placeHold(repo, { ...change, payout: now });
}

/** Releases an open hold; a hold already released is an idempotent success of the caller's retry. */
export async function releaseHold(repo: PayoutsStore, change: HoldChange): Promise<ReleaseResult> {
  const { payout, hold } = change;
  const releasedBy = `${change.actor.kind}:${change.actor.id}`;
  const update: TransactItem = {
    Update: {
      TableName: repo.payoutsTable,
      Key: { pk: payoutPk(payout.payoutId), sk: PAYOUT_SK },
      UpdateExpression:
        'SET holds.#holdId.releasedAt = :at, holds.#holdId.releasedBy = :by ADD openHoldCount :minusOne',
      ConditionExpression: 'attribute_exists(holds.#holdId) AND attribute_not_exists(holds.#holdId.releasedAt)',
      ExpressionAttributeNames: { '#holdId': hold.holdId },
      ExpressionAttributeValues: { ':at': change.at, ':by': releasedBy, ':minusOne': -1 },
    },
  };
  const released = { ...hold, releasedAt: change.at, releasedBy };
  const dequeued = holdQueueDelete(repo.payoutsTable, payout.payoutId, hold);
  if (await writeWithAudit(repo, { ...change, hold: released }, 'hold_released', update, dequeued)) {
    const now = await readPayout(repo, payout.payoutId);
    return { kind: 'released', openHoldCount: now?.openHoldCount ?? 0 };
  }
  const now = await readPayout(repo, payout.payoutId);
  const stored = now?.holds?.[hold.holdId];
  return stored === undefined ? { kind: 'not_found' } : { kind: 'already_released' };
}

/**
 * The submitter's claim, before its provider call: conditional on `submitted` and no open hold.
 * Idempotent (a retry of the same message keeps the first claim time).
 */
export async function claimForSubmission(repo: PayoutsStore, payoutId: string, at: string): Promise<ClaimResult> {
  try {
    await repo.client.send(
      new UpdateCommand({
        TableName: repo.payoutsTable,
        Key: { pk: payoutPk(payoutId), sk: PAYOUT_SK },
        UpdateExpression: 'SET submissionClaimedAt = if_not_exists(submissionClaimedAt, :at)',
        ConditionExpression: '#status = :submitted AND (attribute_not_exists(openHoldCount) OR openHoldCount <= :zero)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':at': at, ':submitted': 'submitted', ':zero': 0 },
      }),
    );
    return 'claimed';
  } catch (error) {
    if ((error as { name?: string } | null)?.name !== 'ConditionalCheckFailedException') throw error;
    const now = await readPayout(repo, payoutId);
    return (now?.openHoldCount ?? 0) > 0 ? 'held' : 'moved';
  }
}

/**
 * The update, its timeline record, its audit record and its queue item's put or delete
 * (hold-queue.ts) in one transaction; false when the update's condition failed. The queue item
 * goes last so the audit items keep their index (auditChainMoved reads it).
 */
async function writeWithAudit(
  repo: PayoutsStore,
  change: HoldChange,
  record: 'hold_placed' | 'hold_released',
  update: TransactItem,
  queueItem: TransactItem,
): Promise<boolean> {
  const { payout, hold } = change;
  const timeline = repo.timelinePut({
    payoutId: payout.payoutId,
    at: change.at,
    occurredAt: change.at,
    event: record,
    outcome: 'recorded',
    from: payout.status,
    source: change.source,
    sourceRef: change.sourceRef,
    actor: { kind: change.actor.kind, id: change.actor.id },
    holdId: hold.holdId,
  });
  const entry = payoutHoldEntry({ ...change, record });
  let lastError: unknown;
  for (let attempt = 1; attempt <= TRANSITION_ATTEMPTS_MAX; attempt++) {
    const audit = await repo.audit.prepare(entry);
    try {
      await repo.client.send(
        new TransactWriteCommand({ TransactItems: [update, timeline, ...audit.items, queueItem] }),
      );
      return true;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes === undefined) throw error;
      if (itemConditionFailed(codes, 0)) return false;
      // Only the payout's audit chain moved (a record appended after our head read): re-read it.
      if (!auditChainMoved(codes, 2) && !hasTransactionConflict(codes)) throw error;
      lastError = error;
      if (attempt < TRANSITION_ATTEMPTS_MAX) await jitterSleep(TRANSITION_RETRY_DELAY_MS_MAX);
    }
  }
  throw new TransitionConflictError(payout.payoutId, TRANSITION_ATTEMPTS_MAX, { cause: lastError });
}

async function readPayout(repo: PayoutsStore, payoutId: string): Promise<Payout | undefined> {
  const { Item } = await repo.client.send(
    new GetCommand({
      TableName: repo.payoutsTable,
      Key: { pk: payoutPk(payoutId), sk: PAYOUT_SK },
      ConsistentRead: true,
    }),
  );
  return Item === undefined ? undefined : payoutFromItem(Item);
}
