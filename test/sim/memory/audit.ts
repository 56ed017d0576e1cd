import type { AuditSearch } from '../../../functions/adapters/audit-search';
import type { AuditTrail } from '../../../functions/adapters/audit-trail';
import {
  AUDIT_ID_PREFIX,
  EMPTY_CHAIN,
  auditDayOf,
  chainKeyOf,
  headAfter,
  sealAuditRecord,
  type AuditEntry,
  type AuditRecord,
} from '../../../functions/domain/audit';
import type { Gate } from '../gate';
import { deepFreeze } from './copy';

/**
 * The audit trail's contract (adapters/audit-trail.ts, docs/audit.md) in memory: one chain per
 * subject, each record sealed (domain/audit.ts, the real hashing) after its chain's head. The
 * DynamoDB trail puts the record and the new head in the audited change's own transaction,
 * conditional on the head it read; here a store's transaction is applied in one synchronous run
 * after its last yield point, so `appendWrite` seals on the head as it is when the write commits:
 * the record exists exactly when its change does, and a chain never forks.
 */
export class AuditState {
  readonly chains = new Map<string, AuditRecord[]>();
  private sequence = 0;

  /** The write that appends `entry` to its subject's chain: to run inside a store's transaction. */
  appendWrite(entry: AuditEntry): () => AuditRecord {
    return () => {
      const chain = chainKeyOf(entry.subject);
      const records = this.chains.get(chain) ?? [];
      const last = records.at(-1);
      const id = `${AUDIT_ID_PREFIX}SIM${String(++this.sequence).padStart(23, '0')}`;
      const record = deepFreeze(sealAuditRecord(entry, last === undefined ? EMPTY_CHAIN : headAfter(last), id));
      records.push(record);
      this.chains.set(chain, records);
      return record;
    };
  }

  chainOf(key: string): readonly AuditRecord[] {
    return this.chains.get(key) ?? [];
  }
}

/** What redrive/replay (append) and reconciliation (the day's records for audit.jsonl) use of the trail. */
export class InMemoryAuditTrail implements Pick<AuditTrail, 'append'>, Pick<AuditSearch, 'dayRecords'> {
  constructor(
    readonly state: AuditState,
    private readonly gate: Gate,
  ) {}

  async append(entry: AuditEntry): Promise<AuditRecord> {
    await this.gate.point('audit.append');
    if (this.gate.fault('txConflict', 'audit.append')) await this.gate.point('audit.retryPause');
    return this.state.appendWrite(entry)();
  }

  /** Every record whose `at` falls in the UTC day, oldest first (ties by id), like the day index. */
  async *dayRecords(day: string): AsyncGenerator<AuditRecord> {
    await this.gate.point('audit.dayRecords');
    const records = [...this.state.chains.values()].flat().filter((r) => auditDayOf(r.at) === day);
    records.sort((a, b) => (a.at === b.at ? a.audit_id.localeCompare(b.audit_id) : a.at.localeCompare(b.at)));
    yield* records;
  }
}
