// The facts of the evidence pack, each read from where the code keeps it, never copied by hand:
// the status model from GET /lifecycle (the one transition table), the access matrix from GET
// /access-matrix, the retry rules from the synthesized template and the named limits, the webhook
// catalog by running the providers' own mapping functions, exception owners and SLAs from the
// domain, the corridor matrix from config/corridors.json, and the drills' own results.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { arch, cpus, hostname, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import {
  RETRY_AFTER_SECONDS_MAX,
  RETRY_DELAY_MS_BASE,
  RETRY_DELAY_MS_MAX,
} from '../../functions/adapters/providers/provider-retry.js';
import { INBOX_RETENTION_SECONDS } from '../../functions/adapters/inbox-repository.js';
import { parseCorridorMatrix } from '../../functions/domain/corridors.js';
import { EXCEPTION_CATEGORIES, SLA_SECONDS_BY_CATEGORY, defaultOwnerOf } from '../../functions/domain/exceptions.js';
import { PAYPAL_ITEM_EVENT_STATES } from '../../functions/domain/paypal-events.js';
import { PAYPAL_BATCH_STATES } from '../../functions/domain/paypal-status.js';
import { assertNever } from '../../functions/domain/assert-never.js';
import { mapWebhookEvent, type MappedWebhookEvent } from '../../functions/domain/provider-events.js';
import { ADYEN_PAYOUT_STATES } from '../../functions/domain/adyen-status.js';
import { SANDBOX_PAYOUT_STATES, STRIPE_PAYOUT_STATES } from '../../functions/domain/provider-status.js';
import { SIGNATURE_TOLERANCE_SECONDS } from '../../functions/domain/webhook-signatures/verification.js';
import { PROVIDER_WEBHOOK_RETRY_WINDOWS } from '../../functions/shared/provider-retry-windows.js';
import { WEBHOOK_PROVIDERS, type WebhookProvider } from '../../functions/shared/names.js';
import { DELIVERY_TIMING_DEFAULT } from '../../local/sandbox/fault-plan.js';
import type { TwinModel } from '../../local/template/model.js';
import { REPO_ROOT } from '../../local/paths.js';
import type { DrillResult } from './drill-result.js';

export type Row = Record<string, unknown>;

export interface EvidenceFacts {
  meta: Row;
  status_model: { statuses: Row[]; events: Row[]; transitions: Row[]; forbidden: Row[] };
  retry_rules: { queues: Row[]; consumers: Row[]; limits: Row[]; provider_windows: Row[] };
  webhook_catalog: Row[];
  exception_categories: Row[];
  access_matrix: unknown;
  corridors: Row[];
  trace: unknown;
  drills: DrillResult[];
}

interface LifecycleView {
  statuses: Row[];
  events: Row[];
  transitions: Array<Row & { from: string; to: string; events: string[] }>;
}

/** Every ordered pair of statuses the table does not allow: each is refused, logged and an exception. */
export function forbiddenTransitions(lifecycle: LifecycleView): Row[] {
  const allowed = new Set(lifecycle.transitions.map((t) => `${t.from}→${t.to}`));
  const statuses = lifecycle.statuses.map((s) => String(s['status']));
  return statuses.flatMap((from) =>
    statuses.filter((to) => to !== from && !allowed.has(`${from}→${to}`)).map((to) => ({ from, to })),
  );
}

const secondsOf = (value: string | undefined) => (value === undefined ? null : Number(value));

/** Queues with their redrive policies and the consumers' batch settings, as synthesized. */
export function retryRulesOf(model: TwinModel): EvidenceFacts['retry_rules'] {
  const queueName = new Map(model.queues.map((q) => [q.logicalId, q.name]));
  const queues = model.queues.map((q) => ({
    queue: q.name,
    max_receive_count: q.maxReceiveCount ?? null,
    dead_letter_queue: q.deadLetterQueueLogicalId ? (queueName.get(q.deadLetterQueueLogicalId) ?? null) : null,
    visibility_timeout_seconds: secondsOf(q.attributes['VisibilityTimeout']),
    retention_seconds: secondsOf(q.attributes['MessageRetentionPeriod']),
  }));
  const consumers = model.eventSourceMappings.map((m) => ({
    queue: queueName.get(m.queueLogicalId) ?? m.queueLogicalId,
    function: m.functionLogicalId,
    batch_size: m.batchSize,
    batching_window_seconds: m.maxBatchingWindowSeconds,
    partial_batch_failures: m.reportBatchItemFailures,
  }));
  const limits = [
    { limit: 'RETRY_DELAY_MS_BASE', value: RETRY_DELAY_MS_BASE, meaning: 'first in-process provider retry delay' },
    { limit: 'RETRY_DELAY_MS_MAX', value: RETRY_DELAY_MS_MAX, meaning: 'cap of one in-process retry delay' },
    {
      limit: 'RETRY_AFTER_SECONDS_MAX',
      value: RETRY_AFTER_SECONDS_MAX,
      meaning: "a longer Retry-After is left to the queue's redelivery",
    },
    {
      limit: 'INBOX_RETENTION_SECONDS',
      value: INBOX_RETENTION_SECONDS,
      meaning: 'replay window: stored webhook payloads can be replayed this long',
    },
    {
      limit: 'SIGNATURE_TOLERANCE_SECONDS',
      value: SIGNATURE_TOLERANCE_SECONDS,
      meaning: 'webhook signature timestamp tolerance',
    },
  ];
  const sandbox = DELIVERY_TIMING_DEFAULT;
  const provider_windows = [
    ...PROVIDER_WEBHOOK_RETRY_WINDOWS.map((w) => ({ ...w })),
    {
      provider: 'sandbox',
      retries_for_seconds: null,
      schedule:
        `${sandbox.attemptsMax} attempts, ${sandbox.retryDelayMsBase} ms × 2^(n−1), ` +
        `capped at ${sandbox.retryDelayMsMax} ms`,
      source: 'local/sandbox/fault-plan.ts DELIVERY_TIMING_DEFAULT',
    },
  ];
  return { queues, consumers, limits, provider_windows };
}

/** A minimal body each provider's mapper reads a state from. */
function sampleBody(provider: WebhookProvider, state: string): unknown {
  switch (provider) {
    case 'sandbox':
      return { data: { status: state, payout_id: 'po_sample' } };
    case 'stripe':
      return { data: { object: { object: 'payout', id: 'po_sample', status: state } } };
    case 'paypal':
      return {
        resource: {
          payout_item_id: 'PI_SAMPLE',
          transaction_status: state,
          payout_item: { sender_item_id: 'po_sample', amount: { currency: 'USD', value: '1.00' } },
        },
      };
    case 'adyen':
      return {
        data: { id: 'TR_SAMPLE', reference: 'po_sample', category: 'bank', direction: 'outgoing', status: state },
      };
    default:
      return provider satisfies never;
  }
}

function candidateTypes(provider: WebhookProvider): Array<{ type: string; state: string }> {
  switch (provider) {
    case 'sandbox':
      return SANDBOX_PAYOUT_STATES.map((state) => ({ type: `payout.${state}`, state }));
    case 'stripe':
      return [
        ...STRIPE_PAYOUT_STATES.map((state) => ({ type: `payout.${state}`, state })),
        ...STRIPE_PAYOUT_STATES.map((state) => ({ type: 'payout.updated', state })),
        { type: 'payout.created', state: 'pending' },
      ];
    case 'paypal':
      return [
        ...Object.entries(PAYPAL_ITEM_EVENT_STATES).map(([type, state]) => ({ type, state })),
        ...PAYPAL_BATCH_STATES.map((state) => ({ type: `PAYMENT.PAYOUTSBATCH.${state}`, state })),
      ];
    case 'adyen':
      return [
        { type: 'balancePlatform.transfer.created', state: 'received' },
        ...ADYEN_PAYOUT_STATES.map((state) => ({ type: 'balancePlatform.transfer.updated', state })),
      ];
    default:
      return provider satisfies never;
  }
}

/** Runs each provider's own mapper over its event types, then joins the lifecycle's moves per event. */
export function webhookCatalog(lifecycle: LifecycleView): Row[] {
  const moves = (event: string) =>
    lifecycle.transitions
      .filter((t) => t.events.includes(event))
      .map((t) => `${t.from}→${t.to}`)
      .join(', ');
  return WEBHOOK_PROVIDERS.flatMap((provider) =>
    candidateTypes(provider).map(({ type, state }) => {
      const mapped = mapWebhookEvent(provider, type, sampleBody(provider, state));
      const event = mapped.kind === 'transition' ? mapped.event : null;
      return {
        provider,
        event_type: type,
        provider_state: state,
        our_event: event,
        moves: event === null ? '' : moves(event),
        note: noteOf(mapped),
      };
    }),
  );
}

function noteOf(mapped: MappedWebhookEvent): string {
  switch (mapped.kind) {
    case 'transition':
      return '';
    case 'unknown_state':
      return `state ${JSON.stringify(mapped.providerState)} is not mapped: opens provider_state_unknown`;
    case 'ignored':
    case 'invalid':
      return mapped.reason;
    default:
      return assertNever(mapped, 'mapped webhook event');
  }
}

export function exceptionCategories(): Row[] {
  return EXCEPTION_CATEGORIES.map((category) => ({
    category,
    owner: defaultOwnerOf(category),
    sla_seconds: SLA_SECONDS_BY_CATEGORY[category],
    sla_hours: SLA_SECONDS_BY_CATEGORY[category] / 3_600,
  }));
}

/**
 * The launch matrix (issue 15): one row per corridor with its state, provider, fields, cut-off, ETA,
 * support tier, enablement, requirements and what no page states; `evidence` keeps the pages
 * (URL, retrieval date, what each states) for the pack's own table. Read through the domain's
 * parser, so the pack never shows a matrix the functions would refuse.
 */
export function corridorMatrix(): Row[] {
  const file: unknown = JSON.parse(readFileSync(join(REPO_ROOT, 'config', 'corridors.json'), 'utf8'));
  return parseCorridorMatrix(file).corridors.map((c) => ({
    corridor: `${c.country}/${c.currency}/${c.method}`,
    state: c.state,
    provider: c.provider,
    required_fields: c.required_fields,
    cutoff: c.cutoff,
    eta: c.eta,
    support_tier: c.support_tier.tier ?? `none: ${c.support_tier.why}`,
    account_enablement_required: c.account_enablement_required,
    onboarding: c.requirements === undefined ? 'not stated' : c.requirements.onboarding,
    tax_form: c.requirements?.tax_form ?? 'not stated',
    unverified: c.unverified.map((u) => `${u.claim}: ${u.why}`),
    evidence: c.evidence.map((e) => ({ ...e })),
  }));
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export function runMeta(startedAtMs: number, finishedAtMs: number, twinUrl: string): Row {
  return {
    commit: git(['rev-parse', 'HEAD']),
    branch: git(['rev-parse', '--abbrev-ref', 'HEAD']),
    worktree_clean: git(['status', '--porcelain']) === '',
    started_at: new Date(startedAtMs).toISOString(),
    finished_at: new Date(finishedAtMs).toISOString(),
    duration_seconds: Math.round((finishedAtMs - startedAtMs) / 100) / 10,
    hostname: hostname(),
    platform: `${platform()} ${release()} ${arch()}`,
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    memory_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    twin_url: twinUrl,
  };
}

/** The facts that need the twin: GET /lifecycle and GET /access-matrix, as an integrator sees them. */
export async function readTwinFacts(
  twinUrl: string,
  token: string,
): Promise<{ lifecycle: LifecycleView; accessMatrix: unknown }> {
  const get = async (path: string, auth: boolean) => {
    const response = await fetch(`${twinUrl}${path}`, auth ? { headers: { authorization: `Bearer ${token}` } } : {});
    if (!response.ok) throw new Error(`the twin answered ${response.status} to GET ${path}`);
    return (await response.json()) as unknown;
  };
  return {
    lifecycle: (await get('/lifecycle', true)) as LifecycleView,
    accessMatrix: await get('/access-matrix', false),
  };
}

export function statusModel(lifecycle: LifecycleView): EvidenceFacts['status_model'] {
  return {
    statuses: lifecycle.statuses,
    events: lifecycle.events.map((e) => ({ ...e })),
    transitions: lifecycle.transitions,
    forbidden: forbiddenTransitions(lifecycle),
  };
}
