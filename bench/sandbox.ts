// `npm run bench -- sandbox`: the sandbox provider and our adapter on loopback.
//   sandbox.submit_per_second        sequential new submissions through the adapter, books on disk
//                                    (fsynced journal), beside the same with books in memory
//   sandbox.submit_p50_ms / p99_ms   latency of one new submission (disk)
//   sandbox.replay_p50_ms            a repeated submission (same key), answered from the idempotency record
//   sandbox.same_key_concurrent      payouts at the sandbox after N concurrent submissions of one key (must be 1)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SandboxProvider } from '../functions/adapters/providers/sandbox-provider.js';
import type { ProviderSubmission } from '../functions/domain/provider-port.js';
import { startSandboxProvider } from '../local/sandbox/sandbox-process.js';
import { median, printFigure } from './_figure.js';

const SUBMISSIONS = Number(process.env['BENCH_SANDBOX_SUBMISSIONS'] ?? 500);
const CONCURRENT_SAME_KEY = 50;

const submission = (payoutId: string): ProviderSubmission => ({
  payoutId,
  amountMinor: 12_500,
  currency: 'EUR',
  destination: { country: 'DE', method: 'sepa', fields: { iban: 'DE89370400440532013000' } },
  recipient: { name: 'Ada Lovelace' },
});

function percentile(values: number[], fraction: number): number {
  const ordered = [...values].sort((a, b) => a - b);
  return ordered[Math.min(ordered.length - 1, Math.floor(fraction * ordered.length))]!;
}

async function run(
  stateDir: string | undefined,
): Promise<{ perSecond: number; latenciesMs: number[]; replayMs: number[]; sameKeyCount: number }> {
  const sandbox = await startSandboxProvider({ port: 0, stateDir, stepSeconds: 3600, plugins: false });
  try {
    const adapter = new SandboxProvider({ baseUrl: sandbox.url });
    for (let warm = 0; warm < 20; warm += 1) await adapter.submit(submission(`warm-${warm}`));
    const latenciesMs: number[] = [];
    const started = performance.now();
    for (let index = 0; index < SUBMISSIONS; index += 1) {
      const t0 = performance.now();
      await adapter.submit(submission(`po_bench_${index}`));
      latenciesMs.push(performance.now() - t0);
    }
    const perSecond = SUBMISSIONS / ((performance.now() - started) / 1000);
    const replayMs: number[] = [];
    for (let index = 0; index < Math.min(SUBMISSIONS, 200); index += 1) {
      const t0 = performance.now();
      await adapter.submit(submission(`po_bench_${index}`));
      replayMs.push(performance.now() - t0);
    }
    await Promise.all(Array.from({ length: CONCURRENT_SAME_KEY }, () => adapter.submit(submission('po_same_key'))));
    return { perSecond, latenciesMs, replayMs, sameKeyCount: sandbox.listPayouts({ payoutId: 'po_same_key' }).length };
  } finally {
    await sandbox.stop();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'bench-sandbox-'));
try {
  const memory = await run(undefined);
  const disk = await run(dir);
  printFigure(
    'sandbox.submit_per_second',
    Math.round(disk.perSecond),
    'submissions/s (journal on disk)',
    Math.round(memory.perSecond),
  );
  printFigure(
    'sandbox.submit_p50_ms',
    Number(median(disk.latenciesMs).toFixed(2)),
    'ms',
    Number(median(memory.latenciesMs).toFixed(2)),
  );
  printFigure(
    'sandbox.submit_p99_ms',
    Number(percentile(disk.latenciesMs, 0.99).toFixed(2)),
    'ms',
    Number(percentile(memory.latenciesMs, 0.99).toFixed(2)),
  );
  printFigure(
    'sandbox.replay_p50_ms',
    Number(median(disk.replayMs).toFixed(2)),
    'ms',
    Number(median(disk.latenciesMs).toFixed(2)),
  );
  printFigure(
    'sandbox.same_key_concurrent',
    disk.sameKeyCount,
    `payouts at the sandbox after ${CONCURRENT_SAME_KEY} concurrent submissions of one key`,
    1,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
