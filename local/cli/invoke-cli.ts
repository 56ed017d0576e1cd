// The one "invoke a function and print what it returned" path behind `npm run invoke` and
// `npm run reconcile`: through the running twin (`npm start`, warm workers) when there is one,
// otherwise on the `.local/` state with emulators started just for this call.
import { InvocationError } from '../errors.js';
import { invokeStandalone } from './invoke-standalone.js';
import { findRunningTwin } from './running-twin.js';

export interface InvokeCliOptions {
  /** Prefix of the CLI's progress lines on stderr, e.g. `invoke`. */
  logPrefix: string;
  /** Synthesize first when cdk.out may be stale (standalone only). */
  synth: boolean;
}

/** Prints the result JSON on stdout; answers the process exit code (0 success, 1 function error). */
export async function invokeAndPrint(functionName: string, event: unknown, options: InvokeCliOptions): Promise<number> {
  const log = (line: string) => console.error(`[${options.logPrefix}] ${line}`);
  const running = findRunningTwin();
  if (running) {
    const response = await fetch(`${running.url}/.twin/functions/${encodeURIComponent(functionName)}/invoke`, {
      method: 'POST',
      body: JSON.stringify(event),
    });
    console.log(JSON.stringify(await response.json(), null, 2));
    return response.status === 200 && !response.headers.get('x-amz-function-error') ? 0 : 1;
  }
  log('no running twin: starting the emulators for this call (npm start keeps them warm)');
  try {
    console.log(JSON.stringify(await invokeStandalone(functionName, event, { synth: options.synth, log }), null, 2));
    return 0;
  } catch (error) {
    if (!(error instanceof InvocationError)) throw error;
    console.log(JSON.stringify({ errorType: error.errorType, errorMessage: error.message }, null, 2));
    return 1;
  }
}
