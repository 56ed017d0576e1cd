// The sandbox's state on disk: one JSON file, replaced atomically (write a temp file, fsync, rename)
// so a twin killed mid-write never leaves half a file, and a restarted twin sees every payout it
// acknowledged. Writes are synchronous on purpose: the sandbox answers a submission only after
// the payout is on disk, like a provider that commits before it responds.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export const STATE_FILE_NAME = 'sandbox-state.json';

export interface StateFile<T> {
  readonly path: string | undefined;
  load(): T | undefined;
  save(state: T): void;
}

/** `stateDir` undefined keeps the state in memory only (tests that do not test restarts). */
export function stateFile<T>(stateDir: string | undefined): StateFile<T> {
  if (stateDir === undefined) return { path: undefined, load: () => undefined, save: () => undefined };
  mkdirSync(stateDir, { recursive: true });
  const path = join(stateDir, STATE_FILE_NAME);
  const temporaryPath = `${path}.${process.pid}.tmp`;
  return {
    path,
    load() {
      if (!existsSync(path)) return undefined;
      return JSON.parse(readFileSync(path, 'utf8')) as T;
    },
    save(state) {
      const descriptor = openSync(temporaryPath, 'w');
      try {
        writeSync(descriptor, JSON.stringify(state));
        fsyncSync(descriptor);
      } finally {
        closeSync(descriptor);
      }
      renameSync(temporaryPath, path);
    },
  };
}
