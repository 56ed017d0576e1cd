import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { contradictsCorrection } from '../domain/corrections';
import { checkEventOwnership, isOwnershipCheckedSource } from '../domain/event-ownership';
import { postingsFor } from '../domain/ledger';
import { payoutContradictedEntry, payoutTransitionEntry } from '../domain/audit-entries';
import { decide } from '../domain/lifecycle';
import type { Payout, TransitionCommand, TransitionResult } from '../domain/payout';
import type { PayoutStatus } from '../domain/lifecycle';
import { ledgerCopyClauses, updateExpressionOf, type UpdateClauses } from './ledger-copy';
import { journalWrites, type TransactItem } from './ledger-writes';
import { DEDUP_SK, PAYOUT_SK, dedupPk, payoutPk, tenantStatusGsiPk, waitingIndexKeys } from './payout-items';
import { ActionKeyTakenError, lockRefused } from './action-keys';
import { claimOf, referenceHolderOf, referenceIndexCheck, referenceIndexPut } from './payout-ownership';
import { auditChainMoved } from './audit-trail';
import { cancellationCodes, hasTransactionConflict, itemConditionFailed, jitterSleep } from './dynamo-errors';
import { ProviderReferenceConflictError, TransitionConflictError } from './payouts-errors';
import type { PayoutsStore } from './payouts-store';

export { ProviderReferenceConflictError, TransitionConflictError } from './payouts-errors';

/** Attempts when another writer moved the payout between our read and our write (version conflict). */
export const TRANSITION_ATTEMPTS_MAX = 5;
/** Upper bound of the jittered pause between attempts. */
export const TRANSITION_RETRY_DELAY_MS_MAX = 50;
/** Request ids kept on a payout: the first (creation) and the most recent ones. */
export const PAYOUT_REQUEST_IDS_MAX = 50;

/** How a caller's own action (the tenant's approve, reject, cancel; app/actions) is applied. */
export interface TransitionOptions {
  /**
   * The action key lock (adapters/action-keys.ts), written in the same transaction as whatever this
   * transition writes; a lock that already exists fails it with ActionKeyTakenError.
   */
  actionKey?: TransactItem;
  /**
   * false: an event that is stale or forbidden in the status read writes nothing (no timeline entry,
   * audit or lock) and is returned as such — the caller refuses the request (409) and a refusal
   * must change no state. Default true: a provider's stale or forbidden word is recorded.
   */
  recordUnapplied?: boolean;
  /** What the actor said (a reason, a note), kept with the audit record of the transition. */
  auditDetails?: Record<string, unknown>;
}

/**
 * Consistent read → ownership → `decide` → one TransactWriteItems conditional on the status and
 * version read. Precedence of outcomes: not_found, then rejected_ownership, then duplicate (the
 * dedup record exists), then the decision.
 * - rejected_ownership: the command's claim (event-ownership.ts) is not about the payout read:
 *   nothing is written — no status, postings, reference, timeline entry or dedup record (so a replay
 *   after a fix is checked again). Decided before the dedup record because a claim that is not
 *   this payout's must not even be recorded against it. A claimed reference the payout does not
 *   hold yet is checked inside the transaction against the provider-reference index (a failed
 *   condition there is a rejection too, with the holder read as evidence);
 * - transition: payout update, timeline entry, journal entry + balances, audit record and chain head
 *   (audit-trail.ts; + provider-ref index item when the reference is first set, + dedup record);
 * - stale: timeline entry marked stale + dedup record, payout untouched (a version check still
 *   guards it, so "stale" is decided on the state that is current when we write);
 * - forbidden: timeline entry marked forbidden + audit, no status change, no dedup record — a
 *   redelivery is recorded again and the caller's exception opening must be idempotent;
 * - contradicted (decided before the table, for a provider's word only): the event disagrees with
 *   the payout's applied status correction (domain/corrections.ts). Like forbidden — timeline entry
 *   and audit, nothing else — and the dedup key is checked, not written: an event applied before the
 *   correction and redelivered after it is a duplicate, a new one is recorded again each time it
 *   comes, so the caller's exception is opened on every delivery until one succeeds (idempotent).
 * Every timeline entry names its actor. With `options.recordUnapplied === false` (a tenant's action
 * refused in this status) stale and forbidden write nothing at all; with `options.actionKey` the lock
 * joins whatever is written, and a stale outcome is audited too (the caller's action happened).
 * A version conflict (someone else moved the payout, or appended to its audit chain: an operator's
 * read) is retried TRANSITION_ATTEMPTS_MAX times; every attempt re-reads the payout, re-checks
 * ownership and re-reads the chain head, so the check and the write always see one version.
 */
export async function applyTransition(
  repo: PayoutsStore,
  cmd: TransitionCommand,
  options: TransitionOptions = {},
): Promise<TransitionResult> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= TRANSITION_ATTEMPTS_MAX; attempt++) {
    const outcome = await attemptTransition(repo, cmd, options);
    if (outcome.kind !== 'retry') return outcome;
    lastError = outcome.error;
    if (attempt < TRANSITION_ATTEMPTS_MAX) await jitterSleep(TRANSITION_RETRY_DELAY_MS_MAX);
  }
  throw new TransitionConflictError(cmd.payoutId, TRANSITION_ATTEMPTS_MAX, { cause: lastError });
}

/** One attempt: another writer moved the payout or its chain since the read → `retry`. */
type Attempt = TransitionResult | { kind: 'retry'; error: unknown };

/** The writes of one attempt, and where the items whose failed condition means something sit. */
interface PlannedWrite {
  items: TransactItem[];
  result: TransitionResult;
  /** Where the provider-reference index item sits in `items`, when there is one. */
  refIndex: number;
  /** Where the two audit items sit in `items`, when the outcome is audited. */
  auditIndex: number;
}

async function attemptTransition(
  repo: PayoutsStore,
  cmd: TransitionCommand,
  options: TransitionOptions,
): Promise<Attempt> {
  const claim = claimOf(cmd);
  const payout = await repo.getPayoutById(cmd.payoutId);
  if (payout === undefined) return { kind: 'not_found' };
  const verdict = claim === undefined ? undefined : checkEventOwnership(payout, claim);
  if (verdict !== undefined && !verdict.ok)
    return { kind: 'rejected_ownership', payout, mismatches: verdict.mismatches };
  if (contradictsCorrection(payout, cmd.event, isOwnershipCheckedSource(cmd.source))) {
    const outcome = await writeContradiction(repo, payout, cmd);
    if (outcome === 'conflict') {
      const error = new Error(`payout ${payout.payoutId} or its audit chain moved while a contradiction was recorded`);
      return { kind: 'retry', error };
    }
    return outcome === 'duplicate' ? { kind: 'duplicate' } : { kind: 'contradicted', payout };
  }
  const decision = decide(payout.status, cmd.event);
  if (decision.kind !== 'transition' && options.recordUnapplied === false) {
    return decision.kind === 'stale' ? { kind: 'stale', payout } : { kind: 'forbidden', payout };
  }
  const planned =
    decision.kind === 'transition'
      ? await planApplied(repo, payout, cmd, decision.to, options)
      : await planUnapplied(
          repo,
          payout,
          cmd,
          decision.kind,
          options,
          verdict?.ok === true ? verdict.newReference : undefined,
        );
  return commitTransition(repo, payout, cmd, options, planned, decision.kind !== 'forbidden');
}

/** A transition: payout update, timeline entry, audit, the reference index when first set, the journal. */
async function planApplied(
  repo: PayoutsStore,
  payout: Payout,
  cmd: TransitionCommand,
  to: PayoutStatus,
  options: TransitionOptions,
): Promise<PlannedWrite> {
  const next = nextPayout(payout, cmd, to);
  const journal = {
    ledgerTable: repo.ledgerTable,
    tenantId: payout.tenantId,
    payoutId: payout.payoutId,
    currency: payout.currency,
    version: next.version,
    event: cmd.event,
    postings: postingsFor({
      from: payout.status,
      to,
      amountMinor: payout.amountMinor,
      ...(next.feeMinor === undefined ? {} : { feeMinor: next.feeMinor }),
    }),
    recordedAt: cmd.recordedAt,
    sourceRef: cmd.sourceRef,
  };
  const items: TransactItem[] = [
    {
      Update: {
        TableName: repo.payoutsTable,
        Key: { pk: payoutPk(payout.payoutId), sk: PAYOUT_SK },
        // The journal's copy rides in this Update: a second operation on the item would fail the transaction.
        ...transitionUpdate(payout, next, ledgerCopyClauses(journal)),
      },
    },
    repo.timelinePut({ ...timelineFields(payout, cmd), outcome: 'applied', to }),
  ];
  const auditIndex = items.length;
  const reached = { status: next.status, version: next.version };
  const audited = payoutTransitionEntry(payout, cmd, 'applied', reached, options.auditDetails);
  items.push(...(await repo.audit.prepare(audited)).items);
  let refIndex = -1;
  if (next.providerReference !== undefined && payout.providerReference === undefined) {
    refIndex = items.length;
    items.push(referenceIndexPut(repo, payout, next.providerReference));
  }
  items.push(...journalWrites(journal));
  return { items, result: { kind: 'applied', payout: next, from: payout.status, to }, refIndex, auditIndex };
}

/** Stale or forbidden: a version check and the timeline entry; audited when forbidden or the caller's own. */
async function planUnapplied(
  repo: PayoutsStore,
  payout: Payout,
  cmd: TransitionCommand,
  kind: 'stale' | 'forbidden',
  options: TransitionOptions,
  newReference: string | undefined,
): Promise<PlannedWrite> {
  const items: TransactItem[] = [
    {
      ConditionCheck: {
        TableName: repo.payoutsTable,
        Key: { pk: payoutPk(payout.payoutId), sk: PAYOUT_SK },
        ...versionCondition(payout),
      },
    },
    repo.timelinePut({ ...timelineFields(payout, cmd), outcome: kind }),
  ];
  let auditIndex = -1;
  // A caller's own action (it carries an action key) is audited even when it changed nothing.
  if (kind === 'forbidden' || options.actionKey !== undefined) {
    auditIndex = items.length;
    const audited = payoutTransitionEntry(payout, cmd, kind, undefined, options.auditDetails);
    items.push(...(await repo.audit.prepare(audited)).items);
  }
  let refIndex = -1;
  if (newReference !== undefined) {
    refIndex = items.length;
    items.push(referenceIndexCheck(repo, payout, newReference));
  }
  return { items, result: { kind, payout }, refIndex, auditIndex };
}

/** The timeline entry's fields every outcome shares. */
const timelineFields = (payout: Payout, cmd: TransitionCommand) => ({
  payoutId: payout.payoutId,
  at: cmd.recordedAt,
  occurredAt: cmd.occurredAt,
  event: cmd.event,
  from: payout.status,
  source: cmd.source,
  sourceRef: cmd.sourceRef,
  actor: { kind: cmd.actor.kind, id: cmd.actor.id },
  ...(cmd.statusReason === undefined ? {} : { statusReason: cmd.statusReason }),
});

/**
 * Adds the dedup record (not for forbidden: a redelivery is recorded again) and the action key lock,
 * writes, and reads a refusal: a duplicate, a used key, a moved payout or chain (retry), or a
 * provider reference another payout holds (a rejection, with the holder as evidence).
 */
async function commitTransition(
  repo: PayoutsStore,
  payout: Payout,
  cmd: TransitionCommand,
  options: TransitionOptions,
  planned: PlannedWrite,
  dedupWritten: boolean,
): Promise<Attempt> {
  const { items, result } = planned;
  const dedupIndex = cmd.dedup !== undefined && dedupWritten ? items.length : -1;
  if (cmd.dedup !== undefined && dedupIndex >= 0) items.push(dedupPut(repo, payout, cmd, result));
  const lockIndex = options.actionKey === undefined ? -1 : items.length;
  if (options.actionKey !== undefined) items.push(options.actionKey);
  try {
    await repo.client.send(new TransactWriteCommand({ TransactItems: items }));
    return result;
  } catch (error) {
    const codes = cancellationCodes(error);
    if (codes === undefined) throw error;
    if (itemConditionFailed(codes, dedupIndex)) return { kind: 'duplicate' };
    if (lockRefused(codes, lockIndex)) throw new ActionKeyTakenError(cmd.sourceRef, { cause: error });
    // Moved: the payout's version, or its audit chain (an operator's read appended to it).
    const payoutMoved = itemConditionFailed(codes, 0) || auditChainMoved(codes, planned.auditIndex);
    if (!payoutMoved && !hasTransactionConflict(codes)) {
      if (!itemConditionFailed(codes, planned.refIndex)) throw error;
      const rejected = await referenceRejection(repo, payout, cmd, error);
      if (rejected !== undefined) return rejected;
      // The index names this payout now: a concurrent transition of it recorded the reference; re-read.
    }
    return { kind: 'retry', error };
  }
}

const dedupPut = (
  repo: PayoutsStore,
  payout: Payout,
  cmd: TransitionCommand,
  result: TransitionResult,
): TransactItem => ({
  Put: {
    TableName: repo.payoutsTable,
    Item: {
      pk: dedupPk(cmd.dedup!.provider, cmd.dedup!.providerEventId),
      sk: DEDUP_SK,
      entity: 'provider_event',
      payoutId: payout.payoutId,
      event: cmd.event,
      outcome: result.kind,
      recordedAt: cmd.recordedAt,
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

/** The claimed reference is another payout's: the claim is rejected (undefined: it is this payout's now). */
async function referenceRejection(
  repo: PayoutsStore,
  payout: Payout,
  cmd: TransitionCommand,
  error: unknown,
): Promise<TransitionResult | undefined> {
  const claim = claimOf(cmd);
  // Without a claim (the submitter's own answer) a taken reference stays a provider bug to surface.
  if (claim === undefined) {
    throw new ProviderReferenceConflictError(payout.provider, cmd.providerReference ?? '', { cause: error });
  }
  const holder = await referenceHolderOf(repo, payout.provider, claim.providerReference ?? '');
  const rejected = checkEventOwnership(payout, claim, holder === undefined ? {} : { referenceHolder: holder });
  return rejected.ok ? undefined : { kind: 'rejected_ownership', payout, mismatches: rejected.mismatches };
}

/**
 * Sets only what a transition owns (status, version, reasons, fee, reference, request ids, the
 * approval's decision, the status index key, the gsi3 "waiting" keys: set while waiting, REMOVEd as
 * it leaves), so attributes other modules keep on the payout item — `exceptionOwner` (exceptions),
 * `reconciledAt` (reconciliation), `reversal` (payout-reversals.ts) — survive a transition that read
 * them before they changed.
 */
function transitionUpdate(
  payout: Payout,
  next: Payout,
  ledgerCopy: UpdateClauses,
): {
  UpdateExpression: string;
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
} {
  const condition = versionCondition(payout);
  const values: Record<string, unknown> = {
    ...condition.ExpressionAttributeValues,
    ':status': next.status,
    ':version': next.version,
    ':lastEventAt': next.lastEventAt,
    ':requestIds': next.requestIds,
    ':gsi2pk': tenantStatusGsiPk(next.tenantId, next.status),
  };
  const sets = [
    '#status = :status',
    '#version = :version',
    'lastEventAt = :lastEventAt',
    'requestIds = :requestIds',
    'gsi2pk = :gsi2pk',
  ];
  for (const name of ['statusReason', 'feeMinor', 'providerReference', 'providerTransactionId', 'approval'] as const) {
    if (next[name] !== undefined && next[name] !== payout[name]) {
      sets.push(`${name} = :${name}`);
      values[`:${name}`] = next[name];
    }
  }
  // The one sparse gsi3 holds every kind of waiting (payout-items.ts): the keys follow `next`.
  const awaiting = waitingIndexKeys(next);
  if (awaiting !== undefined) {
    sets.push('gsi3pk = :gsi3pk', 'gsi3sk = :gsi3sk');
    values[':gsi3pk'] = awaiting.gsi3pk;
    values[':gsi3sk'] = awaiting.gsi3sk;
  }
  const removes = awaiting === undefined ? ['gsi3pk', 'gsi3sk'] : [];
  Object.assign(values, ledgerCopy.values);
  return {
    UpdateExpression: updateExpressionOf([...sets, ...ledgerCopy.sets], [...removes, ...ledgerCopy.removes]),
    ConditionExpression: condition.ConditionExpression,
    ExpressionAttributeNames: condition.ExpressionAttributeNames,
    ExpressionAttributeValues: values,
  };
}

function versionCondition(payout: Payout): {
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
} {
  return {
    ConditionExpression: '#status = :expectedStatus AND #version = :expectedVersion',
    ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
    ExpressionAttributeValues: { ':expectedStatus': payout.status, ':expectedVersion': payout.version },
  };
}

/** The payout after a transition: exported so the simulation's in-memory store moves payouts the same way. */
export function nextPayout(payout: Payout, cmd: TransitionCommand, to: Payout['status']): Payout {
  const next: Payout = { ...payout, status: to, version: payout.version + 1, lastEventAt: cmd.recordedAt };
  if (cmd.statusReason !== undefined) next.statusReason = cmd.statusReason;
  if (cmd.feeMinor !== undefined) next.feeMinor = cmd.feeMinor;
  if (cmd.approvalDecision !== undefined && payout.approval !== undefined)
    next.approval = { ...payout.approval, decision: cmd.approvalDecision };
  // The first reference sticks: a later, different one is recorded in the timeline's sourceRef only.
  if (cmd.providerReference !== undefined && payout.providerReference === undefined)
    next.providerReference = cmd.providerReference;
  if (cmd.providerTransactionId !== undefined && payout.providerTransactionId === undefined)
    next.providerTransactionId = cmd.providerTransactionId;
  if (cmd.source === 'api' || cmd.source === 'operator')
    next.requestIds = withRequestId(payout.requestIds, cmd.sourceRef);
  return next;
}

/** The payout's request ids with `requestId` added: the first (creation) and the most recent ones. */
export function withRequestId(requestIds: readonly string[], requestId: string): string[] {
  if (requestIds.includes(requestId)) return [...requestIds];
  const [first, ...rest] = requestIds;
  return first === undefined ? [requestId] : [first, ...[...rest, requestId].slice(-(PAYOUT_REQUEST_IDS_MAX - 1))];
}

/**
 * Records a provider event that contradicts the payout's status correction: a timeline entry marked
 * `contradicted` and its audit record (the payout's chain, outcome `contradicted`), conditional on
 * the version read and the chain head read (a concurrent change or an operator's read: re-read) and
 * on the event not having been applied before (dedup key checked, not written).
 */
async function writeContradiction(
  repo: PayoutsStore,
  payout: Payout,
  cmd: TransitionCommand,
): Promise<'written' | 'duplicate' | 'conflict'> {
  const audit = await repo.audit.prepare(payoutContradictedEntry(payout, cmd));
  const items: TransactItem[] = [
    {
      ConditionCheck: {
        TableName: repo.payoutsTable,
        Key: { pk: payoutPk(payout.payoutId), sk: PAYOUT_SK },
        ...versionCondition(payout),
      },
    },
    repo.timelinePut({
      payoutId: payout.payoutId,
      at: cmd.recordedAt,
      occurredAt: cmd.occurredAt,
      event: cmd.event,
      outcome: 'contradicted',
      from: payout.status,
      source: cmd.source,
      sourceRef: cmd.sourceRef,
      statusReason: `contradicts correction ${payout.statusCorrectionId ?? '(unknown)'} (${payout.correctedStatus})`,
    }),
  ];
  const auditAt = items.length;
  items.push(...audit.items);
  const dedupAt = cmd.dedup === undefined ? -1 : items.length;
  if (cmd.dedup !== undefined) {
    const key = { pk: dedupPk(cmd.dedup.provider, cmd.dedup.providerEventId), sk: DEDUP_SK };
    items.push({
      ConditionCheck: { TableName: repo.payoutsTable, Key: key, ConditionExpression: 'attribute_not_exists(pk)' },
    });
  }
  try {
    await repo.client.send(new TransactWriteCommand({ TransactItems: items }));
    return 'written';
  } catch (error) {
    const codes = cancellationCodes(error);
    if (codes === undefined) throw error;
    if (itemConditionFailed(codes, dedupAt)) return 'duplicate';
    const moved = itemConditionFailed(codes, 0) || auditChainMoved(codes, auditAt);
    if (moved || hasTransactionConflict(codes)) return 'conflict';
    throw error;
  }
}
