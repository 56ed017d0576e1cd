import { createHash } from 'node:crypto';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { itemConditionFailed } from './dynamo-errors';
import type { TransactItem } from './ledger-writes';

/**
 * Action key locks: at most one application of a state-changing action per (principal, route,
 * resource, Idempotency-Key), for ever — the actions' counterpart of create's (tenant, key) lock.
 * The lock is written in the SAME transaction as the change the action makes (payout-transitions.ts
 * and the reversal writes take it as an extra item), so "the action happened" and "this key was
 * used" can never disagree: a crash after the commit leaves a lock a retry finds, a failed commit
 * leaves none. The Powertools record in front of it answers the usual retry byte for byte; the lock
 * answers the rest (a record that expired, a crash between the commit and the record).
 *
 *   lock   pk ACTIONKEY#<sha256 of the scope>   sk ACTIONKEY   in the table of the resource it locks
 *
 * The scope is hashed into the key because an Idempotency-Key is up to 255 characters of the
 * client's choosing; the readable scope is kept as an attribute for whoever inspects the item.
 */
export const ACTION_KEY_SK = 'ACTIONKEY';
const ACTION_KEY_PK_PREFIX = 'ACTIONKEY#';

/** Where an Idempotency-Key of an action lives: it never collides across principals, routes or resources. */
export interface ActionKeyScope {
  /** `tenant:<tenantId>` or `operator:<subject>` (tenantKeyPrincipal / operatorKeyPrincipal). */
  readonly principal: string;
  /** The route template, e.g. `POST /payouts/{payoutId}/approve`. */
  readonly route: string;
  /** The resource acted on: a payout id; `<payoutId>/<reversalId>` for a reversal's decision. */
  readonly resourceId: string;
  readonly key: string;
}

/** A tenant's keys are the tenant's, whichever of its clients sends them (as on create). */
export const tenantKeyPrincipal = (tenantId: string): string => `tenant:${tenantId}`;
/** An operator's keys are that operator's own. */
export const operatorKeyPrincipal = (subject: string): string => `operator:${subject}`;

export function scopeString(scope: ActionKeyScope): string {
  return `${scope.principal}#${scope.route}#${scope.resourceId}#${scope.key}`;
}

export interface ActionKeyLock {
  readonly scope: string;
  /** Salted per-field hashes of the first request (app/payouts/field-hashes.ts) and their salt. */
  readonly fieldHashes: Record<string, string>;
  readonly salt: string;
  readonly resourceId: string;
  readonly requestId: string;
  readonly at: string;
}

/** The transaction that carried the lock was refused because the lock already exists. */
export class ActionKeyTakenError extends Error {
  constructor(scope: string, options?: { cause?: unknown }) {
    super(`the action key ${scope} was already used`, options);
    this.name = 'ActionKeyTakenError';
  }
}

const keyOf = (scope: ActionKeyScope) => ({
  pk: `${ACTION_KEY_PK_PREFIX}${createHash('sha256').update(scopeString(scope), 'utf8').digest('hex')}`,
  sk: ACTION_KEY_SK,
});

/**
 * What the idempotent action wrapper needs of the locks (app/actions/idempotent-action.ts): the
 * class below on DynamoDB; the simulation's in-memory store (test/sim/memory/action-keys.ts).
 */
export type ActionKeyLockStore = Pick<ActionKeyLocks, 'lockItem' | 'find'>;

export class ActionKeyLocks {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  /** The lock item for the action's transaction; conditional, so a second use fails the whole transaction. */
  lockItem(scope: ActionKeyScope, lock: Omit<ActionKeyLock, 'scope' | 'resourceId'>): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          ...keyOf(scope),
          entity: 'action_key',
          scope: scopeString(scope),
          resourceId: scope.resourceId,
          fieldHashes: lock.fieldHashes,
          salt: lock.salt,
          requestId: lock.requestId,
          at: lock.at,
        },
        // The lock never expires: a key names one application of the action, for ever.
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  /** Read consistently: whether the key was used is never decided on stale data. */
  async find(scope: ActionKeyScope): Promise<ActionKeyLock | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keyOf(scope), ConsistentRead: true }),
    );
    if (Item === undefined) return undefined;
    return {
      scope: String(Item['scope']),
      fieldHashes: (Item['fieldHashes'] ?? {}) as Record<string, string>,
      salt: String(Item['salt']),
      resourceId: String(Item['resourceId']),
      requestId: String(Item['requestId']),
      at: String(Item['at']),
    };
  }
}

/** Index of the lock item in a canceled transaction's reasons → whether the lock was what failed. */
export function lockRefused(codes: readonly string[] | undefined, lockIndex: number): boolean {
  return codes !== undefined && itemConditionFailed(codes, lockIndex);
}
