// `.local/twin.json`, written by a running `npm start`: lets the token and invoke CLIs find it.
import { existsSync, readFileSync } from 'node:fs';
import { STATE_DIR_DEFAULT, stateDirs } from '../paths.js';

export interface RunningTwin {
  pid: number;
  url: string;
  port: number;
  issuer: string;
  /** The hosted-UI client operators' tokens come from. */
  operatorClientId: string | undefined;
  /** The running twin's state directory (tenant secrets land under it). */
  stateDir: string;
  endpoints: Record<string, string>;
  sandboxProviderUrl: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The running twin, or undefined when none is (a file left by a crash is ignored). */
export function findRunningTwin(stateDir: string = STATE_DIR_DEFAULT): RunningTwin | undefined {
  const file = stateDirs(stateDir).runtimeFile;
  if (!existsSync(file)) return undefined;
  const running = JSON.parse(readFileSync(file, 'utf8')) as RunningTwin;
  return alive(running.pid) ? running : undefined;
}
