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
import { issuerUrl, loadOrCreateKeys, signToken, type IssuerKeys, type TokenRequest } from './aws/issuer.js';
import { LambdaRuntime } from './aws/lambda-runtime.js';
import { buildModel, operatorClient, type TwinModel } from './template/model.js';
import { createTenant, type TenantPorts } from '../functions/app/access/tenants.js';
import { ClientRegistry } from './aws/client-registry.js';
import { TwinCognito } from './aws/cognito.js';
import { identityEndpoint } from './aws/issuer-endpoints.js';
import { registryPorts, twinTenantPorts } from './aws/tenant-ports.js';
import { CDK_OUT_DIR, STATE_DIR_DEFAULT, stateDirs } from './paths.js';
import type { ResolveContext } from './template/resolve.js';
import { Scheduler } from './aws/scheduler.js';
import { TwinClock } from './aws/twin-clock.js';
import { TwinClockControl } from './aws/twin-clock-control.js';
import { SqsPoller } from './aws/sqs-poller.js';
import { synthesize } from './template/synth.js';
import { loadTemplate } from './template/template.js';
import { startSandboxProvider } from './sandbox/sandbox-process.js';
import { ENV } from '../functions/shared/names.js';
import { startProviderStandIns } from './providers/start-stand-ins.js';
import type { StartedTwinStandIn } from './providers/twin-stand-in.js';
import { twinInventory } from './inventory.js';

export interface TwinOptions {
  /** 0 picks a free port (tests); default from config/local.json or PORT. */
  port?: number;
  /** Wipe the state directory first. */
  fresh?: boolean;
  stateDir?: string;
  /** DynamoDB Local in memory: for a scratch twin that is never restarted (launchEmulators). */
  dynamodbInMemory?: boolean;
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
  /** The providers' stand-ins (local/providers/stand-ins.ts), by provider name. */
  providerStandIns: Readonly<Record<string, StartedTwinStandIn>>;
  /** Local id of the hosted-UI app client operators' tokens come from. */
  operatorClientId: string | undefined;
  /** The twin's Cognito: client-credentials and operator tokens, through the pre-token trigger. */
  cognito: TwinCognito;
  /** App clients made by tenant provisioning, and the authorizer audience it added. */
  clients: ClientRegistry;
  /** Tenant provisioning's ports on this twin (functions/app/access/tenants.ts). */
  tenantPorts: TenantPorts;
  /**
   * A token the way Cognito would mint it for an actor of the access matrix: a tenant role's client
   * (provisioned on first use) or an operator in a role's group. `scopes` may narrow the role; a
   * scope the role does not allow fails with `invalid_scope`.
   */
  token(request: TwinTokenRequest): Promise<string>;
  /** A token no issuer would mint (wrong claims, scopes outside the matrix), signed with the twin's key: for tests of the layers behind the issuer. */
  forgeToken(request: Omit<TokenRequest, 'issuer'> & { issuer?: string }): Promise<string>;
  stop(): Promise<void>;
}

export type TwinTokenRequest =
  | { tenant: string; role: string; scopes?: string[]; ttlSeconds?: number }
  | { operator: string; role: string; scopes?: string[]; ttlSeconds?: number };

export async function startLocalTwin(options: TwinOptions = {}): Promise<Twin> {
  const log = options.log ?? (() => {});
  const startedMs = Date.now();
  const phase = (what: string) => log(`${what} (+${((Date.now() - startedMs) / 1000).toFixed(1)} s)`);
  const config = options.config ?? loadLocalConfig();
  const dirs = stateDirs(options.stateDir ?? STATE_DIR_DEFAULT);
  // Only the twin's own folders: others keep scratch files under .local/ too.
  if (options.fresh)
    for (const dir of [dirs.dynamodb, dirs.fauxqs, dirs.issuer, dirs.sandbox, dirs.runtimeFile])
      rmSync(dir, { recursive: true, force: true });
  mkdirSync(dirs.root, { recursive: true });
  assertJava();

  const health = new Health();
  const stoppers: Array<() => Promise<void> | void> = [];
  const stopAll = async () => {
    for (const stop of stoppers.splice(0).reverse()) await Promise.resolve(stop()).catch(() => undefined);
  };
  let twin: Twin | undefined;
  let routing:
    | {
        routes: TwinModel['routes'];
        authorizers: TwinModel['authorizers'];
        keys: IssuerKeys;
        issuer: string;
        apiId: string;
        audience(): string[];
      }
    | undefined;
  let runtime: LambdaRuntime | undefined;
  let scheduler: Scheduler | undefined;
  // Not persisted: every start of the twin begins on real time (local/README.md, "The twin's clock").
  const clock = new TwinClock();
  const clockControl = new TwinClockControl(clock);
  let identity: Parameters<typeof identityEndpoint>[0] | undefined;

  const api: ApiServer = await startApiServer(
    {
      get routing() {
        return routing;
      },
      invoke: (functionLogicalId, event, requestId) => runtime!.invoke(functionLogicalId, event, { requestId }),
      runSchedule: (name) => scheduler!.runNow(name),
      health: () => ({ ready: health.ready, body: health.body() }),
      inventory: () => (twin ? twinInventory(twin) : { starting: true }),
      clock: clockControl,
      providerState: async (provider, reference, state) => {
        const standIn = twin?.providerStandIns[provider];
        if (standIn === undefined) return false;
        await standIn.setState(reference, state);
        return true;
      },
      identity: async (request, requestId) =>
        identity === undefined ? undefined : identityEndpoint(identity, request, requestId),
    },
    options.port ?? config.port,
  );
  stoppers.push(() => api.stop());
  health.set('api', { status: 'starting', url: api.url });

  // The JVM boots while `cdk synth` runs: the two longest steps overlap.
  const launching = launchEmulators({ stateDir: dirs.root, dynamodbInMemory: options.dynamodbInMemory ?? false });
  launching.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"
  let launched: LaunchedEmulators | undefined;
  stoppers.push(async () => {
    if (!launched)
      await launching.then(
        (late) => late.stop(),
        () => undefined,
      );
  });
  try {
    const cdkOutDir = options.cdkOutDir ?? CDK_OUT_DIR;
    if (options.synth !== 'never') await synthesize({ onlyIfStale: options.synth === 'if-stale', log });
    const loaded = loadTemplate(cdkOutDir, config.stackName);
    phase(`template ${loaded.stackName} loaded`);
    const model = buildModel(loaded);
    const issuer = issuerUrl(api.port);

    const [emulators, keys, sandbox] = await Promise.all([
      launching
        .then((started) => {
          launched = started;
          return provisionEmulators(started, model);
        })
        .then((provisioned) => {
          stoppers.push(() => provisioned.stop());
          return provisioned;
        }),
      loadOrCreateKeys(dirs.issuer),
      startSandboxProvider({
        port: config.sandboxProviderPort,
        stateDir: dirs.sandbox,
        webhookUrl: `${api.url}/webhooks/sandbox`,
        realNowMs: () => clock.nowMs(),
      }).then((started) => {
        stoppers.push(() => started.stop());
        return started;
      }),
    ]);
    phase('emulators, issuer and sandbox provider ready');
    health.set('dynamodb', { status: 'ok', endpoint: emulators.dynamodbEndpointUrl, tables: model.tables.length });
    health.set('fauxqs', {
      status: 'ok',
      endpoint: emulators.sqsEndpointUrl,
      queues: model.queues.length,
      buckets: model.buckets.length,
    });
    health.set('sandboxProvider', { status: 'ok', url: sandbox.url });
    const providerStandIns = await startProviderStandIns({
      apiUrl: api.url,
      webhookSecretsFile: config.env[ENV.webhookSecretsFile] ?? './config/webhook-secrets.local.json',
      stateDir: dirs.root,
      nowMs: () => clock.nowMs(),
    });
    stoppers.push(() => providerStandIns.stop());
    phase(`provider stand-ins ready: ${Object.keys(providerStandIns.byProvider).join(', ')}`);
    clockControl.attach({ sandbox });

    const context: ResolveContext = {
      template: loaded.template,
      stackName: loaded.stackName,
      sqsEndpointUrl: emulators.sqsEndpointUrl,
      apiUrl: api.url,
      issuerUrl: issuer,
    };
    const twinEnvironment = {
      ...emulators.awsEnvironment,
      SANDBOX_PROVIDER_URL: sandbox.url,
      [ENV.providerCredentialsFile]: providerStandIns.credentialsFile,
      ...config.env,
    };
    runtime = new LambdaRuntime(
      model.functions.map((spec) => ({ spec, environment: functionEnvironment(spec, context, twinEnvironment) })),
      { clockBuffer: clock.buffer },
    );
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
      model.schedules.map((spec) => ({
        spec,
        functionShortName: runtime!.find(spec.functionLogicalId)!.spec.shortName,
      })),
      (name, event) => runtime!.invoke(name, event),
      log,
      () => clock.nowMs(),
    );
    scheduler.start();
    clockControl.attach({ scheduler });
    stoppers.push(() => scheduler!.stop());
    health.set('schedules', { status: 'ok', count: model.schedules.length });

    const clients = new ClientRegistry(dirs.issuer);
    const tenantPorts = twinTenantPorts({
      registry: registryPorts(clients),
      documentClient: emulators.clients.documentClient,
      operationsTable: emulators.names.tables['OperationsTable'] ?? 'OperationsTable',
      stateDir: dirs.root,
    });
    const tenantClient = activeTenantClient(tenantPorts);
    const cognito = new TwinCognito({
      keys,
      issuer,
      model,
      clients,
      invoke: (logicalId, event) => runtime!.invoke(logicalId, event),
      tenantClient,
    });
    const operatorClientId = operatorClient(model)?.clientId;
    identity = {
      cognito,
      registry: clients,
      templateAudience: [...new Set(model.authorizers.flatMap((authorizer) => authorizer.audiences))],
    };
    routing = {
      routes: model.routes,
      authorizers: model.authorizers,
      keys,
      issuer,
      apiId: model.routes.length > 0 ? 'local' : 'none',
      audience: () => clients.audience(),
    };
    health.set('api', { status: 'ok', url: api.url, routes: model.routes.length });

    // `npm run invoke` and `npm run token` read this to find the running twin.
    writeFileSync(
      dirs.runtimeFile,
      JSON.stringify(
        {
          pid: process.pid,
          url: api.url,
          port: api.port,
          issuer,
          operatorClientId,
          stateDir: dirs.root,
          endpoints: emulators.awsEnvironment,
          sandboxProviderUrl: sandbox.url,
        },
        null,
        2,
      ),
    );
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
      providerStandIns: providerStandIns.byProvider,
      operatorClientId,
      cognito,
      clients,
      tenantPorts,
      token: async (request) =>
        ('operator' in request ? cognito.operatorToken(request) : cognito.tenantToken(request)).then(
          (minted) => minted.accessToken,
        ),
      forgeToken: (request) => signToken(keys, { issuer, ...request }),
      stop: stopAll,
    };
    return twin;
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * The tenant's active client for a role, provisioned (as `npm run tenants -- create --role` would)
 * the first time the twin is asked for its token. One provisioning per tenant and role at a time:
 * concurrent first tokens would otherwise each make a client.
 */
function activeTenantClient(ports: TenantPorts): (tenantId: string, role: string) => Promise<string> {
  const pending = new Map<string, Promise<string>>();
  const resolveClient = async (tenantId: string, role: string): Promise<string> => {
    const active = (await ports.directory.list(tenantId)).find(
      (record) => record.role === role && record.status === 'active',
    );
    if (active !== undefined) return active.clientId;
    const created = await createTenant(ports, { tenantId, roles: [role] });
    return created.clients[0]!.clientId!;
  };
  return (tenantId, role) => {
    const key = `${tenantId}#${role}`;
    const running = pending.get(key) ?? resolveClient(tenantId, role).finally(() => pending.delete(key));
    pending.set(key, running);
    return running;
  };
}
