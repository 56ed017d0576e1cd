import { assertNever } from '../assert-never';
import {
  exceptionIdFor,
  openException,
  type BatchGroupCategory,
  type ExceptionOpening,
  type ExceptionSubject,
} from '../exceptions';
import { FAILURE_SOURCE_BY_CODE, FAILURE_SOURCES, type FailureSource } from '../failure-source';

/**
 * A batch's failed items as exceptions (issue 13): one exception per (batch, failure source), with
 * a count and the item list, so 3,000 failed items are one readable exception, not 3,000 rows.
 * A failed item of a batch opens no per-payout exception: its group is where ops finds it.
 */

/** Items of a group one answer carries (the first page on GET /exceptions; each further page). */
export const BATCH_EXCEPTION_ITEMS_PAGE_MAX = 100;

export function batchGroupCategory(source: FailureSource): BatchGroupCategory {
  switch (source) {
    case 'provider':
      return 'batch_items_failed_provider';
    case 'recipient':
      return 'batch_items_failed_recipient';
    case 'compliance':
      return 'batch_items_failed_compliance';
    case 'platform':
      return 'batch_items_failed_platform';
    default:
      return assertNever(source, 'failure source');
  }
}

export const batchGroupSubject = (batchId: string, source: FailureSource): ExceptionSubject => ({
  category: batchGroupCategory(source),
  batchId,
});

/** The ids of a batch's (at most four) groups: GET /exceptions?batch_id= reads them by key, no index. */
export const batchGroupExceptionIds = (batchId: string): Array<{ source: FailureSource; exceptionId: string }> =>
  FAILURE_SOURCES.map((source) => ({ source, exceptionId: exceptionIdFor(batchGroupSubject(batchId, source)) }));

/** Codes of the fan-out's own rejections (batch-fan-out.ts) that are not a provider's failure codes. */
const REJECTION_SOURCE_BY_CODE: Readonly<Record<string, FailureSource>> = {
  // The corridor matrix is ours: an item to a corridor we have not enabled waits on our configuration.
  corridor_not_enabled: 'platform',
  corridor_policy_gated: 'compliance',
  // A corridor whose policy asks for a tax form or onboarding: compliance's gate, which a batch item cannot pass.
  corridor_requirements_not_batchable: 'compliance',
  // The item's recipient is blocked by a confirmed screening match or its onboarding was rejected (the gates).
  recipient_blocked: 'compliance',
  recipient_rejected: 'compliance',
  // The identity already names a payout of another amount: ops tells the tenant which one.
  batch_item_identity_reused: 'platform',
  item_write_refused: 'platform',
};

/**
 * Who an item's rejection waits on. Account fields the corridor refuses (`param` destination.*:
 * a missing, unknown or invalid IBAN, sort code, …) are the recipient's details; a provider's
 * failure code keeps its table's source; anything else was decided here, before any provider saw
 * the item, so it is ours (platform), never silently the provider's.
 */
export function failureSourceOfRejection(rejection: { readonly code: string; readonly param?: string }): FailureSource {
  if (rejection.param?.startsWith('destination.') === true) return 'recipient';
  if (Object.hasOwn(REJECTION_SOURCE_BY_CODE, rejection.code))
    return REJECTION_SOURCE_BY_CODE[rejection.code] as FailureSource;
  if (Object.hasOwn(FAILURE_SOURCE_BY_CODE, rejection.code))
    return FAILURE_SOURCE_BY_CODE[rejection.code] as FailureSource;
  return 'platform';
}

/** The batch facts a group exception opens with (its evidence). */
export interface BatchGroupFacts {
  readonly batchId: string;
  readonly senderBatchId: string;
  readonly tenantId: string;
  readonly source: FailureSource;
}

/** The exception rules decide key, owner and SLA from the subject; the evidence names the batch. */
export function openBatchGroup(facts: BatchGroupFacts, seenAt: string): ExceptionOpening {
  return openException(batchGroupSubject(facts.batchId, facts.source), {
    evidence: {
      batch_id: facts.batchId,
      sender_batch_id: facts.senderBatchId,
      tenant_id: facts.tenantId,
      failure_source: facts.source,
    },
    seenAt,
  });
}
