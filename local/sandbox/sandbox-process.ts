// The sandbox payout provider: a real HTTP service the twin starts (docs/sandbox-provider.md).
// It is idempotent on our payout id, assigns `sbx_po_…` references, moves payouts through its own
// states on a clock, persists its books under `stateDir`, and selects outcomes by documented test
// account numbers. Plugins (webhook emitter, settlement report) hook in via local/sandbox/plugins.ts.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SandboxContext, SandboxPlugin } from './plugin-types.js';
import { SANDBOX_PLUGINS } from './plugins.js';
import { requestHandler } from './server.js';
import { SandboxStore, type StateChangeListener } from './store.js';
import type { SandboxPayout } from '../../functions/adapters/providers/sandbox-api.js';
import type { SandboxTrigger } from './triggers.js';

/** Time between two states of a payout (accepted → in_transit → paid …) unless told otherwise. */
export const SANDBOX_STEP_SECONDS_DEFAULT = 5;
/** How long `timeout_on_submit` holds its first answer: well past the adapter's submitTimeoutMs. */
export const SANDBOX_SUBMIT_HANG_MS_DEFAULT = 15_000;
/** How often the clock applies due states. */
const TICK_INTERVAL_MS = 250;
const LOOPBACK_HOST = '127.0.0.1';

export interface SandboxProviderOptions {
  /** 0 picks a free port. */
  port: number;
  /** Interface to bind; loopback unless the sandbox is run standalone for staging (bin/sandbox.ts). */
  host?: string;
  /** Where the books are kept (a JSON file); undefined keeps them in memory. */
  stateDir?: string;
  /** Our webhook intake for the sandbox, handed to the webhook emitter plugin. */
  webhookUrl?: string;
  stepSeconds?: number;
  submitHangMs?: number;
  /** Start the plugins (webhook emitter, settlement report); default true. */
  plugins?: boolean;
  /** The wall clock the sandbox clock runs on (default Date.now): the twin passes its own, tests a fake. */
  realNowMs?: () => number;
  /** Journal lines before the books are folded into a snapshot; for tests of the fold. */
  journalLinesMax?: number;
}

export interface SandboxProvider {
  url: string;
  stop(): Promise<void>;
  onStateChange(listener: StateChangeListener): () => void;
  listPayouts(filter?: { payoutId?: string }): SandboxPayout[];
  getPayout(providerReference: string): SandboxPayout | undefined;
  triggerOf(providerReference: string): SandboxTrigger | undefined;
  attemptsFor(idempotencyKey: string): number;
  advance(seconds: number): ReturnType<SandboxStore['advance']>;
  nowMs(): number;
}

export async function startSandboxProvider(options: SandboxProviderOptions): Promise<SandboxProvider> {
  const stepSeconds = options.stepSeconds ?? SANDBOX_STEP_SECONDS_DEFAULT;
  if (!(stepSeconds > 0)) throw new Error(`sandbox stepSeconds must be positive, got ${stepSeconds}`);
  const store = new SandboxStore({
    stateDir: options.stateDir,
    stepMs: stepSeconds * 1000,
    realNowMs: options.realNowMs,
    journalLinesMax: options.journalLinesMax,
  });
  const context: SandboxContext = {
    listPayouts: (filter) => store.listPayouts(filter),
    getPayout: (reference) => store.getPayout(reference),
    triggerOf: (reference) => store.triggerOf(reference),
    nowMs: () => store.nowMs(),
    realNowMs: options.realNowMs ?? Date.now,
    onStateChange: (listener) => store.onStateChange(listener),
    webhookUrl: options.webhookUrl,
    stateDir: options.stateDir,
  };
  const plugins: SandboxPlugin[] = options.plugins === false ? [] : SANDBOX_PLUGINS.map((create) => create(context));
  const hung = new Set<NodeJS.Timeout>();
  const server = createServer(
    requestHandler({
      store,
      submitHangMs: options.submitHangMs ?? SANDBOX_SUBMIT_HANG_MS_DEFAULT,
      extraRoutes: plugins.flatMap((plugin) => plugin.routes ?? []),
      hung,
    }),
  );
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? LOOPBACK_HOST, () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  const urlHost =
    options.host === undefined || options.host === '0.0.0.0' || options.host === '::' ? LOOPBACK_HOST : options.host;
  // Apply states that fell due while the sandbox was stopped, then keep the clock running.
  store.tick();
  const ticker = setInterval(() => store.tick(), TICK_INTERVAL_MS);
  ticker.unref();

  return {
    url: `http://${urlHost}:${port}`,
    async stop() {
      clearInterval(ticker);
      for (const timer of hung) clearTimeout(timer);
      hung.clear();
      await Promise.allSettled(plugins.map((plugin) => plugin.stop?.()));
      server.closeAllConnections();
      await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
    },
    onStateChange: (listener) => store.onStateChange(listener),
    listPayouts: (filter) => store.listPayouts(filter),
    getPayout: (reference) => store.getPayout(reference),
    triggerOf: (reference) => store.triggerOf(reference),
    attemptsFor: (key) => store.attemptsFor(key),
    advance: (seconds) => store.advance(seconds),
    nowMs: () => store.nowMs(),
  };
}
