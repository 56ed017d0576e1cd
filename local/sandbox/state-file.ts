// The sandbox's books on disk, so a restarted twin still knows every payout it acknowledged:
//   sandbox-state.json     a snapshot, replaced atomically (temp file, fsync, rename);
//   sandbox-journal.jsonl  one line per change since that snapshot (append, fsync).
// A change is on disk before the sandbox answers (a provider commits before it responds), and
// appending one line keeps that O(1) however many payouts the books hold. The journal is folded
// into a new snapshot at start and every JOURNAL_LINES_MAX lines. Deltas carry whole values, so
// replaying a line twice (a crash between snapshot and truncation) changes nothing; a torn last
// line (a crash mid-append) was never acknowledged and is dropped.
import {
  appendFileSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

export const STATE_FILE_NAME = 'sandbox-state.json';
export const JOURNAL_FILE_NAME = 'sandbox-journal.jsonl';
/** Journal lines before they are folded into a snapshot. */
export const JOURNAL_LINES_MAX = 2_000;

export interface StateFiles<TSnapshot, TDelta> {
  readonly directory: string | undefined;
  load(): { snapshot: TSnapshot | undefined; deltas: TDelta[] };
  append(delta: TDelta): void;
  /** True when the journal should be folded into a snapshot. */
  readonly journalFull: boolean;
  writeSnapshot(snapshot: TSnapshot): void;
}

function writeAtomically(path: string, text: string): void {
  const temporaryPath = `${path}.${process.pid}.tmp`;
  const descriptor = openSync(temporaryPath, 'w');
  try {
    writeSync(descriptor, text);
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
  renameSync(temporaryPath, path);
}

/** `stateDir` undefined keeps the books in memory only (tests that do not test restarts). */
export function stateFiles<TSnapshot, TDelta>(
  stateDir: string | undefined,
  journalLinesMax = JOURNAL_LINES_MAX,
): StateFiles<TSnapshot, TDelta> {
  if (stateDir === undefined) {
    return {
      directory: undefined,
      load: () => ({ snapshot: undefined, deltas: [] }),
      append: () => undefined,
      journalFull: false,
      writeSnapshot: () => undefined,
    };
  }
  mkdirSync(stateDir, { recursive: true });
  const snapshotPath = join(stateDir, STATE_FILE_NAME);
  const journalPath = join(stateDir, JOURNAL_FILE_NAME);
  let journalLines = 0;
  return {
    directory: stateDir,
    load() {
      const snapshot = existsSync(snapshotPath)
        ? (JSON.parse(readFileSync(snapshotPath, 'utf8')) as TSnapshot)
        : undefined;
      const deltas: TDelta[] = [];
      if (existsSync(journalPath)) {
        for (const line of readFileSync(journalPath, 'utf8').split('\n')) {
          if (line === '') continue;
          try {
            deltas.push(JSON.parse(line) as TDelta);
          } catch {
            break; // the torn tail of an append that never completed
          }
        }
      }
      journalLines = deltas.length;
      return { snapshot, deltas };
    },
    append(delta) {
      const descriptor = openSync(journalPath, 'a');
      try {
        appendFileSync(descriptor, `${JSON.stringify(delta)}\n`);
        fsyncSync(descriptor);
      } finally {
        closeSync(descriptor);
      }
      journalLines += 1;
    },
    get journalFull() {
      return journalLines >= journalLinesMax;
    },
    writeSnapshot(snapshot) {
      writeAtomically(snapshotPath, JSON.stringify(snapshot));
      writeFileSync(journalPath, '');
      journalLines = 0;
    },
  };
}
