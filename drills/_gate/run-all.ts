// `npm run drill -- all`: every drill, one after another, against ONE twin — the running one, or a
// private one this process starts and hands to each drill's process through TWIN_STATE_DIR (the
// drills' connectTwin finds it there as a running twin). Each drill writes its structured result to
// DRILL_RESULT_FILE; a drill that crashes or writes none is a FAIL with its exit code and the tail of
// its output. Then the evidence pack is written (pack.ts). Drills run in series: several of them move
// the twin's clock or hold the sandbox's webhooks, which would change what a concurrent drill sees;
// only a drill marked `@launch-gate beside` (one that mostly waits, and whose checks hold whatever the
// clock and the webhooks do meanwhile) runs beside the series, its output printed when it ends.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRunningTwin } from '../../local/cli/running-twin.js';
import { requestTwinToken } from '../../local/cli/twin-tokens.js';
import { REPO_ROOT } from '../../local/paths.js';
import type { TwinTokenRequest } from '../../local/twin.js';
import { startTwin } from '../../test/support/twin.js';
import { DRILLS_DIR, listDrills, runsBeside } from './catalog.js';
import { DRILL_RESULT_FILE_ENV, type DrillResult } from './drill-result.js';
import { writeEvidencePack, type PackTwin, type WrittenPack } from './pack.js';

/** One drill may take this long before it is stopped and counted as failed. */
export const DRILL_TIMEOUT_MS_MAX = 8 * 60_000;
/**
 * How long the gate waits for a fresh twin's issuer to mint its first tokens. Minting runs the
 * pre-token trigger in a Lambda worker; on a loaded 2-core machine the first invocations have
 * answered 500 for ~30 s (measured: five drills failed that way in one run), so no drill starts
 * before one tenant and one operator token have been minted.
 */
export const TWIN_READY_WAIT_MS_MAX = 180_000;
const TWIN_READY_RETRY_MS = 2_000;
/** Characters of a failed drill's output kept in its result. */
const OUTPUT_TAIL_CHARS_MAX = 4_000;

export interface GateTwin extends PackTwin {
  /** Handed to each drill as TWIN_STATE_DIR; undefined for the developer's running twin (found as usual). */
  stateDir: string | undefined;
  stop(): Promise<void>;
}

export interface RunAllOptions {
  drills?: readonly string[];
  evidenceRoot?: string;
  log?: (line: string) => void;
  /** Where each drill's output goes (the terminal by default; tests collect it). */
  output?: (chunk: string) => void;
}

export interface RunAllResult {
  ok: boolean;
  results: DrillResult[];
  pack: WrittenPack;
}

async function gateTwin(log: (line: string) => void): Promise<GateTwin> {
  const running = findRunningTwin();
  if (running !== undefined) {
    log(`using the running twin at ${running.url} (pid ${running.pid})`);
    return {
      url: running.url,
      stateDir: undefined,
      token: (request) => requestTwinToken(running.url, request),
      stop: async () => undefined,
    };
  }
  log('no running twin: starting one private twin for every drill (fresh state, free port) …');
  const twin = await startTwin({ port: 0, fresh: true });
  log(`private twin at ${twin.url} (state ${twin.stateDir})`);
  return { url: twin.url, stateDir: twin.stateDir, token: (r) => twin.token(r), stop: () => twin.stop() };
}

/** Mints one token of each principal type until the twin answers, or gives up with the last error. */
export async function waitUntilTwinMints(
  twin: Pick<GateTwin, 'token'>,
  log: (line: string) => void,
  waitMsMax: number = TWIN_READY_WAIT_MS_MAX,
): Promise<void> {
  const startedAtMs = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      await twin.token({ tenant: 'drill', role: 'backend' });
      await twin.token({ operator: 'drill-gate', role: 'ops' });
      if (attempt > 1) log(`the twin mints tokens after ${((Date.now() - startedAtMs) / 1000).toFixed(1)} s`);
      return;
    } catch (error) {
      if (Date.now() - startedAtMs + TWIN_READY_RETRY_MS > waitMsMax)
        throw new Error(`the twin minted no token within ${waitMsMax / 1000} s`, { cause: error });
      if (attempt === 1) log(`the twin does not mint tokens yet (${(error as Error).message}); retrying`);
      await new Promise((resolve) => setTimeout(resolve, TWIN_READY_RETRY_MS));
    }
  }
}

function crashed(drill: string, startedAtMs: number, exitCode: number | null, output: string): DrillResult {
  const finishedAtMs = Date.now();
  const how = exitCode === null ? `killed (after ${DRILL_TIMEOUT_MS_MAX / 1000} s at most)` : `exited ${exitCode}`;
  return {
    drill,
    passed: false,
    started_at: new Date(startedAtMs).toISOString(),
    finished_at: new Date(finishedAtMs).toISOString(),
    duration_ms: finishedAtMs - startedAtMs,
    steps: [],
    checks: [],
    attachments: {},
    error: `${how} without a result; output ends:\n${output.slice(-OUTPUT_TAIL_CHARS_MAX)}`,
    exit_code: exitCode,
  };
}

/** A drill's result file, or undefined when it wrote none (or half of one, before it was killed). */
function readResult(file: string): DrillResult | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DrillResult;
  } catch {
    return undefined;
  }
}

/** One drill in its own process (async: this process may be hosting the twin the drill talks to). */
export async function runOneDrill(
  drill: string,
  twin: Pick<GateTwin, 'stateDir'>,
  output: (chunk: string) => void,
  dir: string = DRILLS_DIR,
): Promise<DrillResult> {
  const scratch = mkdtempSync(join(tmpdir(), `drill-${drill}-`));
  const resultFile = join(scratch, 'result.json');
  const startedAtMs = Date.now();
  const env = {
    ...process.env,
    [DRILL_RESULT_FILE_ENV]: resultFile,
    ...(twin.stateDir === undefined ? {} : { TWIN_STATE_DIR: twin.stateDir }),
  };
  let transcript = '';
  const exitCode = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(dir, `${drill}.ts`)], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const take = (chunk: Buffer) => {
      transcript += chunk.toString('utf8');
      output(chunk.toString('utf8'));
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const timer = setTimeout(() => child.kill('SIGKILL'), DRILL_TIMEOUT_MS_MAX);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  try {
    const result = readResult(resultFile);
    if (result === undefined) return crashed(drill, startedAtMs, exitCode, transcript);
    // The exit code has the last word: a drill whose result says PASS but which exited non-zero failed.
    // The file name names it, whatever the drill called itself.
    return { ...result, drill, passed: result.passed && exitCode === 0, exit_code: exitCode };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The gate passes only when drills ran and every one passed: an empty run proves nothing. */
export function gatePassed(results: readonly DrillResult[]): boolean {
  return results.length > 0 && results.every((r) => r.passed);
}

async function runDrills(
  drills: readonly string[],
  twin: GateTwin,
  log: (line: string) => void,
  output: (chunk: string) => void,
): Promise<DrillResult[]> {
  const done = (result: DrillResult) => {
    log(`drill ${result.drill}: ${result.passed ? 'PASS' : 'FAIL'} in ${(result.duration_ms / 1000).toFixed(1)} s`);
    return result;
  };
  const beside = drills.filter((drill) => runsBeside(drill));
  const besideRuns = beside.map((drill) => {
    log(`drill ${drill} (beside the others; its output follows when it ends)`);
    let buffered = '';
    return runOneDrill(drill, twin, (chunk) => (buffered += chunk)).then((result) => {
      output(buffered);
      return done(result);
    });
  });
  const serial: DrillResult[] = [];
  const inSeries = drills.filter((drill) => !beside.includes(drill));
  for (const [index, drill] of inSeries.entries()) {
    log(`drill ${drill} (${index + 1}/${inSeries.length} in series)`);
    serial.push(done(await runOneDrill(drill, twin, output)));
  }
  const besideResults = await Promise.all(besideRuns);
  // The pack lists drills by name, whichever way they ran.
  return [...serial, ...besideResults].sort((a, b) => drills.indexOf(a.drill) - drills.indexOf(b.drill));
}

export async function runAllDrills(options: RunAllOptions = {}): Promise<RunAllResult> {
  const log = options.log ?? ((line: string) => console.log(`▶ ${line}`));
  const output = options.output ?? ((chunk: string) => process.stdout.write(chunk));
  const drills = options.drills ?? listDrills();
  const startedAtMs = Date.now();
  const twin = await gateTwin(log);
  try {
    await waitUntilTwinMints(twin, log);
    const results = await runDrills(drills, twin, log, output);
    const pack = await writeEvidencePack({
      twin,
      results,
      startedAtMs,
      ...(options.evidenceRoot === undefined ? {} : { evidenceRoot: options.evidenceRoot }),
    });
    const ok = gatePassed(results);
    return { ok, results, pack };
  } finally {
    await twin.stop();
  }
}
