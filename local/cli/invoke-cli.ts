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
  /** The running twin's state directory, when not the default (tests start twins elsewhere). */
  stateDir?: string;
  /** The exit code of a result the function answered (default 0): a report can say "failed" without an error. */
  exitCodeOf?: (result: unknown) => number;
}

/** Prints the result JSON on stdout; answers the process exit code (0 success, 1 function error). */
export async function invokeAndPrint(functionName: string, event: unknown, options: InvokeCliOptions): Promise<number> {
  const log = (line: string) => console.error(`[${options.logPrefix}] ${line}`);
  const running = findRunningTwin(...(options.stateDir === undefined ? [] : [options.stateDir]));
  const answered = (result: unknown) => options.exitCodeOf?.(result) ?? 0;
  if (running) {
    const response = await fetch(`${running.url}/.twin/functions/${encodeURIComponent(functionName)}/invoke`, {
      method: 'POST',
      body: JSON.stringify(event),
    });
    const result: unknown = await response.json();
    console.log(JSON.stringify(result, null, 2));
    return response.status === 200 && !response.headers.get('x-amz-function-error') ? answered(result) : 1;
  }
  if (options.stateDir !== undefined) throw new Error(`no running twin with state directory ${options.stateDir}`);
  log('no running twin: starting the emulators for this call (npm start keeps them warm)');
  try {
    const result = await invokeStandalone(functionName, event, { synth: options.synth, log });
    console.log(JSON.stringify(result, null, 2));
    return answered(result);
  } catch (error) {
    if (!(error instanceof InvocationError)) throw error;
    console.log(JSON.stringify({ errorType: error.errorType, errorMessage: error.message }, null, 2));
    return 1;
  }
}
