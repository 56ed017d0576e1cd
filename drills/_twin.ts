// Shared by drills: the running twin (found through .local/twin.json, or $TWIN_STATE_DIR/twin.json:
// the `all` runner starts one private twin and points every drill at it that way) or a private one
// started on a free port with scratch state, plus a checklist printer that also records a structured
// result (drills/_gate/drill-result.ts). Not a drill itself (leading underscore).
import { writeFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DUMMY_CREDENTIALS } from '../local/emulators/dynamodb.js';
import { loadOrCreateKeys, signToken, type TokenRequest } from '../local/aws/issuer.js';
import { LOCAL_REGION, tableName } from '../local/template/names.js';
import { STATE_DIR_DEFAULT, stateDirs } from '../local/paths.js';
import { findRunningTwin } from '../local/cli/running-twin.js';
import { requestTwinToken } from '../local/cli/twin-tokens.js';
import type { TwinTokenRequest } from '../local/twin.js';
import { startTwin } from '../test/support/twin.js';
import { DRILL_RESULT_FILE_ENV, checkPasses, type CheckResult, type DrillResult } from './_gate/drill-result.js';

export interface DrillTwin {
  url: string;
  sandboxProviderUrl: string;
  /** A token of an actor of the access matrix, from the twin's issuer (a tenant's role client, or an operator). */
  token(request: TwinTokenRequest): Promise<string>;
  /** A token no issuer would mint, signed with the twin's key: for drills of the layers behind the issuer. */
  forgeToken(request: Omit<TokenRequest, 'issuer'>): Promise<string>;
  /** The hosted-UI client operators' tokens come from (in the API's audience). */
  operatorClientId: string | undefined;
  documentClient: DynamoDBDocumentClient;
  tables: { payouts: string; ledger: string };
  stop(): Promise<void>;
}

export async function connectTwin(log: (line: string) => void): Promise<DrillTwin> {
  const running = findRunningTwin();
  const tables = { payouts: tableName('PayoutsTable'), ledger: tableName('LedgerTable') };
  if (running !== undefined) {
    log(`using the running twin at ${running.url} (pid ${running.pid})`);
    const dynamodb = new DynamoDBClient({
      region: LOCAL_REGION,
      credentials: DUMMY_CREDENTIALS,
      endpoint: running.endpoints['AWS_ENDPOINT_URL_DYNAMODB']!,
    });
    return {
      url: running.url,
      sandboxProviderUrl: running.sandboxProviderUrl,
      token: (request) => requestTwinToken(running.url, request),
      forgeToken: async (request) =>
        signToken(await loadOrCreateKeys(stateDirs(running.stateDir ?? STATE_DIR_DEFAULT).issuer), {
          issuer: running.issuer,
          ...request,
        }),
      operatorClientId: running.operatorClientId,
      documentClient: DynamoDBDocumentClient.from(dynamodb),
      tables,
      stop: async () => dynamodb.destroy(),
    };
  }
  log('no running twin: starting a private one (fresh state, free port) …');
  const twin = await startTwin({ port: 0, fresh: true });
  log(`private twin at ${twin.url}`);
  return {
    url: twin.url,
    sandboxProviderUrl: twin.twin.sandboxProviderUrl,
    token: (request) => twin.token(request),
    forgeToken: (request) => twin.forgeToken(request),
    operatorClientId: twin.twin.operatorClientId,
    documentClient: twin.clients.documentClient,
    tables,
    stop: () => twin.stop(),
  };
}

/** GET /.twin/clock: the twin's now (what every function reads) and how far ahead of real time it runs. */
export async function readTwinClock(twinUrl: string): Promise<{ now: string; offset_ms: number }> {
  const response = await fetch(`${twinUrl}/.twin/clock`);
  if (!response.ok) throw new Error(`the twin answered ${response.status} to GET /.twin/clock`);
  return (await response.json()) as { now: string; offset_ms: number };
}

/** POST /.twin/clock/advance: moves the twin's clock (and the sandbox provider's with it) forward. */
export async function advanceTwinClock(twinUrl: string, seconds: number): Promise<{ now: string; offset_ms: number }> {
  const headers = { 'content-type': 'application/json' };
  const response = await fetch(`${twinUrl}/.twin/clock/advance`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ seconds }),
  });
  if (!response.ok) {
    throw new Error(`the twin answered ${response.status} to POST /.twin/clock/advance: ${await response.text()}`);
  }
  return (await response.json()) as { now: string; offset_ms: number };
}

export interface Check {
  what: string;
  expected: unknown;
  saw: unknown;
}

/** What this drill's process has recorded so far, for its result file. */
const recorded: { steps: string[]; checks: CheckResult[]; attachments: Record<string, unknown> } = {
  steps: [],
  checks: [],
  attachments: {},
};

/** Adds a named fact to the drill's result (the evidence pack renders `trace` and `sla`). */
export function attach(name: string, value: unknown): void {
  recorded.attachments[name] = value;
}

/** Prints every check as expected/saw, records it for the result file, and returns whether all matched. */
export function report(checks: Check[]): boolean {
  let ok = true;
  for (const check of checks) {
    const match = checkPasses(check.expected, check.saw);
    ok &&= match;
    recorded.checks.push({ ...check, pass: match });
    console.log(
      `${match ? '✔' : '✖'} ${check.what}\n    expected: ${JSON.stringify(check.expected)}\n    saw:      ${JSON.stringify(check.saw)}`,
    );
  }
  return ok;
}

/** Every drill narrates its steps as `• …` lines; the result keeps them in order, whoever printed them. */
function recordSteps(): void {
  const print = console.log.bind(console);
  console.log = (...args: unknown[]) => {
    const line = args.map(String).join(' ');
    if (line.startsWith('• ')) recorded.steps.push(line.slice(2));
    print(...args);
  };
}

function writeResult(name: string, startedAtMs: number, passed: boolean, error?: unknown): void {
  const file = process.env[DRILL_RESULT_FILE_ENV];
  if (file === undefined || file === '') return;
  const finishedAtMs = Date.now();
  const result: DrillResult = {
    drill: name,
    passed,
    started_at: new Date(startedAtMs).toISOString(),
    finished_at: new Date(finishedAtMs).toISOString(),
    duration_ms: finishedAtMs - startedAtMs,
    ...recorded,
    ...(error === undefined ? {} : { error: (error as Error).stack ?? String(error) }),
  };
  writeFileSync(file, JSON.stringify(result, null, 2));
}

/**
 * Runs a drill's body and ends the process the way every drill does: PASS or FAIL on its own line,
 * exit 0 only when every check matched, and a crash printed with its stack (exit 1). Under the `all`
 * runner it also writes the drill's structured result to $DRILL_RESULT_FILE.
 */
export function runDrill(name: string, drill: () => Promise<boolean>): void {
  const startedAtMs = Date.now();
  recordSteps();
  drill().then(
    (ok) => {
      // A drill that checked nothing proved nothing.
      const passed = ok && recorded.checks.length > 0;
      writeResult(name, startedAtMs, passed);
      console.log(passed ? `\n${name}: PASS` : `\n${name}: FAIL`);
      process.exit(passed ? 0 : 1);
    },
    (error: unknown) => {
      writeResult(name, startedAtMs, false, error);
      console.error(`✖ ${(error as Error).stack ?? String(error)}`);
      process.exit(1);
    },
  );
}
