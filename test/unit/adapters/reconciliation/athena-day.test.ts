import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AthenaDayEngine, AthenaDayMismatchError } from '../../../../functions/adapters/reconciliation/athena-day';
import type { AthenaRow } from '../../../../functions/adapters/reconciliation/athena-runner';
import { runReconciliation, type RunPorts } from '../../../../functions/app/reconciliation/run';
import { RECON_MACROS } from '../../../../functions/domain/reconciliation/recon-sql';
import type { ReconPayout } from '../../../../functions/domain/reconciliation/matching-types';
import { athenaEngine } from '../../../../functions/wiring/reconciliation';
import { ENV } from '../../../../functions/shared/names';
import { DATE, payout, reportCsv, rowFor } from '../../../support/reconciliation-fixtures';

/**
 * The run's engine switch. Without `athena` a run writes no partition and calls no Athena; with it,
 * the partitions DuckDB wrote go to the lake bucket under the Glue tables' keys and the portable SQL
 * runs through the runner. The stub "Athena" here is DuckDB over the uploaded files, read as Athena
 * reads them (hive partitions, filtered on `day`): it runs the count query and records the UNLOADs
 * (DuckDB has no UNLOAD), so the SQL the run sends is executed, not just looked at.
 */
const dirs: string[] = [];
const tempDir = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

let instance: DuckDBInstance;
let duck: DuckDBConnection;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  duck = await instance.connect();
  for (const sql of RECON_MACROS) await duck.run(sql);
});
afterAll(() => {
  duck.closeSync();
  instance.closeSync();
});

const LAKE_BUCKET = 'lake-bucket';
const DATABASE = 'recon_db';

/** S3 that keeps each PutObject's body as a file under `bucketDir`, and the calls. */
function stubS3(bucketDir: string) {
  const puts: { bucket: string; key: string; contentType?: string }[] = [];
  const send = async (command: unknown) => {
    if (!(command instanceof PutObjectCommand)) throw new Error('unexpected S3 call');
    const { Bucket, Key, Body, ContentType } = command.input;
    puts.push({ bucket: Bucket!, key: Key!, ...(ContentType === undefined ? {} : { contentType: ContentType }) });
    const path = join(bucketDir, Key!);
    mkdirSync(dirname(path), { recursive: true });
    copyFileSync((Body as unknown as { path: string }).path, path);
    return {};
  };
  return { s3: { send } as never, puts };
}

/** "Athena": DuckDB over the bucket's partitions, the Glue database as views; UNLOADs are recorded. */
function stubAthena(bucketDir: string, tamper = 0) {
  const statements: string[] = [];
  const results = new Map<string, AthenaRow[]>();
  const execute = async (sql: string): Promise<string> => {
    statements.push(sql);
    const id = `q-${statements.length}`;
    if (sql.startsWith('UNLOAD')) return id;
    await duck.run(`CREATE SCHEMA IF NOT EXISTS ${DATABASE}`);
    for (const table of ['payouts', 'looked_up', 'ledger', 'report'])
      await duck.run(`CREATE OR REPLACE VIEW ${DATABASE}.${table} AS SELECT * FROM
        read_parquet('${join(bucketDir, 'recon', table)}/*/*.parquet', hive_partitioning = true)`);
    const rows = (await duck.runAndReadAll(sql)).getRowsJS();
    results.set(
      id,
      rows.map((row) => row.map((cell, i) => String(Number(cell) + (i === 0 ? tamper : 0)))),
    );
    return id;
  };
  async function* rows(id: string): AsyncIterable<AthenaRow> {
    yield* results.get(id) ?? [];
  }
  return { runner: { execute, rows }, statements };
}

function ports(overrides: Partial<RunPorts>): RunPorts & { published: string[] } {
  const published: string[] = [];
  const window: ReconPayout[] = [1, 2, 3, 4].map((n) => payout(n));
  const csv = reportCsv([
    rowFor(window[0]!),
    rowFor(window[1]!, { grossMinor: 1 }),
    rowFor(window[2]!),
    rowFor(payout(99), { payoutId: undefined, providerReference: 'sbx_stranger' }),
  ]);
  return {
    published,
    provider: 'sandbox',
    fetchReport: async () =>
      (async function* () {
        yield Buffer.from(csv, 'utf8');
      })(),
    payouts: {
      payoutsCreatedIn: async function* () {
        yield* window;
      },
      ledgerFactsFrom: async function* () {},
      lookup: async () => [],
      markReconciled: async () => undefined,
    },
    exceptions: { openOrUpdate: async (input) => ({ exception: { exceptionId: `exc_${input.dedupKey}` } }) as never },
    store: {
      putEvidence: async (key) => ({ key, etag: '"etag"' }),
      stage: async () => undefined,
      publish: async (_date, _runId, files) => void published.push(...files.map((f) => f.name)),
    },
    runs: { start: async () => undefined, finish: async () => undefined },
    payoutsTable: 'payouts',
    ledgerTable: 'ledger',
    audit: { dayRecords: async function* () {} },
    auditTable: 'audit',
    heldPayouts: { openHolds: async function* () {} },
    now: () => new Date('2026-11-25T06:00:00.000Z'),
    timeZone: 'UTC',
    newRunId: () => 'run_athena_1',
    partitions: 1,
    workRoot: tempDir('recon-work-'),
    ...overrides,
  };
}

describe('the run, without the athena engine', () => {
  it("publishes the Lambda's exports and leaves nothing behind (the default changes nothing)", async () => {
    const deps = ports({});
    const run = await runReconciliation(deps, DATE, 'schedule');
    expect(run.state).toBe('succeeded');
    expect(deps.published).toEqual([
      'reconciliation.csv',
      'exceptions.csv',
      'summary.json',
      'audit.jsonl',
      'held-payouts.csv',
    ]);
    expect(readdirSync(deps.workRoot!)).toEqual([]);
  });
});

describe('the run, with the athena engine', () => {
  it('uploads the four day partitions and runs the portable SQL on exactly that day', async () => {
    const bucketDir = tempDir('recon-lake-');
    const { s3, puts } = stubS3(bucketDir);
    const athena = stubAthena(bucketDir);
    const engine = new AthenaDayEngine(s3, athena.runner, { lakeBucket: LAKE_BUCKET, database: DATABASE });
    const deps = ports({ athena: engine });
    const run = await runReconciliation(deps, DATE, 'schedule');
    expect(run.state).toBe('succeeded');
    expect(puts.map((p) => [p.bucket, p.key])).toEqual(
      ['report', 'payouts', 'ledger', 'looked_up'].map((t) => [LAKE_BUCKET, `recon/${t}/day=${DATE}/part-0.parquet`]),
    );
    const [classification, orphans, count] = athena.statements;
    // One Athena day per provider (reconcile-run: `<runId>-<provider>`); this day has sandbox payouts only.
    const prefix = `s3://${LAKE_BUCKET}/athena-results/${DATE}/run_athena_1-sandbox`;
    expect(classification).toMatch(new RegExp(`^UNLOAD \\(.*\\) TO '${prefix}/classification/' WITH`, 's'));
    expect(orphans).toMatch(new RegExp(`^UNLOAD \\(.*\\) TO '${prefix}/orphans/' WITH`, 's'));
    for (const sql of athena.statements) expect(sql).toContain(`"${DATABASE}"."payouts" WHERE day = '${DATE}'`);
    // 4 payouts + 1 orphan: Athena's answer agrees with reconciliation.csv's 5 rows; 2 are clean.
    expect((await duck.runAndReadAll(count!)).getRowsJS().map((r) => r.map(Number))).toEqual([[4, 2, 1]]);
    expect(deps.published).toContain('reconciliation.csv');
  });

  it('fails the run before publishing when Athena and the Lambda disagree', async () => {
    const bucketDir = tempDir('recon-lake-');
    const engine = new AthenaDayEngine(stubS3(bucketDir).s3, stubAthena(bucketDir, 1).runner, {
      lakeBucket: LAKE_BUCKET,
      database: DATABASE,
    });
    const deps = ports({ athena: engine });
    const failure = await runReconciliation(deps, DATE, 'schedule').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AthenaDayMismatchError);
    expect(failure).toMatchObject({ code: 'athena_lambda_mismatch', category: 'human_action_required' });
    expect(deps.published).toEqual([]);
  });

  it('refuses a date that is not a day before it names any table', () => {
    const engine = new AthenaDayEngine(stubS3('/nowhere').s3, stubAthena('/nowhere').runner, {
      lakeBucket: LAKE_BUCKET,
      database: DATABASE,
    });
    expect(() => engine.tablesOf("2026-11-24' OR '1'='1")).toThrow(/not a day/);
    expect(existsSync('/nowhere')).toBe(false);
  });
});

describe('the wiring of the switch (the variables lib/athena-reconciliation-construct.ts sets)', () => {
  const all = { [ENV.reconLakeBucket]: 'b', [ENV.reconGlueDatabase]: 'd', [ENV.reconAthenaWorkgroup]: 'w' };
  it.each([
    ['none of them: the Lambda engine alone', {}, false],
    ['all three: the athena engine', all, true],
  ])('%s', (_name, env, on) => {
    expect(athenaEngine(env).athena !== undefined).toBe(on);
  });

  it('refuses some but not all of them (a broken deploy, not a quiet fallback)', () => {
    expect(() => athenaEngine({ [ENV.reconLakeBucket]: 'b' })).toThrow(/needs all of/);
  });
});
