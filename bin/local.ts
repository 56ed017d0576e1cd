// `npm start`: the local twin. Flags: --fresh (wipe the twin's state in .local/ first), --no-synth
// (skip `cdk synth` when cdk.out is newer than the sources), --synth never (use cdk.out as it is,
// for benches), --port N (or PORT=N).
import { parseArgs } from '../local/cli/cli-args.js';
import { loadLocalConfig } from '../local/config.js';
import { TwinError } from '../local/errors.js';
import { startLocalTwin, type Twin } from '../local/twin.js';

const { flags } = parseArgs(process.argv.slice(2));
const config = loadLocalConfig();
const port = flags.port ? Number(flags.port) : config.port;
const startedMs = Date.now();
const log = (line: string) => console.log(`[twin] ${line}`);

function banner(twin: Twin): string {
  const seconds = ((Date.now() - startedMs) / 1000).toFixed(1);
  const tokenCommand = 'npm run --silent token -- --tenant acme --role backend';
  return [
    '',
    `  Payout platform twin is up in ${seconds} s — ${twin.url}`,
    `  ${twin.model.routes.length} routes · ${twin.model.functions.length} functions · ${twin.model.tables.length} tables · ${twin.model.queues.length} queues · ${twin.model.eventSourceMappings.length} pollers · ${twin.model.schedules.length} schedules`,
    '',
    `  health   curl ${twin.url}/health`,
    `  token    ${tokenCommand}   (roles and scopes: curl ${twin.url}/access-matrix)`,
    `  operator npm run --silent token -- --operator <you> --role ops|finance|compliance`,
    `  tenants  npm run tenants -- create <tenant> [--dry-run] | list | disable <tenant>`,
    `  try      TOKEN=$(${tokenCommand})`,
    `           curl -H "Authorization: Bearer $TOKEN" ${twin.url}/corridors`,
    `  schedule curl -X POST ${twin.url}/.twin/schedules/sweep/run`,
    `  invoke   npm run invoke -- <function> events/<file>.json`,
    '',
    '  state in .local/ (npm start -- --fresh wipes it) · Ctrl-C stops everything',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  let twin: Twin | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) process.exit(130); // a second Ctrl-C: leave now
    stopping = true;
    log(`${signal}: stopping …`);
    await twin?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  twin = await startLocalTwin({
    port,
    fresh: flags.fresh === true,
    synth: flags.synth === 'never' ? 'never' : flags['no-synth'] ? 'if-stale' : 'always',
    config,
    log,
  });
  console.log(banner(twin));
}

main().catch((error: unknown) => {
  // One clear line naming the fix, then a non-zero exit.
  if (error instanceof TwinError) console.error(`✖ ${error.oneLine()}`);
  else console.error(`✖ the twin failed to start: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
