// The drills are the files in drills/ without a leading underscore: drop one in and both
// `npm run drill -- <name>` and `npm run drill -- all` pick it up.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../local/paths.js';

export const DRILLS_DIR = join(REPO_ROOT, 'drills');

export function listDrills(dir: string = DRILLS_DIR): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.ts') && !file.startsWith('_'))
    .map((file) => file.replace(/\.ts$/, ''))
    .sort();
}

/**
 * A drill that mostly waits on a real timer (provider-timeout waits out one SQS visibility timeout,
 * 180 s in the template) says so in its header with this marker; the `all` runner starts it first
 * and runs the others beside it, so the gate takes as long as its longest wait, not the sum.
 */
export const BESIDE_MARKER = '@launch-gate beside';

export function runsBeside(drill: string, dir: string = DRILLS_DIR): boolean {
  return readFileSync(join(dir, `${drill}.ts`), 'utf8').includes(BESIDE_MARKER);
}
