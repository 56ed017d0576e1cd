import {
  ActionKeyTakenError,
  scopeString,
  type ActionKeyLock,
  type ActionKeyLockStore,
  type ActionKeyScope,
} from '../../../functions/adapters/action-keys';
import type { TransactItem } from '../../../functions/adapters/ledger-writes';
import type { Gate } from '../gate';
import { deepFreeze } from './copy';

/**
 * adapters/action-keys.ts in memory: one lock per (principal, route, resource, key), for ever,
 * written only inside the transaction of the change it locks. `lockItem` builds the item the
 * in-memory payouts store commits with its transaction (`commitLock`), refusing the whole write
 * when the scope is taken, as DynamoDB's `attribute_not_exists(pk)` does.
 */
export class ActionKeysState {
  readonly locks = new Map<string, ActionKeyLock>();
}

/** The in-memory lock item: the lock itself, under the table name DynamoDB's item would carry. */
const SIM_ACTION_KEY_TABLE = 'sim-action-keys';

export class InMemoryActionKeys implements ActionKeyLockStore {
  constructor(
    readonly state: ActionKeysState,
    private readonly gate: Gate,
  ) {}

  lockItem(scope: ActionKeyScope, lock: Omit<ActionKeyLock, 'scope' | 'resourceId'>): TransactItem {
    const item: ActionKeyLock = {
      scope: scopeString(scope),
      resourceId: scope.resourceId,
      fieldHashes: { ...lock.fieldHashes },
      salt: lock.salt,
      requestId: lock.requestId,
      at: lock.at,
    };
    return {
      Put: { TableName: SIM_ACTION_KEY_TABLE, Item: { ...item }, ConditionExpression: 'attribute_not_exists(pk)' },
    };
  }

  /** A consistent read, like the DynamoDB adapter's. */
  async find(scope: ActionKeyScope): Promise<ActionKeyLock | undefined> {
    await this.gate.point('actionKeys.get');
    return this.state.locks.get(scopeString(scope));
  }
}

/** The lock an item of `lockItem` carries (the payouts store reads it back inside its transaction). */
export function lockOf(item: TransactItem): ActionKeyLock {
  const stored = item.Put?.Item as ActionKeyLock | undefined;
  if (stored === undefined || item.Put?.TableName !== SIM_ACTION_KEY_TABLE)
    throw new Error('not an in-memory action key lock item');
  return stored;
}

/** The lock's condition, evaluated at commit: a used key fails the transaction that carries it. */
export function checkLock(state: ActionKeysState, item: TransactItem | undefined, sourceRef: string): void {
  if (item !== undefined && state.locks.has(lockOf(item).scope)) throw new ActionKeyTakenError(sourceRef);
}

export function commitLock(state: ActionKeysState, item: TransactItem | undefined): void {
  if (item === undefined) return;
  const lock = lockOf(item);
  state.locks.set(lock.scope, deepFreeze({ ...lock, fieldHashes: { ...lock.fieldHashes } }));
}
