import { AuditEncodingError, canonicalJson, canonicalSha256, toJsonValue, type JsonObject } from './audit-canonical';
import { PAYOUT_EVENTS, type PayoutEvent } from './lifecycle';
import { PAYOUT_RECORDS, type PayoutRecord } from './payout';

/**
 * The audit trail (docs/audit.md): one record per audited change or operator read, in one shape,
 * chained per subject. This module is the pure part — names, the record, sealing (prev_hash, hash)
 * and chain verification; storage is adapters/audit-trail.ts.
 *
 * Partition: one hash chain per SUBJECT (a payout, an exception, a queue, …). Every audited write of
 * a subject already serializes on that subject (a payout's transition is conditional on its version,
 * an exception's on its own), so chaining per subject adds no new contention point: two writers who
 * race on a chain head were racing on the subject anyway. A chain per day × shard would make unrelated
 * payouts fight over one head and fail each other's transactions. The cost — a day's records sit in
 * many chains — is paid by `npm run audit -- verify`, which walks every chain the day touched.
 */
export type { JsonObject, JsonValue } from './audit-canonical';

/** Who acted: the kinds of principal of the access matrix, plus the jobs and the providers. */
export const AUDIT_ACTOR_TYPES = ['tenant', 'operator', 'job', 'provider'] as const;
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number];

export interface AuditActor {
  type: AuditActorType;
  /** A tenant's app client id, an operator's username, a job's function name, a provider's name. */
  id: string;
  /** The access-matrix role (`backend`, `approver`, `ops`, `compliance`, …), `jobs` or `provider`. */
  role: string;
  /** The tenant a tenant principal acts for; null for everyone else. */
  tenant: string | null;
}

/** What was acted on; each subject has its own chain. Add a type here for a new kind of subject. */
export const AUDIT_SUBJECT_TYPES = [
  'payout',
  'exception',
  'queue',
  'payout_lookup',
  'audit_trail',
  'incident',
  'batch',
  // A sanctions screening case (issue 15, docs/screening.md): opened by a screening, decided by compliance.
  'screening_case',
  // An operator's batch read that found nothing: the id looked up (like payout_lookup).
  'batch_lookup',
  // Compliance's read of a screening queue (GET /ops/screening): the state read; and a case read that found nothing.
  'screening_queue',
  'screening_lookup',
] as const;
export type AuditSubjectType = (typeof AUDIT_SUBJECT_TYPES)[number];

export interface AuditSubject {
  type: AuditSubjectType;
  id: string;
}

/** Subject ids are ids (po_…, exc_…, a queue name) or, for a missed lookup, the key looked up. */
export const AUDIT_SUBJECT_ID_CHARS_MAX = 512;

/**
 * What happened, as `<area>.<verb>`. A payout transition is `payout.<event>` for every lifecycle
 * event (a new event is audited under its own name without a change here); everything else is
 * listed. GET /audit refuses an action not in this list (400 action_invalid).
 */
export const PAYOUT_AUDIT_ACTIONS = [
  'payout.created',
  ...PAYOUT_EVENTS.map((event): `payout.${PayoutEvent}` => `payout.${event}`),
  // A reversal request's steps (domain/payout.ts PAYOUT_RECORDS): audited under their own names too.
  ...PAYOUT_RECORDS.map((record): `payout.${PayoutRecord}` => `payout.${record}`),
  'payout.read',
] as const;
export const EXCEPTION_AUDIT_ACTIONS = [
  'exception.opened',
  'exception.seen_again',
  'exception.reopened',
  'exception.assigned',
  'exception.resolved',
] as const;
export const OPS_AUDIT_ACTIONS = ['dlq.redrive', 'inbox.replay', 'audit.read'] as const;
/**
 * Operators' manual corrections (domain/corrections.ts), recorded in the chain of the payout they
 * concern: proposed, then applied (approved by a second operator, in the same transaction) or rejected.
 */
export const CORRECTION_AUDIT_ACTIONS = ['correction.proposed', 'correction.applied', 'correction.rejected'] as const;
/** Status-page incidents (POST /ops/incidents, …/resolve): each incident is its own chain. */
export const INCIDENT_AUDIT_ACTIONS = ['incident.opened', 'incident.resolved'] as const;
/**
 * A batch's whole-batch actions (issue 13): its one approval, each retry with the count it moved,
 * and each operator read of it (GET /ops/batches…, cross-tenant).
 */
export const BATCH_AUDIT_ACTIONS = ['batch.approved', 'batch.retried', 'batch.read'] as const;
/** Screening cases: a potential match opened, and compliance's decisions (a clear above the four-eyes score is proposed first). */
export const SCREENING_AUDIT_ACTIONS = [
  'screening.opened',
  'screening.clear_proposed',
  'screening.cleared',
  'screening.confirmed',
  // Compliance's reads of the queue and of a case (GET /ops/screening…): the evidence is personal data.
  'screening.read',
] as const;
export const AUDIT_ACTIONS = [
  ...PAYOUT_AUDIT_ACTIONS,
  ...BATCH_AUDIT_ACTIONS,
  ...EXCEPTION_AUDIT_ACTIONS,
  ...OPS_AUDIT_ACTIONS,
  ...CORRECTION_AUDIT_ACTIONS,
  ...INCIDENT_AUDIT_ACTIONS,
  ...SCREENING_AUDIT_ACTIONS,
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * applied: the change was made. forbidden: a transition the lifecycle refuses was recorded, nothing
 * moved. stale: a principal's own action whose effect was already there (another source made it
 * first), nothing moved. contradicted: a provider's word disagrees with an operator's applied status
 * correction (corrections.ts); recorded, nothing moved. dry_run: an operator asked what an action
 * would touch. read / not_found: an operator read.
 */
export const AUDIT_OUTCOMES = [
  'applied',
  'forbidden',
  'stale',
  'contradicted',
  'dry_run',
  'read',
  'not_found',
] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** What a writer hands over; the trail adds the id, the position and the hashes. */
export interface AuditEntry {
  /** When it was recorded (ISO 8601 UTC, milliseconds): the writer's clock, passed in. */
  at: string;
  actor: AuditActor;
  action: AuditAction;
  subject: AuditSubject;
  /** The tenant whose money or data this touches, when there is one. */
  tenant_id: string | null;
  /** The Request-Id of the API call behind it; null for jobs and provider events (see details). */
  request_id: string | null;
  outcome: AuditOutcome;
  /** JSON data only (audit-canonical.ts); undefined members are dropped before hashing. */
  details: Record<string, unknown>;
}

/** A sealed record: exactly what is stored, served by GET /audit, exported and hashed. */
export interface AuditRecord extends Omit<AuditEntry, 'details'> {
  audit_id: string;
  /** Position in its subject's chain: 1, 2, 3, … with no gaps. */
  seq: number;
  details: JsonObject;
  /** `hash` of the record before it in the chain; GENESIS_HASH for seq 1. */
  prev_hash: string;
  /** SHA-256 of the canonical JSON of every other member (audit-canonical.ts). */
  hash: string;
}

/** Where a chain ends: its last record's position and hash (seq 0 and GENESIS_HASH when empty). */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** The prev_hash of every chain's first record. */
export const GENESIS_HASH = '0'.repeat(64);
export const EMPTY_CHAIN: ChainHead = { seq: 0, hash: GENESIS_HASH };

export const AUDIT_ID_PREFIX = 'aud_';
export const SHA256_HEX_PATTERN = /^[0-9a-f]{64}$/;

/** `payout:po_…`: how a chain is named in query parameters, reports and the console. */
export function chainKeyOf(subject: AuditSubject): string {
  return `${subject.type}:${subject.id}`;
}

/** The UTC day (YYYY-MM-DD) a record belongs to: the day of its `at`, as exports and verify read it. */
export function auditDayOf(at: string): string {
  return at.slice(0, 10);
}

/** The hash a record must carry: SHA-256 over the canonical JSON of all its members but `hash`. */
export function auditHashOf(record: Omit<AuditRecord, 'hash'> | AuditRecord): string {
  const { hash: _hash, ...hashed } = record as AuditRecord;
  return canonicalSha256(hashed);
}

/**
 * The record that appends `entry` to a chain whose head is `head`. Details are normalised to JSON
 * data first, so the stored, served and exported record is byte for byte the one that was hashed.
 */
export function sealAuditRecord(entry: AuditEntry, head: ChainHead, auditId: string): AuditRecord {
  if (entry.subject.id === '' || entry.subject.id.length > AUDIT_SUBJECT_ID_CHARS_MAX) {
    throw new AuditEncodingError('$.subject.id', `must be 1–${AUDIT_SUBJECT_ID_CHARS_MAX} characters`);
  }
  const unsealed: Omit<AuditRecord, 'hash'> = {
    audit_id: auditId,
    seq: head.seq + 1,
    at: entry.at,
    actor: { type: entry.actor.type, id: entry.actor.id, role: entry.actor.role, tenant: entry.actor.tenant },
    action: entry.action,
    subject: { type: entry.subject.type, id: entry.subject.id },
    tenant_id: entry.tenant_id,
    request_id: entry.request_id,
    outcome: entry.outcome,
    details: toJsonValue(entry.details, '$.details') as JsonObject,
    prev_hash: head.hash,
  };
  return { ...unsealed, hash: auditHashOf(unsealed) };
}

/**
 * One line of the day's audit.jsonl export: the record's canonical JSON (hash included) and a
 * line feed. A reader re-hashes a line by dropping `hash` and hashing the canonical JSON of the
 * rest, with nothing but the file (docs/audit.md).
 */
export function auditJsonlLine(record: AuditRecord): string {
  return `${canonicalJson(record)}\n`;
}

/** The head a chain has once `record` is its last. */
export const headAfter = (record: Pick<AuditRecord, 'seq' | 'hash'>): ChainHead => ({
  seq: record.seq,
  hash: record.hash,
});
