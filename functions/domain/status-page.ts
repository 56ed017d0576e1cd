import { assertNever } from './assert-never';

/**
 * The public status page (issue 11 §3), derived from the signals the alarms watch: DLQ depth,
 * the oldest message waiting, rejected webhooks, time since the last successful reconciliation.
 * Pure: the caller reads the signals and passes the thresholds (functions/shared/alarm-thresholds.ts,
 * which the CDK alarms read too) and the time.
 */
export const COMPONENT_STATES = ['operational', 'degraded', 'outage'] as const;
export type ComponentState = (typeof COMPONENT_STATES)[number];

export interface StatusThresholdsInput {
  readonly webhookOldestMessageAgeSecondsMax: number;
  readonly webhookRejectedPerPeriodMax: number;
  readonly reconciliationWindowSeconds: number;
  readonly dlqDepthMax: number;
  readonly webhookBacklogOutageFactor: number;
  readonly reconciliationOutageFactor: number;
  readonly dlqDepthOutageMin: number;
}

export interface QueueSignal {
  readonly dlqDepth: number;
  /** Age of the oldest message waiting in the work queue; null when the reader cannot tell. */
  readonly oldestMessageAgeSeconds: number | null;
}

export interface StatusSignals {
  readonly webhook: QueueSignal;
  readonly submission: QueueSignal;
  readonly reconciliation: QueueSignal;
  /** Rejected webhooks in the last alarm period; null when not measured (the twin has no metrics). */
  readonly webhookRejectedInPeriod: number | null;
  readonly lastReconciliationSucceededAt: string | null;
  /** What ops posted (POST /ops/incidents): an open incident sets its component at least to its impact. */
  readonly incidents: ReadonlyArray<{
    readonly component: string;
    readonly impact: Exclude<ComponentState, 'operational'>;
  }>;
}

export interface ComponentStatus {
  readonly component: string;
  readonly state: ComponentState;
  /** Why it is not operational, one short sentence per signal; empty when operational. */
  readonly reasons: readonly string[];
}

export interface StatusPage {
  readonly state: ComponentState;
  readonly components: readonly ComponentStatus[];
}

const RANK: Readonly<Record<ComponentState, number>> = { operational: 0, degraded: 1, outage: 2 };
const worst = (states: readonly ComponentState[]): ComponentState =>
  states.reduce<ComponentState>((a, b) => (RANK[b] > RANK[a] ? b : a), 'operational');

type Finding = readonly [ComponentState, string];

function dlqFinding(queue: string, signal: QueueSignal, t: StatusThresholdsInput): Finding[] {
  if (signal.dlqDepth <= t.dlqDepthMax) return [];
  const state: ComponentState = signal.dlqDepth >= t.dlqDepthOutageMin ? 'outage' : 'degraded';
  return [[state, `${signal.dlqDepth} message(s) in the ${queue} dead-letter queue`]];
}

function backlogFinding(queue: string, signal: QueueSignal, t: StatusThresholdsInput): Finding[] {
  const age = signal.oldestMessageAgeSeconds;
  if (age === null || age <= t.webhookOldestMessageAgeSecondsMax) return [];
  const state: ComponentState =
    age > t.webhookOldestMessageAgeSecondsMax * t.webhookBacklogOutageFactor ? 'outage' : 'degraded';
  return [[state, `the oldest ${queue} message has waited ${Math.round(age)} s`]];
}

function reconciliationFindings(signals: StatusSignals, t: StatusThresholdsInput, nowMs: number): Finding[] {
  const last = signals.lastReconciliationSucceededAt;
  // Like the alarm (missing data is breaching): never reconciled is a missed night.
  if (last === null) return [['degraded', 'no successful reconciliation yet']];
  const sinceSeconds = (nowMs - Date.parse(last)) / 1_000;
  if (sinceSeconds <= t.reconciliationWindowSeconds) return [];
  const state: ComponentState =
    sinceSeconds > t.reconciliationWindowSeconds * t.reconciliationOutageFactor ? 'outage' : 'degraded';
  return [[state, `the last successful reconciliation was ${Math.floor(sinceSeconds / 3_600)} h ago`]];
}

export const STATUS_COMPONENT_BASES = ['api', 'webhook_intake', 'submission', 'reconciliation'] as const;
export type StatusComponentBase = (typeof STATUS_COMPONENT_BASES)[number];

/** `submission:<provider>` for each provider; the other components stand alone. */
export function statusComponents(providers: readonly string[]): string[] {
  return STATUS_COMPONENT_BASES.flatMap((base) =>
    base === 'submission' ? providers.map((provider) => `submission:${provider}`) : [base],
  );
}

function signalFindings(base: StatusComponentBase, s: StatusSignals, t: StatusThresholdsInput, nowMs: number) {
  switch (base) {
    // API errors are not read here (no per-route error metric yet): posted incidents only.
    case 'api':
      return [];
    case 'webhook_intake': {
      const rejected = s.webhookRejectedInPeriod;
      const spike: Finding[] =
        rejected !== null && rejected > t.webhookRejectedPerPeriodMax
          ? [['degraded', `${rejected} webhooks rejected in the last period`]]
          : [];
      return [...dlqFinding('webhook', s.webhook, t), ...backlogFinding('webhook', s.webhook, t), ...spike];
    }
    // One queue feeds every provider: its backlog and DLQ show on each provider's component.
    case 'submission':
      return [...dlqFinding('submission', s.submission, t), ...backlogFinding('submission', s.submission, t)];
    case 'reconciliation':
      return [...dlqFinding('reconciliation', s.reconciliation, t), ...reconciliationFindings(s, t, nowMs)];
    default:
      return assertNever(base, 'status component');
  }
}

export function statusPage(
  providers: readonly string[],
  signals: StatusSignals,
  thresholds: StatusThresholdsInput,
  nowMs: number,
): StatusPage {
  const components = statusComponents(providers).map((component): ComponentStatus => {
    const base = component.split(':')[0] as StatusComponentBase;
    const findings: Finding[] = [
      ...signalFindings(base, signals, thresholds, nowMs),
      ...signals.incidents
        .filter((incident) => incident.component === component)
        .map((incident): Finding => [incident.impact, 'an open incident posted by ops']),
    ];
    return { component, state: worst(findings.map(([state]) => state)), reasons: findings.map(([, why]) => why) };
  });
  return { state: worst(components.map((c) => c.state)), components };
}
