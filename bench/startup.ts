// Seconds from `npm start` to GET /health 200: a first start (--fresh: empty state, tables and
// queues created, issuer key generated) and a warm restart on the state the first one left. Both
// run with `--synth never` after one synth up front, so they measure the twin, not `cdk synth`.
// Runs in a scratch TWIN_STATE_DIR on a free port: a developer's own .local/ is never touched.
//
//   npm run bench -- startup [--runs N]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from '../local/cli/cli-args.js';
import { REPO_ROOT } from '../local/paths.js';
import { freePort } from '../local/emulators/ports.js';
import { synthesize } from '../local/template/synth.js';
import { median, printFigure } from './_figure.js';

/** A start slower than this on a loaded 2-core machine is a failure, not a figure. */
const START_TIMEOUT_MS = 240_000;
const HEALTH_POLL_MS = 100;
const STOP_TIMEOUT_MS = 20_000;
const MS_PER_SECOND = 1000;

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health`)).status === 200;
  } catch {
    return false;
  }
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolveStop) => {
    if (child.exitCode !== null) return resolveStop();
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveStop();
    });
    process.kill(-child.pid!, 'SIGTERM'); // the whole group: npm, tsx and the twin (which stops Java)
  });
}

async function timeStart(stateDir: string, fresh: boolean): Promise<number> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const startedMs = performance.now();
  const child = spawn(
    'npm',
    ['start', '--', '--synth', 'never', '--port', String(port), ...(fresh ? ['--fresh'] : [])],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, TWIN_STATE_DIR: stateDir },
      stdio: ['ignore', 'ignore', 'inherit'],
      detached: true,
    },
  );
  try {
    while (!(await healthy(url))) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
      if (performance.now() - startedMs > START_TIMEOUT_MS)
        throw new Error(`no /health 200 within ${START_TIMEOUT_MS} ms`);
      await sleep(HEALTH_POLL_MS);
    }
    return (performance.now() - startedMs) / MS_PER_SECOND;
  } finally {
    await stop(child);
  }
}

async function main(): Promise<void> {
  const { flags } = parseArgs(process.argv.slice(2));
  const runs = Number(flags.runs ?? 1);
  await synthesize({ onlyIfStale: true, log: (line) => console.error(`# ${line}`) });
  const firstSeconds: number[] = [];
  const warmSeconds: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const stateDir = mkdtempSync(join(tmpdir(), 'bench-startup-'));
    try {
      firstSeconds.push(await timeStart(stateDir, true));
      warmSeconds.push(await timeStart(stateDir, false));
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  }
  const first = Number(median(firstSeconds).toFixed(2));
  printFigure('startup_first_start_to_health', first, 's');
  printFigure('startup_warm_restart_to_health', Number(median(warmSeconds).toFixed(2)), 's', first);
}

main().catch((error: unknown) => {
  console.error(`✖ ${(error as Error).message}`);
  process.exit(1);
});
