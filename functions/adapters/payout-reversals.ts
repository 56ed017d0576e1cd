import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { TransitionSource } from '../domain/lifecycle';
import type { Actor, Payout, PayoutRecord } from '../domain/payout';
import type { PayoutReversal } from '../domain/reversal';
import { payoutReversalEntry } from '../domain/audit-entries';
import { ActionKeyTakenError, lockRefused } from './action-keys';
import { auditChainMoved } from './audit-trail';
import { cancellationCodes, hasTransactionConflict, itemConditionFailed, jitterSleep } from './dynamo-errors';
import type { TransactItem } from './ledger-writes';
import { PAYOUT_SK, payoutPk, reversalIndexKeys } from './payout-items';
import { PAYOUT_REQUEST_IDS_MAX, TRANSITION_ATTEMPTS_MAX, TRANSITION_RETRY_DELAY_MS_MAX } from './payout-transitions';
import { TransitionConflictError } from './payouts-errors';
import type { PayoutsStore } from './payouts-store';

/**
 * The storage of a payout's reversal request (domain/reversal.ts): the `reversal` attribute of the
 * payout item, changed in one transaction with its timeline record, its audit record and, for a
 * caller's action, its action key lock. Not a lifecycle transition: the payout stays `paid` and its
 * version is not bumped (like `exceptionOwner`), so a concurrent transition never retries for it;
 * transitions never write `reversal` (payout-transitions.ts), so neither write loses the other's.
 * Every write is conditional on the payout still being paid and on the reversal as it was read, so
 * two approvers, or an approver and the sweeper, cannot both move one request. Its audit record
 * (audit-trail.ts, on the payout's chain) rides in the same transaction; when only the chain moved
 * (an operator's read, a transition's record) the write is retried on the new head, up to
 * TRANSITION_ATTEMPTS_MAX times, like a transition's.
 *
 * While a reversal is approved or sent the payout carries the REVERSAL gsi3 keys (payout-items.ts):
 * the sweeper re-sends an approved one and re-asks the provider about a sent one; `paid → reversed`
 * REMOVEs them in the same write that books settled → available.
 */
export interface ReversalWrite {
  payout: Payout;
  /** The reversal as read (undefined: the payout had none), which the write is conditional on. */
  expected: PayoutReversal | undefined;
  next: PayoutReversal;
  record: PayoutRecord;
  /** `api` for a tenant's call, `sweeper` for the sweeper re-sending or confirming. */
  source: TransitionSource;
  actor: Actor;
  /** Request-Id of the call, or the sweeper's run reference. */
  sourceRef: string;
  at: string;
  /** Whether the call's Request-Id joins the payout's request ids (api calls do). */
  addRequestId: boolean;
  auditDetails?: Record<string, unknown>;
  lock?: TransactItem;
}

export type ReversalWriteResult = { kind: 'written'; payout: Payout } | { kind: 'conflict' };

export async function writeReversal(repo: PayoutsStore, write: ReversalWrite): Promise<ReversalWriteResult> {
  const { payout, next } = write;
  const requestIds =
    write.addRequestId && !payout.requestIds.includes(write.sourceRef)
      ? withRequestId(payout.requestIds, write.sourceRef)
      : payout.requestIds;
  const updated: Payout = { ...payout, reversal: next, requestIds };
  const items: TransactItem[] = [reversalUpdate(repo, write, updated), reversalTimelinePut(repo, write)];
  const audited = payoutReversalEntry({
    payout,
    record: write.record,
    before: write.expected,
    after: next,
    source: write.source,
    sourceRef: write.sourceRef,
    actor: write.actor,
    at: write.at,
    ...(write.auditDetails === undefined ? {} : { said: write.auditDetails }),
  });
  const auditIndex = items.length;
  const lockIndex = write.lock === undefined ? -1 : auditIndex + 2;
  let lastError: unknown;
  for (let attempt = 1; attempt <= TRANSITION_ATTEMPTS_MAX; attempt++) {
    const audit = await repo.audit.prepare(audited);
    const transaction = [...items, ...audit.items, ...(write.lock === undefined ? [] : [write.lock])];
    try {
      await repo.client.send(new TransactWriteCommand({ TransactItems: transaction }));
      return { kind: 'written', payout: updated };
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes === undefined) throw error;
      if (lockRefused(codes, lockIndex)) throw new ActionKeyTakenError(write.sourceRef, { cause: error });
      // The payout moved on, or someone else decided the reversal first: the caller re-reads.
      if (itemConditionFailed(codes, 0)) return { kind: 'conflict' };
      // Only the payout's audit chain moved (a record was appended after our head read): re-read it.
      if (!auditChainMoved(codes, auditIndex) && !hasTransactionConflict(codes)) throw error;
      lastError = error;
      if (attempt < TRANSITION_ATTEMPTS_MAX) await jitterSleep(TRANSITION_RETRY_DELAY_MS_MAX);
    }
  }
  throw new TransitionConflictError(payout.payoutId, TRANSITION_ATTEMPTS_MAX, { cause: lastError });
}

/** The payout's reversal and request ids, conditional on it being paid and the reversal being as read. */
function reversalUpdate(repo: PayoutsStore, write: ReversalWrite, updated: Payout): TransactItem {
  const keys = reversalIndexKeys(updated);
  const values: Record<string, unknown> = {
    ':reversal': write.next,
    ':requestIds': updated.requestIds,
    ':paid': 'paid',
  };
  let condition = '#status = :paid AND ';
  if (write.expected === undefined) {
    condition += 'attribute_not_exists(reversal)';
  } else {
    condition += 'reversal.reversalId = :expectedId AND reversal.#reversalStatus = :expectedStatus';
    values[':expectedId'] = write.expected.reversalId;
    values[':expectedStatus'] = write.expected.status;
  }
  if (keys !== undefined) Object.assign(values, { ':gsi3pk': keys.gsi3pk, ':gsi3sk': keys.gsi3sk });
  const index = keys === undefined ? ' REMOVE gsi3pk, gsi3sk' : ', gsi3pk = :gsi3pk, gsi3sk = :gsi3sk';
  return {
    Update: {
      TableName: repo.payoutsTable,
      Key: { pk: payoutPk(write.payout.payoutId), sk: PAYOUT_SK },
      UpdateExpression: `SET reversal = :reversal, requestIds = :requestIds${index}`,
      ConditionExpression: condition,
      ExpressionAttributeNames: {
        '#status': 'status',
        ...(write.expected === undefined ? {} : { '#reversalStatus': 'status' }),
      },
      ExpressionAttributeValues: values,
    },
  };
}

const reversalTimelinePut = (repo: PayoutsStore, write: ReversalWrite): TransactItem =>
  repo.timelinePut({
    payoutId: write.payout.payoutId,
    at: write.at,
    occurredAt: write.at,
    event: write.record,
    outcome: 'recorded',
    from: write.payout.status,
    source: write.source,
    sourceRef: write.sourceRef,
    actor: { kind: write.actor.kind, id: write.actor.id },
    reversalId: write.next.reversalId,
  });

function withRequestId(requestIds: readonly string[], requestId: string): string[] {
  const [first, ...rest] = requestIds;
  return first === undefined ? [requestId] : [first, ...[...rest, requestId].slice(-(PAYOUT_REQUEST_IDS_MAX - 1))];
}
