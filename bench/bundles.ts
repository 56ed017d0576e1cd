// Per function: the bundle's size (minified, as CDK's esbuild wrote it to cdk.out) and how long it
// takes to import — the cold-start cost Lambda pays — beside importing the same handler unbundled
// from its TypeScript source (tsx transpiling on the fly, node_modules resolved file by file).
// Each import runs in a fresh Node process; the figure is the median of --runs (default 3).
//
//   npm run bench -- bundles [--runs N] [--only create-payout]
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from '../local/cli/cli-args.js';
import { functionEnvironment } from '../local/template/environment.js';
import { buildModel } from '../local/template/model.js';
import { CDK_OUT_DIR, REPO_ROOT } from '../local/paths.js';
import { synthesize } from '../local/template/synth.js';
import { loadTemplate } from '../local/template/template.js';
import { median, printFigure } from './_figure.js';

const RUNS_DEFAULT = 3;
/** One import should take well under a second; a hung one must not stall the bench. */
const IMPORT_TIMEOUT_MS = 60_000;
const DUMMY_ENDPOINT = 'http://127.0.0.1:9';

/** Milliseconds for `await import(specifier)` in a fresh process, measured inside it. */
function importMs(specifier: string, env: Record<string, string>, loaderArgs: string[]): number {
  const script = `const t=performance.now();await import(${JSON.stringify(specifier)});console.log(performance.now()-t);`;
  const result = spawnSync(process.execPath, [...loaderArgs, '--input-type=module', '-e', script], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: IMPORT_TIMEOUT_MS,
  });
  const value = Number(result.stdout.trim().split('\n').pop());
  if (result.status !== 0 || !Number.isFinite(value))
    throw new Error(`import of ${specifier} failed: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return value;
}

async function main(): Promise<void> {
  const { flags } = parseArgs(process.argv.slice(2));
  const runs = Number(flags.runs ?? RUNS_DEFAULT);
  await synthesize({ onlyIfStale: true, log: (line) => console.error(`# ${line}`) });
  const loaded = loadTemplate(CDK_OUT_DIR);
  const model = buildModel(loaded);
  const context = {
    template: loaded.template,
    stackName: loaded.stackName,
    sqsEndpointUrl: DUMMY_ENDPOINT,
    apiUrl: DUMMY_ENDPOINT,
    issuerUrl: DUMMY_ENDPOINT,
  };
  const twinEnv = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: DUMMY_ENDPOINT,
    AWS_ENDPOINT_URL_SQS: DUMMY_ENDPOINT,
    AWS_ENDPOINT_URL_S3: DUMMY_ENDPOINT,
    S3_FORCE_PATH_STYLE: 'true',
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
  let totalBytes = 0;
  for (const fn of model.functions.filter((candidate) => !flags.only || candidate.shortName === flags.only)) {
    const bytes = statSync(fn.modulePath).size;
    totalBytes += bytes;
    printFigure(`bundle_bytes:${fn.shortName}`, bytes, 'bytes');
    const source = join(REPO_ROOT, 'functions', 'handlers', `${fn.shortName}.ts`);
    const env = functionEnvironment(fn, context, twinEnv);
    try {
      const bundled = median(Array.from({ length: runs }, () => importMs(pathToFileURL(fn.modulePath).href, env, [])));
      const unbundled = existsSync(source)
        ? median(Array.from({ length: runs }, () => importMs(pathToFileURL(source).href, env, ['--import', 'tsx'])))
        : null;
      printFigure(
        `bundle_import_ms:${fn.shortName}`,
        Number(bundled.toFixed(1)),
        'ms',
        unbundled === null ? null : Number(unbundled.toFixed(1)),
      );
    } catch (error) {
      console.error(`# ${fn.shortName}: ${(error as Error).message}`);
    }
  }
  printFigure('bundle_bytes_total', totalBytes, 'bytes');
}

main().catch((error: unknown) => {
  console.error(`✖ ${(error as Error).message}`);
  process.exit(1);
});
