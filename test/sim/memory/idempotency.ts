import {
  IdempotencyItemAlreadyExistsError,
  IdempotencyItemNotFoundError,
  IdempotencyRecordStatus,
} from '@aws-lambda-powertools/idempotency';
import { BasePersistenceLayer, IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import type { Gate } from '../gate';
import { copyItem } from './copy';

/**
 * Powertools' idempotency store in memory, under the real Powertools handler (makeIdempotent): the
 * four primitives its DynamoDB layer implements, with its put condition — a record may be taken
 * over only once it expired, or while it is INPROGRESS past the Lambda's remaining time (a crashed
 * invocation). Expiry is decided on the simulation's clock, not the wall clock; the
 * `idempotencyExpiry` fault makes a record vanish early (TTL, or a table restored without it).
 */
export interface StoredIdempotencyRecord {
  status: string;
  expiryTimestamp: number | undefined;
  responseData: unknown;
  payloadHash: string | undefined;
  writtenAtMs: number;
  /** Sim time after which an INPROGRESS record may be taken over (the invocation's timeout passed). */
  inProgressUntilMs: number;
  expiresAtMs: number;
}

export class IdempotencyState {
  readonly records = new Map<string, StoredIdempotencyRecord>();
}

/** submit-payout and create-payout time out at 29 s (API Gateway's limit); the sim's invocations are that long. */
export const SIM_INVOCATION_TIMEOUT_MS = 29_000;

export class InMemoryIdempotencyLayer extends BasePersistenceLayer {
  constructor(
    private readonly state: IdempotencyState,
    private readonly gate: Gate,
    private readonly nowMs: () => number,
  ) {
    super();
  }

  protected async _getRecord(idempotencyKey: string): Promise<IdempotencyRecord> {
    await this.gate.point('idempotency.get');
    const stored = this.live(idempotencyKey);
    if (stored === undefined) throw new IdempotencyItemNotFoundError('Item does not exist in persistence store');
    return recordOf(idempotencyKey, stored);
  }

  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    await this.gate.point('idempotency.put');
    const now = this.nowMs();
    const existing = this.live(record.idempotencyKey);
    if (existing !== undefined) {
      const takeOver = existing.status === IdempotencyRecordStatus.INPROGRESS && existing.inProgressUntilMs < now;
      if (!takeOver)
        throw new IdempotencyItemAlreadyExistsError(
          `Failed to put record for already existing idempotency key: ${record.idempotencyKey}`,
          recordOf(record.idempotencyKey, existing),
        );
    }
    this.state.records.set(record.idempotencyKey, {
      status: record.getStatus(),
      expiryTimestamp: record.expiryTimestamp,
      responseData: undefined,
      payloadHash: record.payloadHash,
      writtenAtMs: now,
      inProgressUntilMs: now + SIM_INVOCATION_TIMEOUT_MS,
      expiresAtMs: now + this.expiresAfterSeconds * 1_000,
    });
  }

  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    await this.gate.point('idempotency.update');
    const now = this.nowMs();
    const existing = this.state.records.get(record.idempotencyKey);
    this.state.records.set(record.idempotencyKey, {
      status: record.getStatus(),
      expiryTimestamp: record.expiryTimestamp,
      responseData: copyItem(record.responseData),
      payloadHash: record.payloadHash ?? existing?.payloadHash,
      writtenAtMs: now,
      inProgressUntilMs: existing?.inProgressUntilMs ?? now,
      expiresAtMs: now + this.expiresAfterSeconds * 1_000,
    });
  }

  protected async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    await this.gate.point('idempotency.delete');
    this.state.records.delete(record.idempotencyKey);
  }

  /** The record, unless it expired by the sim clock or the expiry fault takes it now. */
  private live(idempotencyKey: string): StoredIdempotencyRecord | undefined {
    const stored = this.state.records.get(idempotencyKey);
    if (stored === undefined) return undefined;
    if (stored.expiresAtMs < this.nowMs() || this.gate.fault('idempotencyExpiry', 'idempotency')) {
      this.state.records.delete(idempotencyKey);
      return undefined;
    }
    return stored;
  }
}

function recordOf(idempotencyKey: string, stored: StoredIdempotencyRecord): IdempotencyRecord {
  return new IdempotencyRecord({
    idempotencyKey,
    status: stored.status as never,
    ...(stored.expiryTimestamp === undefined ? {} : { expiryTimestamp: stored.expiryTimestamp }),
    responseData: copyItem(stored.responseData) as never,
    ...(stored.payloadHash === undefined ? {} : { payloadHash: stored.payloadHash }),
  });
}
