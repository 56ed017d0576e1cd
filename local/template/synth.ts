// Runs `cdk synth` when the template may be out of date. Several sessions share one checkout, so a
// lock directory keeps two synths from writing cdk.out at the same time.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TemplateError } from '../errors.js';
import { CDK_OUT_DIR, REPO_ROOT } from '../paths.js';
import { templatesModifiedAtMs } from './template.js';

/** Sources whose change makes cdk.out stale. */
const SOURCE_DIRS = ['lib', 'functions', 'bin/app.ts', 'cdk.json', 'config'];
const SYNTH_LOCK_DIR = join(REPO_ROOT, '.local', 'synth.lock');
/** A synth on a busy 2-core machine takes 30–90 s; a lock older than this was left by a crash. */
const SYNTH_LOCK_STALE_MS = 300_000;
const SYNTH_LOCK_POLL_MS = 500;

function newestMtimeMs(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newestMtimeMs(join(path, entry))));
}

/** True when cdk.out has a template newer than every source it is built from. */
export function isCdkOutFresh(cdkOutDir: string = CDK_OUT_DIR): boolean {
  const templatesMs = templatesModifiedAtMs(cdkOutDir);
  if (templatesMs === 0) return false;
  return SOURCE_DIRS.every((source) => newestMtimeMs(join(REPO_ROOT, source)) <= templatesMs);
}

async function withSynthLock<T>(work: () => T): Promise<T> {
  mkdirSync(join(REPO_ROOT, '.local'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(SYNTH_LOCK_DIR);
      break;
    } catch {
      // The holder may release the lock between our mkdir and this stat: then it is simply free.
      const lockedAtMs = statSync(SYNTH_LOCK_DIR, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - lockedAtMs > SYNTH_LOCK_STALE_MS) rmSync(SYNTH_LOCK_DIR, { recursive: true, force: true });
      await sleep(SYNTH_LOCK_POLL_MS);
    }
  }
  try {
    return work();
  } finally {
    rmSync(SYNTH_LOCK_DIR, { recursive: true, force: true });
  }
}

/** `npx cdk synth --quiet`; throws TemplateError with cdk's last lines when it fails. */
export async function synthesize(options: { onlyIfStale: boolean; log?: (line: string) => void }): Promise<void> {
  if (options.onlyIfStale && isCdkOutFresh()) return;
  await withSynthLock(() => {
    if (options.onlyIfStale && isCdkOutFresh()) return; // another process synthesized while we waited
    options.log?.('synthesizing the CDK app (npx cdk synth --quiet) …');
    const result = spawnSync('npx', ['cdk', 'synth', '--quiet'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: process.env,
    });
    if (result.status !== 0) {
      const tail = `${result.stderr ?? ''}${result.stdout ?? ''}`.trim().split('\n').slice(-5).join(' | ');
      throw new TemplateError(`cdk synth failed: ${tail || result.error?.message}`);
    }
  });
}
