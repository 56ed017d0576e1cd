// Reconciliation figures (issue 5): our matching/export engine beside DuckDB on the same inputs.
//
//   npm run bench -- reconcile            (via bin/bench.ts)   or   npx tsx bench/reconcile.ts [--sizes 100000,1000000]
//
// For each size N: N payouts (JSON lines, what the payouts adapter streams) and a settlement report
// of ~N rows (CSV, what the provider publishes; 1% of rows perturbed, 0.5% omitted, 0.5% extra) are
// generated on disk. Then, each in its own child process so peak RSS is its own:
//   ours   — runEngine: DuckDB read_csv + checks and read_json of the payouts, SQL verdict, domain
//            classification of the doubtful rows, COPY of reconciliation.csv, exceptions.csv + summary.json
//            (engine.ts)
//   duckdb — FULL OUTER JOIN of the same two files on provider reference, written to CSV (2 threads)
// One JSON line per figure: {"bench","value","unit","baseline","ratio"}; baseline is DuckDB's figure.
// Figures per size: wall time, CPU time (user + system) and peak RSS, and our CPU per engine step
// (engine.ts ENGINE_PHASES), each against DuckDB's whole join: where the ratio comes from.
import { spawnSync } from 'node:child_process';
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINE_PHASES, runEngine, type EnginePhase } from '../functions/adapters/reconciliation/engine';
import type { ReconPayout } from '../functions/domain/reconciliation/matching-types';
import { REPORT_HEADER, reportLine } from '../functions/domain/reconciliation/report-writer';

const SIZES_DEFAULT = [100_000, 1_000_000];
/** DuckDB gets the two cores the machine has; ours is single-threaded by design (one Lambda vCPU's worth). */
const DUCKDB_THREADS = 2;
/** A run that takes longer than this is stopped: the bench must stay bounded on a shared machine. */
const CHILD_TIMEOUT_MS = 10 * 60 * 1000;
const DATE = '2026-11-24';

export function generate(dir: string, n: number): { payouts: string; report: string } {
  const payouts = join(dir, 'payouts.jsonl');
  const report = join(dir, 'report.csv');
  const pf = openSync(payouts, 'w');
  const rf = openSync(report, 'w');
  let pbuf = '';
  let rbuf = REPORT_HEADER;
  const flush = (force: boolean) => {
    if (force || pbuf.length > 1 << 20) (writeSync(pf, pbuf), (pbuf = ''));
    if (force || rbuf.length > 1 << 20) (writeSync(rf, rbuf), (rbuf = ''));
  };
  for (let i = 0; i < n; i += 1) {
    const id = `po_01JD${i.toString(36).padStart(10, '0')}`;
    const ref = `sbx_po_${(i * 7919).toString(36).padStart(10, '0')}`;
    const amountMinor = 1_000 + ((i * 37) % 500_000);
    const feeMinor = Math.max(1, Math.floor(amountMinor / 400));
    const created = `${DATE}T${String(Math.floor(i / (n / 24 + 1))).padStart(2, '0')}:00:00.000Z`;
    const p: ReconPayout = {
      payoutId: id,
      idempotencyKey: `key-${i}`,
      provider: 'sandbox',
      providerReference: ref,
      status: 'paid',
      amountMinor,
      feeMinor,
      currency: i % 5 === 0 ? 'EUR' : 'USD',
      createdAt: created,
      lastEventAt: created,
    };
    pbuf += `${JSON.stringify(p)}\n`;
    const kind = i % 200;
    const row = {
      providerReference: ref,
      payoutId: id,
      batchId: 'sbx_batch_20261124',
      batchStatus: 'paid' as const,
      status: 'paid' as const,
      currency: p.currency,
      grossMinor: amountMinor,
      feeMinor,
      netMinor: amountMinor - feeMinor,
      createdAt: created,
      settledAt: created,
    };
    if (kind === 1) rbuf += reportLine({ ...row, grossMinor: amountMinor + 1, netMinor: amountMinor + 1 - feeMinor });
    else if (kind !== 2) rbuf += reportLine(row);
    if (kind === 3) rbuf += reportLine({ ...row, providerReference: `sbx_po_x${i}`, payoutId: undefined });
    flush(false);
  }
  flush(true);
  closeSync(pf);
  closeSync(rf);
  return { payouts, report };
}

/** CPU seconds (user + system, all threads) so far in this process. */
const cpuSecondsNow = (): number => {
  const usage = process.resourceUsage();
  return (usage.userCPUTime + usage.systemCPUTime) / 1e6;
};

async function worker(kind: string, dir: string): Promise<void> {
  const started = process.hrtime.bigint();
  // Each engine step's CPU: the profile beside DuckDB's bare join (one process, so DuckDB's own
  // threads count in the step that ran them).
  const phaseCpuSeconds: Partial<Record<EnginePhase, number>> = {};
  let phaseStart = cpuSecondsNow();
  if (kind === 'ours') {
    const out = mkdtempSync(join(dir, 'ours-'));
    await runEngine(
      {
        date: DATE,
        report: createReadStream(join(dir, 'report.csv')),
        // The file as the run's engine reads it (NDJSON, read_json): what the run adds is one
        // JSON.stringify per payout as the DynamoDB pages arrive (engine.ts, ndjsonFile).
        payouts: { ndjsonPath: join(dir, 'payouts.jsonl') },
        outputDir: out,
      },
      {
        openException: async (_row, ref) => ref.dedupKey,
        phaseDone: (phase) => {
          const now = cpuSecondsNow();
          phaseCpuSeconds[phase] = now - phaseStart;
          phaseStart = now;
        },
      },
    );
  } else {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:', { threads: String(DUCKDB_THREADS) });
    const connection = await instance.connect();
    const q = (path: string) => `'${path.replaceAll("'", "''")}'`;
    await connection.run(`COPY (
      SELECT * FROM read_json(${q(join(dir, 'payouts.jsonl'))}, format = 'newline_delimited') p
      FULL OUTER JOIN read_csv(${q(join(dir, 'report.csv'))}, header = true, all_varchar = true) r
      ON p.providerReference = r.provider_reference
    ) TO ${q(join(dir, 'duckdb-joined.csv'))} (HEADER, DELIMITER ',')`);
    connection.closeSync();
    instance.closeSync();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // CPU seconds (user + system, all threads) beside wall time: on a shared, loaded machine wall
  // time mostly measures the neighbours; CPU time measures the work.
  const cpuSeconds = cpuSecondsNow();
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ seconds, cpuSeconds, peakRssMb, phaseCpuSeconds })}\n`);
}

interface WorkerFigures {
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  phaseCpuSeconds: Partial<Record<EnginePhase, number>>;
}

function runChild(kind: string, dir: string): WorkerFigures {
  const self = fileURLToPath(import.meta.url);
  const result = spawnSync(process.execPath, ['--import', 'tsx', self, '--worker', kind, dir], {
    encoding: 'utf8',
    timeout: CHILD_TIMEOUT_MS,
  });
  if (result.status !== 0) throw new Error(`${kind} worker failed: ${result.stderr || result.error?.message}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as WorkerFigures;
}

const figure = (bench: string, value: number, unit: string, baseline: number) =>
  console.log(
    JSON.stringify({
      bench,
      value: Number(value.toFixed(3)),
      unit,
      baseline: Number(baseline.toFixed(3)),
      ratio: Number((value / baseline).toFixed(3)),
    }),
  );

export async function main(args: string[] = process.argv.slice(2)): Promise<void> {
  if (args[0] === '--worker') return worker(args[1]!, args[2]!);
  const sizesArg = args.indexOf('--sizes');
  const sizes = sizesArg === -1 ? SIZES_DEFAULT : args[sizesArg + 1]!.split(',').map(Number);
  for (const n of sizes) {
    const dir = mkdtempSync(join(tmpdir(), `bench-reconcile-${n}-`));
    try {
      generate(dir, n);
      const ours = runChild('ours', dir);
      const duck = runChild('duckdb', dir);
      figure(`reconcile.time.${n}`, ours.seconds, 's', duck.seconds);
      figure(`reconcile.cpu.${n}`, ours.cpuSeconds, 's', duck.cpuSeconds);
      figure(`reconcile.peak_rss.${n}`, ours.peakRssMb, 'MB', duck.peakRssMb);
      // The profile: each step's share of our CPU, each against DuckDB's whole join (ratio = how
      // many bare joins that one step costs).
      for (const phase of ENGINE_PHASES)
        figure(`reconcile.cpu.${phase}.${n}`, ours.phaseCpuSeconds[phase] ?? 0, 's', duck.cpuSeconds);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
