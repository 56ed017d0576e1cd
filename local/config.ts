// config/local.json: the twin's knobs. Values in `env` are added to every function's environment;
// a value starting with `./` is a path relative to the repository, made absolute here so a worker
// thread can open it whatever its working directory.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CONFIG_PATH, REPO_ROOT } from './paths.js';

export interface LocalConfig {
  /** API port; `PORT` in the environment wins. */
  port: number;
  /** Sandbox provider port; 0 picks a free one. */
  sandboxProviderPort: number;
  /** Stack to run when cdk.out holds several. */
  stackName?: string;
  env: Record<string, string>;
}

const PORT_DEFAULT = 3000;

export function loadLocalConfig(path: string = CONFIG_PATH): LocalConfig {
  const raw = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Partial<LocalConfig>) : {};
  const env = Object.fromEntries(
    Object.entries(raw.env ?? {}).map(([key, value]) => [
      key,
      String(value).startsWith('./') ? resolve(REPO_ROOT, String(value)) : String(value),
    ]),
  );
  return {
    port: Number(process.env.PORT ?? raw.port ?? PORT_DEFAULT),
    sandboxProviderPort: Number(raw.sandboxProviderPort ?? 0),
    ...(raw.stackName ? { stackName: raw.stackName } : {}),
    env,
  };
}
