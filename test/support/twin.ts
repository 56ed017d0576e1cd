// E2E support: the whole twin on a free port with its own temporary state, so suites can run side
// by side with each other and with a developer's `npm start`.
//
//   const twin = await startTwin({ port: 0, fresh: true });      // beforeAll
//   const token = await twin.token({ tenant: 'acme', role: 'backend' });     // or { operator: 'ada', role: 'ops' }
//   await fetch(`${twin.url}/corridors`, { headers: { authorization: `Bearer ${token}` } });
//   await twin.runSchedule('sweep');
//   await twin.stop();                                           // afterAll
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmulatorClients, ResolvedNames } from '../../local/emulators/emulators.js';
import { loadLocalConfig } from '../../local/config.js';
import { startLocalTwin, type Twin, type TwinTokenRequest } from '../../local/twin.js';
import { loadModel } from './emulators.js';

export interface StartedTwin {
  url: string;
  /** A token of an actor of the access matrix, minted the way Cognito would (local/aws/cognito.ts). */
  token(request: TwinTokenRequest): Promise<string>;
  /** A token no issuer would mint, signed with the twin's key (tests of the layers behind the issuer). */
  forgeToken: Twin['forgeToken'];
  clients: EmulatorClients;
  names: ResolvedNames;
  /** Runs the schedule(s) targeting a function now, through POST /.twin/schedules/<name>/run. */
  runSchedule(functionShortName: string): Promise<Response>;
  twin: Twin;
  /** The twin's state directory (`TWIN_STATE_DIR` for a CLI that should find this twin). */
  stateDir: string;
  stop(): Promise<void>;
}

export async function startTwin(
  options: { port?: number; fresh?: boolean; stateDir?: string; cdkOutDir?: string; sandboxProviderPort?: number } = {},
): Promise<StartedTwin> {
  // A test twin never shares `.local/` with a developer's running twin.
  const ownsStateDir = options.stateDir === undefined;
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'twin-'));
  await loadModel(options.cdkOutDir ? { cdkOutDir: options.cdkOutDir } : {}); // synthesizes when cdk.out is missing
  const config = {
    ...loadLocalConfig(),
    port: options.port ?? 0,
    sandboxProviderPort: options.sandboxProviderPort ?? 0,
  };
  const twin = await startLocalTwin({
    port: config.port,
    fresh: options.fresh ?? true,
    stateDir,
    // A scratch state directory is deleted at stop, so nothing restarts on it: DynamoDB Local runs
    // in memory (several times the writes per second of its file-backed mode).
    dynamodbInMemory: ownsStateDir,
    synth: 'never',
    config,
    ...(options.cdkOutDir ? { cdkOutDir: options.cdkOutDir } : {}),
  });
  return {
    url: twin.url,
    token: (request) => twin.token(request),
    forgeToken: (request) => twin.forgeToken(request),
    clients: twin.emulators.clients,
    names: twin.emulators.names,
    runSchedule: (name) => fetch(`${twin.url}/.twin/schedules/${encodeURIComponent(name)}/run`, { method: 'POST' }),
    twin,
    stateDir,
    stop: async () => {
      await twin.stop();
      if (ownsStateDir) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
