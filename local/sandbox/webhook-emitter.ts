// The sandbox's signed webhooks, as a real provider would send them: every state a payout enters is sent to our intake as a
// Standard-Webhooks-signed event, through a seeded fault plan (duplicates, delays, reordering,
// drops redelivered with exponential backoff). Routes:
//   POST /v1/webhooks/{eventId}/resend   one immediate, fault-free redelivery (as in providers' dashboards)
//   GET  /v1/webhooks/events?payout_id=  what was sent, with every attempt (for tests and drills)
//   POST /v1/test/webhooks/hold          { held } holds every new event back (a stale-status read, an
//                                        incident); { held: false } sends what was held, in order
// Configuration (environment of the process running the sandbox):
//   SANDBOX_WEBHOOK_SEED     integer seed of the fault plan (default 1)
//   SANDBOX_WEBHOOK_FAULTS   none | default | all | JSON rates, e.g. {"drop":1}
//   WEBHOOK_SECRETS_FILE     secrets file; the sandbox signs with `sandbox[0]`
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV } from '../../functions/shared/names.js';
import { REPO_ROOT } from '../paths.js';
import { DELIVERY_TIMING_DEFAULT, parseFaultRates, type DeliveryTiming, type FaultRates } from './fault-plan.js';
import { readBody, sendError, sendJson } from './http.js';
import type { SandboxContext, SandboxPlugin, SandboxPluginFactory } from './plugin-types.js';
import { WebhookDelivery, type EventRecord } from './webhook-delivery.js';
import { webhookEventOf } from './webhook-event.js';

export const WEBHOOK_SEED_DEFAULT = 1;
const SECRETS_FILE_DEFAULT = join(REPO_ROOT, 'config', 'webhook-secrets.local.json');

export interface WebhookEmitterOptions {
  seed: number;
  rates: FaultRates;
  timing: DeliveryTiming;
  secret: string;
  /** Overrides the context's webhookUrl (tests). */
  targetUrl?: string;
  realNowMs?: () => number;
}

/** The sandbox's own signing secret: the first `sandbox` secret of the twin's secrets file. */
export function loadSandboxSecret(path = process.env[ENV.webhookSecretsFile] ?? SECRETS_FILE_DEFAULT): string {
  const secrets = JSON.parse(readFileSync(path, 'utf8')) as { sandbox?: string[] };
  const secret = secrets.sandbox?.[0];
  if (!secret) throw new Error(`${path} holds no sandbox secret (expected { "sandbox": ["whsec_…"] })`);
  return secret;
}

export function emitterOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): WebhookEmitterOptions {
  const seedText = env['SANDBOX_WEBHOOK_SEED'];
  const seed = seedText === undefined || seedText === '' ? WEBHOOK_SEED_DEFAULT : Number(seedText);
  if (!Number.isInteger(seed)) throw new Error(`SANDBOX_WEBHOOK_SEED must be an integer, got ${seedText}`);
  return {
    seed,
    rates: parseFaultRates(env['SANDBOX_WEBHOOK_FAULTS']),
    timing: DELIVERY_TIMING_DEFAULT,
    secret: loadSandboxSecret(),
  };
}

/** The plugin with explicit options (tests); `createWebhookEmitter` reads them from the environment. */
export function webhookEmitterWith(options: WebhookEmitterOptions): SandboxPluginFactory {
  return (context: SandboxContext): SandboxPlugin => {
    const delivery = new WebhookDelivery({
      targetUrl: options.targetUrl ?? context.webhookUrl,
      secret: options.secret,
      seed: options.seed,
      rates: options.rates,
      timing: options.timing,
      realNowMs: options.realNowMs ?? context.realNowMs,
    });
    // Events held back by POST /v1/test/webhooks/hold: the provider's webhooks are late, not lost.
    const hold: { held: boolean; events: Array<ReturnType<typeof webhookEventOf>> } = { held: false, events: [] };
    // Without an intake to call (a sandbox started on its own) there is nothing to deliver.
    const unsubscribe =
      (options.targetUrl ?? context.webhookUrl) === undefined
        ? () => undefined
        : context.onStateChange((change) => {
            const event = webhookEventOf(change);
            if (hold.held) hold.events.push(event);
            else delivery.enqueue(event);
          });
    return {
      name: 'webhook-emitter',
      routes: [
        {
          method: 'POST',
          path: /^\/v1\/webhooks\/([^/]+)\/resend$/,
          async handle(_request, response, match) {
            const eventId = decodeURIComponent(match[1] ?? '');
            const attempt = await delivery.resend(eventId);
            if (!attempt)
              return sendError(
                response,
                404,
                'not_found',
                'resource_missing',
                `No such webhook event: ${eventId} (events are kept in memory until the sandbox restarts)`,
              );
            sendJson(response, attempt.outcome === 'resent' ? 200 : 502, { event_id: eventId, ...attempt });
          },
        },
        {
          method: 'POST',
          path: /^\/v1\/test\/webhooks\/hold$/,
          async handle(request, response) {
            const parsed = parseHold(await readBody(request));
            if (parsed === undefined)
              return sendError(
                response,
                400,
                'invalid_request_error',
                'parameter_invalid',
                'held must be a boolean',
                'held',
              );
            hold.held = parsed;
            const released = parsed ? [] : hold.events.splice(0);
            for (const event of released) delivery.enqueue(event);
            sendJson(response, 200, { held: hold.held, waiting: hold.events.length, released: released.length });
          },
        },
        {
          method: 'GET',
          path: /^\/v1\/webhooks\/events$/,
          handle(_request, response, _match, url) {
            const payoutId = url.searchParams.get('payout_id') ?? undefined;
            const records = delivery.list(payoutId === undefined ? {} : { payoutId });
            sendJson(response, 200, { object: 'list', data: records.map(describe), has_more: false });
          },
        },
      ],
      async stop() {
        unsubscribe();
        await delivery.stop();
      },
    };
  };
}

function parseHold(raw: string): boolean | undefined {
  try {
    const held = (JSON.parse(raw) as { held?: unknown }).held;
    return typeof held === 'boolean' ? held : undefined;
  } catch {
    return undefined;
  }
}

function describe(record: EventRecord) {
  return { event: record.event, state: record.state, held: record.held, plan: record.plan, attempts: record.attempts };
}

export function createWebhookEmitter(context: SandboxContext): SandboxPlugin {
  return webhookEmitterWith(emitterOptionsFromEnv())(context);
}
