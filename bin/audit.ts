// `npm run audit -- verify --date YYYY-MM-DD [--state-dir DIR]`: checks the audit trail's hash
// chains for one UTC day against the twin (docs/audit.md) — through the running twin (`npm start`)
// when there is one, otherwise on the `.local/` state with emulators started just for this call —
// by invoking the `audit-verify` function, as `aws lambda invoke` would in a stage. Prints the
// report (JSON, stdout) and what it checked and found (stderr); exits 0 when every chain holds,
// 1 on a break (naming the first broken record), 2 on bad usage.
import { parseArgs } from '../local/cli/cli-args.js';
import { invokeAndPrint } from '../local/cli/invoke-cli.js';
import { isCalendarDate } from '../functions/domain/reconciliation/run-date.js';

const USAGE = 'usage: npm run audit -- verify --date YYYY-MM-DD [--state-dir DIR]   (a UTC day, not after today)';

interface Report {
  date: string;
  ok: boolean;
  checked: { chains: number; day_records: number; records_verified: number; heads: number };
  export: { present: boolean; records?: number; sha256_matches_manifest?: boolean };
  first_break: {
    reason: string;
    chain: string | null;
    audit_id: string | null;
    seq: number | null;
    at: string | null;
    message: string;
  } | null;
  breaks_total: number;
}

function summarize(result: unknown): number {
  const report = result as Partial<Report>;
  if (typeof report.ok !== 'boolean' || report.checked === undefined) return 1;
  const { chains, day_records, records_verified, heads } = report.checked;
  const exported = report.export?.present
    ? `its export (${report.export.records} records, SHA-256 ${report.export.sha256_matches_manifest ? 'matches' : 'does NOT match'} the manifest)`
    : 'no export yet';
  console.error(
    `[audit] ${report.date} (UTC): ${day_records} records in ${chains} chains; ${records_verified} records and ${heads} heads verified; ${exported}`,
  );
  if (report.ok) {
    console.error('[audit] ✔ every chain holds');
    return 0;
  }
  const first = report.first_break!;
  const where =
    first.audit_id === null
      ? (first.chain ?? 'the export')
      : `${first.audit_id} (${first.chain}, seq ${first.seq}, at ${first.at})`;
  console.error(`[audit] ✖ ${report.breaks_total} break(s); the first: ${where}: ${first.reason}: ${first.message}`);
  return 1;
}

async function main(): Promise<number> {
  const { flags, positional } = parseArgs(process.argv.slice(2));
  const date = flags['date'];
  const stateDir = typeof flags['state-dir'] === 'string' ? flags['state-dir'] : undefined;
  if (positional[0] !== 'verify' || !isCalendarDate(date)) {
    console.error(USAGE);
    return 2;
  }
  return invokeAndPrint(
    'audit-verify',
    { date },
    { logPrefix: 'audit', synth: true, exitCodeOf: summarize, ...(stateDir === undefined ? {} : { stateDir }) },
  );
}

main().then(
  // Exit once stdout is flushed: a pipe's writes are asynchronous and a large answer was cut short.
  (code) => process.stdout.write('', () => process.exit(code)),
  (error: unknown) => {
    console.error(`✖ ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
