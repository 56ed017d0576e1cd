// Extension points of the sandbox: the signed webhook emitter and the settlement report. Each is a
// factory that receives read access to the sandbox's books and its state-change hook, and may add
// HTTP routes and a stop(). The types live apart from the list of plugins (plugins.ts) so a plugin
// can import them without importing the list that imports it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxPayout } from '../../functions/adapters/providers/sandbox-api.js';
import type { StateChangeListener } from './store.js';
import type { SandboxTrigger } from './triggers.js';

export interface SandboxContext {
  /** Every payout the sandbox holds (optionally those for one of our payout ids), oldest first. */
  listPayouts(filter?: { payoutId?: string }): SandboxPayout[];
  getPayout(providerReference: string): SandboxPayout | undefined;
  /** The documented test trigger driving a payout (its `report` field says how to perturb its row). */
  triggerOf(providerReference: string): SandboxTrigger | undefined;
  /** The sandbox clock (epoch ms), which `POST /v1/test/advance` moves forward. */
  nowMs(): number;
  /**
   * The wall clock (epoch ms) the sandbox clock is built on: real time, or the twin's clock when the
   * twin runs the sandbox. Webhook signatures are stamped with it, because our intake checks their
   * timestamp against its own clock, which is the twin's.
   */
  realNowMs(): number;
  /** Called after every state change is on disk, in order; returns an unsubscribe function. */
  onStateChange(listener: StateChangeListener): () => void;
  /** Where our webhook intake listens (e.g. http://127.0.0.1:3000/webhooks/sandbox); undefined: send none. */
  webhookUrl: string | undefined;
  /** The sandbox's own state directory (plugins may keep files under it); undefined in memory-only tests. */
  stateDir: string | undefined;
}

export interface SandboxRoute {
  method: 'GET' | 'POST';
  /** Matched against the URL path; capture groups are passed to `handle`. */
  path: RegExp;
  handle(request: IncomingMessage, response: ServerResponse, match: RegExpMatchArray, url: URL): Promise<void> | void;
}

export interface SandboxPlugin {
  readonly name: string;
  readonly routes?: readonly SandboxRoute[];
  stop?(): Promise<void>;
}

export type SandboxPluginFactory = (context: SandboxContext) => SandboxPlugin;
