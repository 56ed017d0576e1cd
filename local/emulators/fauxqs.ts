// fauxqs: SQS + S3 in-process (needs Node ≥ 22.5 for node:sqlite). With `dataDir` it writes every
// mutation through to SQLite, so queues, in-flight messages and objects survive a restart.
import { mkdirSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { startFauxqs } from 'fauxqs';
import { EmulatorStartError } from '../errors.js';
import { applyFauxqsPatches } from './fauxqs-patches.js';
import { LOOPBACK_HOST } from './ports.js';

export interface FauxqsEmulator {
  /** SQS and S3 share one endpoint. */
  endpointUrl: string;
  port: number;
  stop(): Promise<void>;
}

export async function startFauxqsEmulator(options: { dataDir?: string; port?: number } = {}): Promise<FauxqsEmulator> {
  const dataDir = options.dataDir ? resolvePath(options.dataDir) : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  try {
    if (dataDir) await applyFauxqsPatches();
    const server = await startFauxqs({ port: options.port ?? 0, logger: false, ...(dataDir ? { dataDir } : {}) });
    return {
      endpointUrl: `http://${LOOPBACK_HOST}:${server.port}`,
      port: server.port,
      stop: () => server.stop(),
    };
  } catch (error) {
    throw new EmulatorStartError('fauxqs', (error as Error).message, error);
  }
}
