// `npm run bench [-- <name> [args…]]`: runs bench/<name>.ts, or every bench in bench/ in turn.
// Each bench prints one JSON line per figure: {"bench","value","unit","baseline","ratio"}.
// Add a bench by dropping a file in bench/; nothing here needs to change.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../local/paths.js';

const BENCH_DIR = join(REPO_ROOT, 'bench');

function benches(): string[] {
  return readdirSync(BENCH_DIR)
    .filter((file) => file.endsWith('.ts') && !file.startsWith('_'))
    .map((file) => file.replace(/\.ts$/, ''))
    .sort();
}

function run(name: string, args: string[]): number {
  // Each bench in its own process: its timings and memory are not polluted by the others.
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(BENCH_DIR, `${name}.ts`), ...args], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    env: process.env,
  });
  return result.status ?? 1;
}

const [name, ...args] = process.argv.slice(2);
const available = benches();
if (name === '--list') {
  console.log(available.join('\n'));
  process.exit(0);
}
if (name && !available.includes(name)) {
  console.error(`✖ no bench named ${name}; available: ${available.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const bench of name ? [name] : available) {
  console.error(`# bench ${bench}`);
  if (run(bench, name ? args : []) !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
