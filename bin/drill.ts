// `npm run drill -- <name> [args…]`: runs drills/<name>.ts against the running twin (`npm start`),
// or starts a private one when none is running. `npm run drill -- --list` names the drills.
// `npm run drill -- all` is the launch gate: every drill against one twin, then the evidence pack
// in evidence/<UTC time>/ (index.html and evidence.json); it exits non-zero if any drill fails.
// `all --only a,b` runs some of them, `all --skip a,b` all but those;
// `all --out <dir>` writes the pack under <dir> instead.
// A drill prints what it did, what it expected and what it saw, and exits non-zero on a mismatch
// (DESIGN §6). Add a drill by dropping a file in drills/; nothing here needs to change.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../local/paths.js';
import { DRILLS_DIR, listDrills } from '../drills/_gate/catalog.js';
import { runAllDrills } from '../drills/_gate/run-all.js';

/** `all --only a,b`: the gate over some drills (a quicker loop while writing one; the pack says which ran). */
function onlyDrills(args: string[], available: string[]): string[] | undefined {
  const at = args.indexOf('--only');
  if (at === -1) return undefined;
  const names = (args[at + 1] ?? '').split(',').filter((n) => n !== '');
  const unknown = names.filter((n) => !available.includes(n));
  if (names.length === 0 || unknown.length > 0) throw new Error(`--only names no drill of: ${available.join(', ')}`);
  return names;
}

/**
 * `all --skip a,b`: the gate without some drills, for a local run that wants to leave a slow one out.
 * The CI's gate e2e (test/e2e/drills-all.test.ts) skips none.
 */
function skippedDrills(args: string[], available: string[]): string[] | undefined {
  const at = args.indexOf('--skip');
  if (at === -1) return undefined;
  const names = (args[at + 1] ?? '').split(',').filter((n) => n !== '');
  const unknown = names.filter((n) => !available.includes(n));
  if (names.length === 0 || unknown.length > 0) throw new Error(`--skip names no drill of: ${available.join(', ')}`);
  return available.filter((n) => !names.includes(n));
}

/** `all --out <dir>`: where the pack's timestamped folder goes (default evidence/). */
function evidenceRoot(args: string[]): string | undefined {
  const at = args.indexOf('--out');
  if (at === -1) return undefined;
  const dir = args[at + 1];
  if (dir === undefined || dir.startsWith('--')) throw new Error('--out needs a directory');
  return resolve(dir);
}

async function gate(args: string[], available: string[]): Promise<number> {
  const drills = onlyDrills(args, available) ?? skippedDrills(args, available);
  const out = evidenceRoot(args);
  const { ok, results, pack } = await runAllDrills({
    ...(drills === undefined ? {} : { drills }),
    ...(out === undefined ? {} : { evidenceRoot: out }),
  });
  console.log('\nlaunch gate');
  for (const result of results) console.log(`  ${result.passed ? '✔ PASS' : '✖ FAIL'}  ${result.drill}`);
  console.log(`evidence pack: ${pack.htmlPath}\n               ${pack.jsonPath}`);
  console.log(ok ? 'launch gate: PASS' : 'launch gate: FAIL');
  return ok ? 0 : 1;
}

const [name, ...args] = process.argv.slice(2);
const available = listDrills();
if (name === undefined || name === '--list') {
  console.log(available.join('\n'));
  process.exit(name === undefined ? 2 : 0);
}
if (name === 'all') {
  Promise.resolve()
    .then(() => gate(args, available))
    .then(
      (code) => process.exit(code),
      (error: unknown) => {
        console.error(`✖ ${(error as Error).stack ?? String(error)}`);
        process.exit(1);
      },
    );
} else {
  if (!available.includes(name)) {
    console.error(`✖ no drill named ${name}; available: all, ${available.join(', ')}`);
    process.exit(2);
  }
  // Each drill in its own process, so one drill's twin or clients never leak into another.
  const result = spawnSync('npx', ['tsx', join(DRILLS_DIR, `${name}.ts`), ...args], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    env: process.env,
  });
  process.exit(result.status ?? 1);
}
