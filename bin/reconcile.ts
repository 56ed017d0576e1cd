// `npm run reconcile -- --date YYYY-MM-DD`: runs the `reconcile` function for one date against the
// twin — through the running twin (`npm start`) when there is one, otherwise on the `.local/` state
// with emulators started just for this call — and prints the run record (state, counts, export).
import { parseArgs } from '../local/cli-args.js';
import { InvocationError } from '../local/errors.js';
import { invokeStandalone } from '../local/invoke-standalone.js';
import { findRunningTwin } from '../local/running-twin.js';
import { isRunDate } from '../functions/handlers/reconciliation/deps.js';

const USAGE = 'usage: npm run reconcile -- --date YYYY-MM-DD';

async function main(): Promise<number> {
  const { flags } = parseArgs(process.argv.slice(2));
  const date = flags['date'];
  if (!isRunDate(date)) {
    console.error(USAGE);
    return 2;
  }
  const event = { date, trigger: 'cli' };
  const running = findRunningTwin();
  if (running) {
    const response = await fetch(`${running.url}/.twin/functions/reconcile/invoke`, { method: 'POST', body: JSON.stringify(event) });
    console.log(JSON.stringify(await response.json(), null, 2));
    return response.status === 200 && !response.headers.get('x-amz-function-error') ? 0 : 1;
  }
  console.error('[reconcile] no running twin: starting the emulators for this call (npm start keeps them warm)');
  try {
    console.log(JSON.stringify(await invokeStandalone('reconcile', event, { synth: true, log: (line) => console.error(`[reconcile] ${line}`) }), null, 2));
    return 0;
  } catch (error) {
    if (!(error instanceof InvocationError)) throw error;
    console.log(JSON.stringify({ errorType: error.errorType, errorMessage: error.message }, null, 2));
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`✖ ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
