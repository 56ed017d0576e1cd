// `npm run drill -- <name> [args…]`: runs drills/<name>.ts against the running twin (`npm start`),
// or starts a private one when none is running. `npm run drill -- --list` names the drills.
// A drill prints what it did, what it expected and what it saw, and exits non-zero on a mismatch
// (DESIGN §6). Add a drill by dropping a file in drills/; nothing here needs to change.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../local/paths.js';

const DRILLS_DIR = join(REPO_ROOT, 'drills');

function drills(): string[] {
  return readdirSync(DRILLS_DIR)
    .filter((file) => file.endsWith('.ts') && !file.startsWith('_'))
    .map((file) => file.replace(/\.ts$/, ''))
    .sort();
}

const [name, ...args] = process.argv.slice(2);
const available = drills();
if (name === undefined || name === '--list') {
  console.log(available.join('\n'));
  process.exit(name === undefined ? 2 : 0);
}
if (!available.includes(name)) {
  console.error(`✖ no drill named ${name}; available: ${available.join(', ')}`);
  process.exit(2);
}
// Each drill in its own process, so one drill's twin or clients never leak into another.
const result = spawnSync('npx', ['tsx', join(DRILLS_DIR, `${name}.ts`), ...args], {
  cwd: REPO_ROOT,
  stdio: 'inherit',
  env: process.env,
});
process.exit(result.status ?? 1);
