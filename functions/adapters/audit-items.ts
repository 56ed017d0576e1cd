import {
  AUDIT_ACTOR_TYPES,
  AUDIT_SUBJECT_TYPES,
  auditDayOf,
  type AuditAction,
  type AuditActor,
  type AuditRecord,
  type AuditSubject,
  type ChainHead,
} from '../domain/audit';
import { AUDIT_INDEXES } from '../shared/names';

/**
 * Key design of AUDIT_TABLE (pk, sk; three GSIs, all projection ALL, all eventually consistent and
 * used for finding only — a chain is always read from the base table, consistently):
 *
 *   record  pk AUDIT#<subject type>#<subject id>     sk SEQ#<seq:12>       one chain per subject
 *           gsi1 DAY#<day>#<shard:2>                 / <at>#<audit_id>     the day's records
 *           gsi2 ACTOR#<type>#<id>#<day>#<shard:2>   / <at>#<audit_id>     one actor's, per day
 *           gsi3 ACTION#<action>#<day>#<shard:2>     / <at>#<audit_id>     one action's, per day
 *   head    pk AUDIT#<subject type>#<subject id>     sk HEAD               seq and hash of the last record
 *
 * The day (UTC, of `at`) bounds every index partition, so no partition grows for ever and a day can
 * be exported and verified alone. The shard (a hash of the chain key, AUDIT_INDEX_SHARDS of them)
 * spreads one day's writes: every audited change of the platform lands in some gsi1 partition of
 * that day, and one index partition takes about 1,000 writes a second; eight take the day's peak
 * with room, while a day's reader merges only eight partitions (audit-search.ts). A chain's records
 * all land in one shard, so they stay in order there.
 */
export const AUDIT_INDEX_SHARDS = 8;
export const AUDIT_RECORD_SK_PREFIX = 'SEQ#';
export const AUDIT_HEAD_SK = 'HEAD';
/** Twelve digits: a chain would need a trillion records to outgrow them; keys sort by seq as strings. */
const SEQ_DIGITS = 12;

export const auditChainPk = (subject: AuditSubject): string => `AUDIT#${subject.type}#${subject.id}`;
export const auditRecordSk = (seq: number): string =>
  `${AUDIT_RECORD_SK_PREFIX}${String(seq).padStart(SEQ_DIGITS, '0')}`;
export const auditIndexSk = (record: Pick<AuditRecord, 'at' | 'audit_id'>): string => `${record.at}#${record.audit_id}`;

/** Stable shard of a chain: every record of one subject lands in one shard of each index. */
export function auditShardOf(chainPk: string): number {
  let hash = 2_166_136_261;
  for (let i = 0; i < chainPk.length; i++) hash = Math.imul(hash ^ chainPk.charCodeAt(i), 16_777_619) >>> 0;
  return hash % AUDIT_INDEX_SHARDS;
}

export type AuditIndexName = (typeof AUDIT_INDEXES)[keyof typeof AUDIT_INDEXES];

/** The partition-key prefix of an index: what precedes `#<day>#<shard>`. */
export type AuditIndexFamily =
  | { index: typeof AUDIT_INDEXES.byDay; prefix: 'DAY' }
  | { index: typeof AUDIT_INDEXES.byActor; prefix: `ACTOR#${string}` }
  | { index: typeof AUDIT_INDEXES.byAction; prefix: `ACTION#${string}` };

export const dayFamily = (): AuditIndexFamily => ({ index: AUDIT_INDEXES.byDay, prefix: 'DAY' });
export const actorFamily = (actor: Pick<AuditActor, 'type' | 'id'>): AuditIndexFamily => ({
  index: AUDIT_INDEXES.byActor,
  prefix: `ACTOR#${actor.type}#${actor.id}`,
});
export const actionFamily = (action: AuditAction): AuditIndexFamily => ({
  index: AUDIT_INDEXES.byAction,
  prefix: `ACTION#${action}`,
});

export const indexPartition = (family: AuditIndexFamily, day: string, shard: number): string =>
  `${family.prefix}#${day}#${String(shard).padStart(2, '0')}`;

export function auditRecordItem(record: AuditRecord): Record<string, unknown> {
  const pk = auditChainPk(record.subject);
  const day = auditDayOf(record.at);
  const shard = auditShardOf(pk);
  const sk = auditIndexSk(record);
  return {
    pk,
    sk: auditRecordSk(record.seq),
    entity: 'audit_record',
    [`${AUDIT_INDEXES.byDay}pk`]: indexPartition(dayFamily(), day, shard),
    [`${AUDIT_INDEXES.byDay}sk`]: sk,
    [`${AUDIT_INDEXES.byActor}pk`]: indexPartition(actorFamily(record.actor), day, shard),
    [`${AUDIT_INDEXES.byActor}sk`]: sk,
    [`${AUDIT_INDEXES.byAction}pk`]: indexPartition(actionFamily(record.action), day, shard),
    [`${AUDIT_INDEXES.byAction}sk`]: sk,
    ...record,
  };
}

export function auditHeadItem(record: AuditRecord): Record<string, unknown> {
  return {
    pk: auditChainPk(record.subject),
    sk: AUDIT_HEAD_SK,
    entity: 'audit_head',
    seq: record.seq,
    hash: record.hash,
    audit_id: record.audit_id,
    at: record.at,
  };
}

/** The record members, in the order the API and the export document them. */
export const AUDIT_RECORD_MEMBERS = [
  'audit_id',
  'seq',
  'at',
  'actor',
  'action',
  'subject',
  'tenant_id',
  'request_id',
  'outcome',
  'details',
  'prev_hash',
  'hash',
] as const satisfies ReadonlyArray<keyof AuditRecord>;

/**
 * The record an item holds: its members only (keys and index attributes are not part of it, and
 * neither is anything written beside them). Shapes are not trusted — verification is what decides
 * whether a stored record is the one that was written — but a member that is missing or of the
 * wrong JSON type is corruption the caller must see, so it throws.
 */
export function auditRecordFromItem(item: Record<string, unknown>): AuditRecord {
  const record: Record<string, unknown> = {};
  for (const member of AUDIT_RECORD_MEMBERS) {
    if (!(member in item)) throw new AuditItemError(item, `member ${member} is missing`);
    record[member] = item[member];
  }
  const actor = record['actor'] as Partial<AuditActor> | undefined;
  const subject = record['subject'] as Partial<AuditSubject> | undefined;
  if (typeof record['seq'] !== 'number' || !Number.isSafeInteger(record['seq']))
    throw new AuditItemError(item, 'seq is not an integer');
  if (!AUDIT_ACTOR_TYPES.includes(actor?.type as never)) throw new AuditItemError(item, 'actor.type is unknown');
  if (!AUDIT_SUBJECT_TYPES.includes(subject?.type as never)) throw new AuditItemError(item, 'subject.type is unknown');
  for (const member of ['audit_id', 'at', 'action', 'outcome', 'prev_hash', 'hash'] as const) {
    if (typeof record[member] !== 'string') throw new AuditItemError(item, `${member} is not a string`);
  }
  return record as unknown as AuditRecord;
}

/** The record members an item holds, unchecked (verification decides what they are worth). */
export function auditMembersOf(item: Record<string, unknown>): AuditRecord {
  const record: Record<string, unknown> = {};
  for (const member of AUDIT_RECORD_MEMBERS) if (member in item) record[member] = item[member];
  return record as unknown as AuditRecord;
}

export function chainHeadFromItem(item: Record<string, unknown> | undefined): ChainHead | undefined {
  if (item === undefined) return undefined;
  const { seq, hash } = item;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1 || typeof hash !== 'string') {
    throw new AuditItemError(item, 'the chain head has no valid seq and hash');
  }
  return { seq, hash };
}

/** A stored audit item that is not an audit record or head: corruption, for a human. */
export class AuditItemError extends Error {
  constructor(item: Record<string, unknown>, problem: string) {
    super(`audit item ${String(item['pk'])} ${String(item['sk'])}: ${problem}`);
    this.name = 'AuditItemError';
  }
}
