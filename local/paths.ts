// Where the twin keeps things. Everything it writes lives under `.local/` (git-ignored).
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CDK_OUT_DIR = join(REPO_ROOT, 'cdk.out');
/** TWIN_STATE_DIR moves it (the startup bench uses a scratch folder so it never wipes yours). */
export const STATE_DIR_DEFAULT = process.env.TWIN_STATE_DIR
  ? resolve(process.env.TWIN_STATE_DIR)
  : join(REPO_ROOT, '.local');
export const CONFIG_PATH = join(REPO_ROOT, 'config', 'local.json');

export function stateDirs(stateDir: string) {
  return {
    root: stateDir,
    dynamodb: join(stateDir, 'dynamodb'),
    fauxqs: join(stateDir, 'fauxqs'),
    issuer: join(stateDir, 'issuer'),
    sandbox: join(stateDir, 'sandbox'),
    /** Written while `npm start` runs, so `npm run invoke` can find the running emulators. */
    runtimeFile: join(stateDir, 'twin.json'),
  };
}
