// `npm run reconcile -- --date YYYY-MM-DD`: runs the `reconcile` function for one date against the
// twin — through the running twin (`npm start`) when there is one, otherwise on the `.local/` state
// with emulators started just for this call — and prints the run record (state, counts, export).
// The `reconcile` function applies the date rule (domain/reconciliation/run-date.ts) at its own
// clock and RECONCILE_TIMEZONE: a day that has not ended, or is too old, fails the invocation with
// InvalidRunDateError (exit 1) before any run is recorded or file written. The shape is checked here.
import { parseArgs } from '../local/cli/cli-args.js';
import { invokeAndPrint } from '../local/cli/invoke-cli.js';
import { isCalendarDate } from '../functions/domain/reconciliation/run-date.js';

const USAGE = 'usage: npm run reconcile -- --date YYYY-MM-DD   (a day that has ended in RECONCILE_TIMEZONE and in UTC)';

async function main(): Promise<number> {
  const { flags } = parseArgs(process.argv.slice(2));
  const date = flags['date'];
  if (!isCalendarDate(date)) {
    console.error(USAGE);
    return 2;
  }
  const event = { date, trigger: 'cli' };
  return invokeAndPrint('reconcile', event, { logPrefix: 'reconcile', synth: true });
}

main().then(
  // Exit once stdout is flushed: a pipe's writes are asynchronous and a large answer was cut short.
  (code) => process.stdout.write('', () => process.exit(code)),
  (error: unknown) => {
    console.error(`✖ ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
