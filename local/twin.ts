// The local twin: one call that starts everything `npm start` runs, in order — the API port first
// (so a taken port fails in a second), then synth, emulators, issuer and sandbox provider in
// parallel, then the functions, pollers and schedules derived from the template.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { startApiServer, type ApiServer } from './aws/api-server.js';
import { loadLocalConfig, type LocalConfig } from './config.js';
import { assertJava } from './emulators/dynamodb.js';
import { launchEmulators, provisionEmulators, type Emulators, type LaunchedEmulators } from './emulators/emulators.js';
import { functionEnvironment } from './template/environment.js';
import { Health } from './health.js';
import { issuerUrl, loadOrCreateKeys, signToken, type IssuerKeys } from './aws/issuer.js';
import { LambdaRuntime } from './aws/lambda-runtime.js';
import { buildModel, defaultClientId, type TwinModel } from './template/model.js';
import { CDK_OUT_DIR, STATE_DIR_DEFAULT, stateDirs } from './paths.js';
import type { ResolveContext } from './template/resolve.js';
import { Scheduler } from './aws/scheduler.js';
import { TwinClock } from './aws/twin-clock.js';
import { TwinClockControl } from './aws/twin-clock-control.js';
import { SqsPoller } from './aws/sqs-poller.js';
import { synthesize } from './template/synth.js';
import { loadTemplate } from './template/template.js';
import { startSandboxProvider } from './sandbox/sandbox-process.js';
import { twinInventory } from './inventory.js';

export interface TwinOptions {
  /** 0 picks a free port (tests); default from config/local.json or PORT. */
  port?: number;
  /** Wipe the state directory first. */
  fresh?: boolean;
  stateDir?: string;
  /** `always` (npm start), `if-stale` (`--no-synth`), `never` (tests with a fixture assembly). */
  synth?: 'always' | 'if-stale' | 'never';
  cdkOutDir?: string;
  config?: LocalConfig;
  log?: (line: string) => void;
}

export interface Twin {
  url: string;
  port: number;
  issuer: string;
  keys: IssuerKeys;
  model: TwinModel;
  emulators: Emulators;
  runtime: LambdaRuntime;
  scheduler: Scheduler;
  /** The functions' clock (GET /.twin/clock); the sandbox provider's clock is built on it. */
  clock: TwinClock;
  pollers: Map<string, SqsPoller>;
  sandboxProviderUrl: string;
  /** Local id of the machine-to-machine app client (the first audience of the first authorizer). */
  clientId: string;
  token(request: { tenant: string; scopes: string[]; ttlSeconds?: number; claims?: Record<string, unknown> }): Promise<string>;
  stop(): Promise<void>;
}

export async function startLocalTwin(options: TwinOptions = {}): Promise<Twin> {
  const log = options.log ?? (() => {});
  const startedMs = Date.now();
  const phase = (what: string) => log(`${what} (+${((Date.now() - startedMs) / 1000).toFixed(1)} s)`);
  const config = options.config ?? loadLocalConfig();
  const dirs = stateDirs(options.stateDir ?? STATE_DIR_DEFAULT);
  // Only the twin's own folders: others keep scratch files under .local/ too.
  if (options.fresh) for (const dir of [dirs.dynamodb, dirs.fauxqs, dirs.issuer, dirs.sandbox, dirs.runtimeFile]) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dirs.root, { recursive: true });
  assertJava();

  const health = new Health();
  const stoppers: Array<() => Promise<void> | void> = [];
  const stopAll = async () => { for (const stop of stoppers.splice(0).reverse()) await Promise.resolve(stop()).catch(() => undefined); };
  let twin: Twin | undefined;
  let routing: { routes: TwinModel['routes']; authorizers: TwinModel['authorizers']; keys: IssuerKeys; issuer: string; apiId: string } | undefined;
  let runtime: LambdaRuntime | undefined;
  let scheduler: Scheduler | undefined;
  // Not persisted: every start of the twin begins on real time (local/README.md, "The twin's clock").
  const clock = new TwinClock();
  const clockControl = new TwinClockControl(clock);

  const api: ApiServer = await startApiServer({
    get routing() { return routing; },
    invoke: (functionLogicalId, event, requestId) => runtime!.invoke(functionLogicalId, event, { requestId }),
    runSchedule: (name) => scheduler!.runNow(name),
    health: () => ({ ready: health.ready, body: health.body() }),
    inventory: () => (twin ? twinInventory(twin) : { starting: true }),
    clock: clockControl,
  }, options.port ?? config.port);
  stoppers.push(() => api.stop());
  health.set('api', { status: 'starting', url: api.url });

  // The JVM boots while `cdk synth` runs: the two longest steps overlap.
  const launching = launchEmulators({ stateDir: dirs.root });
  launching.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"
  let launched: LaunchedEmulators | undefined;
  stoppers.push(async () => { if (!launched) await launching.then((late) => late.stop(), () => undefined); });
  try {
    const cdkOutDir = options.cdkOutDir ?? CDK_OUT_DIR;
    if (options.synth !== 'never') await synthesize({ onlyIfStale: options.synth === 'if-stale', log });
    const loaded = loadTemplate(cdkOutDir, config.stackName);
    phase(`template ${loaded.stackName} loaded`);
    const model = buildModel(loaded);
    const issuer = issuerUrl(api.port);

    const [emulators, keys, sandbox] = await Promise.all([
      launching.then((started) => { launched = started; return provisionEmulators(started, model); }).then((provisioned) => { stoppers.push(() => provisioned.stop()); return provisioned; }),
      loadOrCreateKeys(dirs.issuer),
      startSandboxProvider({ port: config.sandboxProviderPort, stateDir: dirs.sandbox, webhookUrl: `${api.url}/webhooks/sandbox`, realNowMs: () => clock.nowMs() }).then((started) => { stoppers.push(() => started.stop()); return started; }),
    ]);
    phase('emulators, issuer and sandbox provider ready');
    health.set('dynamodb', { status: 'ok', endpoint: emulators.dynamodbEndpointUrl, tables: model.tables.length });
    health.set('fauxqs', { status: 'ok', endpoint: emulators.sqsEndpointUrl, queues: model.queues.length, buckets: model.buckets.length });
    health.set('sandboxProvider', { status: 'ok', url: sandbox.url });
    clockControl.attach({ sandbox });

    const context: ResolveContext = { template: loaded.template, stackName: loaded.stackName, sqsEndpointUrl: emulators.sqsEndpointUrl, apiUrl: api.url, issuerUrl: issuer };
    const twinEnvironment = { ...emulators.awsEnvironment, SANDBOX_PROVIDER_URL: sandbox.url, ...config.env };
    runtime = new LambdaRuntime(model.functions.map((spec) => ({ spec, environment: functionEnvironment(spec, context, twinEnvironment) })), { clockBuffer: clock.buffer });
    stoppers.push(() => runtime!.stop());
    health.set('functions', { status: 'ok', count: model.functions.length });

    const pollers = new Map<string, SqsPoller>();
    for (const mapping of model.eventSourceMappings.filter((candidate) => candidate.enabled)) {
      const fn = runtime.find(mapping.functionLogicalId)!;
      const poller = new SqsPoller({
        sqs: emulators.clients.sqs,
        queueUrl: emulators.names.queueUrls[mapping.queueLogicalId]!,
        queueArn: emulators.names.queueArns[mapping.queueLogicalId]!,
        mapping,
        invoke: (event) => runtime!.invoke(fn.spec.logicalId, event),
        log,
      });
      poller.start();
      pollers.set(mapping.logicalId, poller);
    }
    stoppers.push(() => Promise.all([...pollers.values()].map((poller) => poller.stop())).then(() => undefined));
    health.set('pollers', { status: 'ok', count: pollers.size });

    scheduler = new Scheduler(
      model.schedules.map((spec) => ({ spec, functionShortName: runtime!.find(spec.functionLogicalId)!.spec.shortName })),
      (name, event) => runtime!.invoke(name, event),
      log,
      () => clock.nowMs(),
    );
    scheduler.start();
    clockControl.attach({ scheduler });
    stoppers.push(() => scheduler!.stop());
    health.set('schedules', { status: 'ok', count: model.schedules.length });

    const clientId = defaultClientId(model);
    routing = { routes: model.routes, authorizers: model.authorizers, keys, issuer, apiId: model.routes.length > 0 ? 'local' : 'none' };
    health.set('api', { status: 'ok', url: api.url, routes: model.routes.length });

    // `npm run invoke` and `npm run token` read this to find the running twin.
    writeFileSync(dirs.runtimeFile, JSON.stringify({ pid: process.pid, url: api.url, port: api.port, issuer, clientId, endpoints: emulators.awsEnvironment, sandboxProviderUrl: sandbox.url }, null, 2));
    stoppers.push(() => rmSync(dirs.runtimeFile, { force: true }));

    twin = {
      url: api.url,
      port: api.port,
      issuer,
      keys,
      model,
      emulators,
      runtime,
      scheduler,
      clock,
      pollers,
      sandboxProviderUrl: sandbox.url,
      clientId,
      token: (request) => signToken(keys, { ...request, clientId, issuer }),
      stop: stopAll,
    };
    return twin;
  } catch (error) {
    await stopAll();
    throw error;
  }
}
