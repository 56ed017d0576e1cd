import type { World } from './world';

/**
 * The operation table: what can happen in a step of a history. Each row says how likely it is now
 * (0 when it cannot happen: nothing to deliver, nobody to retry) and starts its task(s) on the
 * scheduler; a step runs one to three at once. A new use case is one more row that spawns it through
 * World (the tenant's actions are in action-operations.ts).
 */
export interface Operation {
  readonly name: string;
  weight(world: World): number;
  /** Starts the operation's tasks; returns a line for the history. */
  start(world: World): string;
}
