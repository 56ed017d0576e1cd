// `npm run invoke -- <function> events/<file>.json [--no-synth]`: invokes one function with a
// fixture and prints the result JSON, like `sam local invoke`. With `npm start` running it goes
// through the running twin (warm workers, same emulators); otherwise it starts DynamoDB Local,
// fauxqs and the sandbox on the `.local/` state just for this call and stops them afterwards.
import { readFileSync } from 'node:fs';
import { parseArgs } from '../local/cli-args.js';
import { InvocationError, TwinError } from '../local/errors.js';
import { invokeStandalone } from '../local/invoke-standalone.js';
import { findRunningTwin } from '../local/running-twin.js';

const USAGE = 'usage: npm run invoke -- <function short name> <event file.json> [--no-synth]';

async function main(): Promise<number> {
  const { flags, positional } = parseArgs(process.argv.slice(2));
  const [functionName, eventFile] = positional;
  if (!functionName || !eventFile) {
    console.error(USAGE);
    return 2;
  }
  const event: unknown = JSON.parse(readFileSync(eventFile, 'utf8'));
  const running = findRunningTwin();
  if (running) {
    const response = await fetch(`${running.url}/.twin/functions/${encodeURIComponent(functionName)}/invoke`, { method: 'POST', body: JSON.stringify(event) });
    const body: unknown = await response.json();
    console.log(JSON.stringify(body, null, 2));
    return response.status === 200 && !response.headers.get('x-amz-function-error') ? 0 : 1;
  }
  const log = (line: string) => console.error(`[invoke] ${line}`);
  log('no running twin: starting the emulators for this call (npm start keeps them warm)');
  try {
    console.log(JSON.stringify(await invokeStandalone(functionName, event, { synth: flags['no-synth'] !== true, log }), null, 2));
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
    console.error(`✖ ${error instanceof TwinError ? error.oneLine() : (error as Error).message}`);
    process.exit(1);
  },
);
