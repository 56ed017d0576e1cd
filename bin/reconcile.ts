// `npm run reconcile -- --date YYYY-MM-DD`: runs the `reconcile` function for one date against the
// twin — through the running twin (`npm start`) when there is one, otherwise on the `.local/` state
// with emulators started just for this call — and prints the run record (state, counts, export).
import { parseArgs } from '../local/cli/cli-args.js';
import { invokeAndPrint } from '../local/cli/invoke-cli.js';
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
  return invokeAndPrint('reconcile', event, { logPrefix: 'reconcile', synth: true });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`✖ ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
