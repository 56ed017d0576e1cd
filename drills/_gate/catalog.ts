// The drills are the files in drills/ without a leading underscore: drop one in and both
// `npm run drill -- <name>` and `npm run drill -- all` pick it up.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../local/paths.js';

export const DRILLS_DIR = join(REPO_ROOT, 'drills');

export function listDrills(dir: string = DRILLS_DIR): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.ts') && !file.startsWith('_'))
    .map((file) => file.replace(/\.ts$/, ''))
    .sort();
}
