// `npm run invoke -- <function> events/<file>.json [--no-synth]`: invokes one function with a
// fixture and prints the result JSON, like `sam local invoke`. With `npm start` running it goes
// through the running twin (warm workers, same emulators); otherwise it starts DynamoDB Local,
// fauxqs and the sandbox on the `.local/` state just for this call and stops them afterwards.
import { readFileSync } from 'node:fs';
import { parseArgs } from '../local/cli/cli-args.js';
import { TwinError } from '../local/errors.js';
import { invokeAndPrint } from '../local/cli/invoke-cli.js';

const USAGE = 'usage: npm run invoke -- <function short name> <event file.json> [--no-synth]';

async function main(): Promise<number> {
  const { flags, positional } = parseArgs(process.argv.slice(2));
  const [functionName, eventFile] = positional;
  if (!functionName || !eventFile) {
    console.error(USAGE);
    return 2;
  }
  const event: unknown = JSON.parse(readFileSync(eventFile, 'utf8'));
  return invokeAndPrint(functionName, event, { logPrefix: 'invoke', synth: flags['no-synth'] !== true });
}

// A pipe's writes are asynchronous: exiting at once cut a large answer (the OpenAPI document) short.
// The callback of one more write runs once everything queued before it has been flushed.
const exitAfterFlush = (code: number) => process.stdout.write('', () => process.exit(code));

main().then(
  (code) => exitAfterFlush(code),
  (error: unknown) => {
    console.error(`✖ ${error instanceof TwinError ? error.oneLine() : (error as Error).message}`);
    process.exit(1);
  },
);
