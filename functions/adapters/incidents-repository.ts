import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EMPTY_CHAIN, type AuditEntry } from '../domain/audit';
import type { Incident, IncidentState } from '../domain/incidents';
import { AUDIT_APPEND_ATTEMPTS_MAX, AuditChainContendedError, auditChainMoved, type AuditTrail } from './audit-trail';
import { cancellationCodes, hasTransactionConflict, itemConditionFailed, jitterSleep } from './dynamo-errors';

/*
 * Status-page incidents in OPERATIONS_TABLE (beside exceptions and corrections):
 *
 *   incident  pk INC#<incidentId>  sk INC
 *             gsi1pk INC#STATE#open      gsi1sk <openedAt>#<incidentId>     (what GET /status shows as open)
 *             gsi1pk INC#STATE#resolved  gsi1sk <resolvedAt>#<incidentId>   (the recently resolved, newest first)
 *
 * Each write is one transaction with its audit record and chain head (the incident's own chain,
 * `incident:<id>`), so an incident is on the page exactly when its record is in the trail. Opening
 * is conditional on the id being new (the id is derived from the Idempotency-Key, so a retry meets
 * its own first write); resolving on the version read and on the state being open.
 */
const INCIDENT_SK = 'INC';
const incidentPk = (incidentId: string) => `INC#${incidentId}`;
const stateGsiPk = (state: IncidentState) => `INC#STATE#${state}`;
const WRITE_RETRY_DELAY_MS_MAX = 100;

/** The one error hierarchy of this repository; each sets `name` and carries `cause`. */
export class IncidentsRepositoryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IncidentsRepositoryError';
  }
}
/** An incident with this id exists already (the same Idempotency-Key opened it). */
export class IncidentExistsError extends IncidentsRepositoryError {
  constructor(incidentId: string, options?: { cause?: unknown }) {
    super(`incident ${incidentId} exists`, options);
    this.name = 'IncidentExistsError';
  }
}
/** The incident changed between the read and the write (another operator resolved it first). */
export class IncidentChangedError extends IncidentsRepositoryError {
  constructor(incidentId: string, options?: { cause?: unknown }) {
    super(`incident ${incidentId} changed concurrently`, options);
    this.name = 'IncidentChangedError';
  }
}

export type IncidentsReader = Pick<IncidentsRepository, 'listOpen' | 'listResolvedSince'>;

export class IncidentsRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly operationsTable: string,
    private readonly audit: Pick<AuditTrail, 'prepare' | 'appendAfter'>,
  ) {}

  async get(incidentId: string): Promise<Incident | undefined> {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.operationsTable,
        Key: { pk: incidentPk(incidentId), sk: INCIDENT_SK },
        ConsistentRead: true,
      }),
    );
    return out.Item === undefined ? undefined : recordOf(out.Item);
  }

  /** The new incident and the first record of its chain (a new id has no chain yet). */
  async open(incident: Incident, audit: AuditEntry): Promise<void> {
    const items = [
      {
        Put: {
          TableName: this.operationsTable,
          Item: itemOf(incident),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...this.audit.appendAfter(EMPTY_CHAIN, audit).items,
    ];
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      const codes = cancellationCodes(error);
      // The record or its chain exists: the same id was opened before (the chain starts with it).
      if (codes !== undefined && (itemConditionFailed(codes, 0) || auditChainMoved(codes, 1)))
        throw new IncidentExistsError(incident.incidentId, { cause: error });
      throw error;
    }
  }

  /** The resolved incident, conditional on the version read and the state open; with its audit record. */
  async resolve(current: Incident, next: Incident, audit: AuditEntry): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const appended = await this.audit.prepare(audit);
      const items = [this.resolvedPut(current, next), ...appended.items];
      try {
        await this.client.send(new TransactWriteCommand({ TransactItems: items }));
        return;
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes === undefined) throw error;
        if (itemConditionFailed(codes, 0)) throw new IncidentChangedError(current.incidentId, { cause: error });
        const chainMoved = auditChainMoved(codes, 1);
        if (!chainMoved && !hasTransactionConflict(codes)) throw error;
        if (attempt >= AUDIT_APPEND_ATTEMPTS_MAX) {
          if (chainMoved) throw new AuditChainContendedError(audit.subject, attempt, { cause: error });
          throw error;
        }
        await jitterSleep(WRITE_RETRY_DELAY_MS_MAX);
      }
    }
  }

  /** Open incidents, oldest first, at most `limit`. */
  async listOpen(limit: number): Promise<Incident[]> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.operationsTable,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': stateGsiPk('open') },
        ScanIndexForward: true,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map(recordOf);
  }

  /** Incidents resolved at or after `sinceIso`, newest first, at most `limit`. */
  async listResolvedSince(sinceIso: string, limit: number): Promise<Incident[]> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.operationsTable,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk >= :since',
        ExpressionAttributeValues: { ':pk': stateGsiPk('resolved'), ':since': sinceIso },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map(recordOf);
  }

  private resolvedPut(current: Incident, next: Incident) {
    return {
      Put: {
        TableName: this.operationsTable,
        Item: itemOf(next),
        ConditionExpression: '#version = :expected AND #state = :open',
        ExpressionAttributeNames: { '#version': 'version', '#state': 'state' },
        ExpressionAttributeValues: { ':expected': current.version, ':open': 'open' },
      },
    };
  }
}

function itemOf(incident: Incident): Record<string, unknown> {
  const at = incident.state === 'open' ? incident.openedAt : (incident.resolvedAt ?? incident.openedAt);
  return {
    pk: incidentPk(incident.incidentId),
    sk: INCIDENT_SK,
    entity: 'incident',
    gsi1pk: stateGsiPk(incident.state),
    gsi1sk: `${at}#${incident.incidentId}`,
    ...incident,
  };
}

function recordOf(item: Record<string, unknown>): Incident {
  const { pk: _pk, sk: _sk, entity: _e, gsi1pk: _g1, gsi1sk: _g1s, ...rest } = item;
  return rest as unknown as Incident;
}
