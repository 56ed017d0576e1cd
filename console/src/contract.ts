// The ops APIs' answers, normalised in one place (docs/ops-api.md is their contract). Views read
// these shapes only, so a renamed field is a one-line change here.
import { pick, text } from './format';

type Json = Record<string, unknown>;

export interface QueueDepth {
  name: string;
  isDlq: boolean;
  visible: number;
  inFlight: number;
  delayed: number;
  oldestAgeSeconds: number | null;
}

export interface ErrorRecord {
  at: string;
  message: string;
  category: string;
}

export interface DlqMessage {
  messageId: string;
  queue: string;
  provider: string;
  eventType: string;
  providerEventId: string;
  payoutId: string;
  errorCategory: string;
  receiveCount: number | null;
  firstSeenAt: string;
  exceptionId: string;
  ageSeconds: number | null;
  errors: ErrorRecord[];
  payload: unknown;
  raw: Json;
}

export interface OpsException {
  exceptionId: string;
  category: string;
  owner: string;
  /** provider, recipient, compliance or platform (functions/domain/failure-source.ts). */
  failureSource: string;
  state: string;
  assignee: string;
  payoutId: string;
  /** A batch group exception's batch (categories batch_items_failed_*); '' otherwise. */
  batchId: string;
  provider: string;
  openedAt: string;
  slaDueAt: string;
  errors: ErrorRecord[];
  evidence: unknown;
  notes: unknown[];
  raw: Json;
}

export interface RedriveOutcome {
  dryRun: boolean;
  count: number;
  /** More matched than one call may move; run it again for the rest. */
  truncated: boolean;
  messageIds: string[];
  raw: Json;
}

const str = (record: Json, ...names: string[]): string => {
  const value = pick(record, ...names);
  return value === undefined ? '' : String(value);
};
const num = (record: Json, ...names: string[]): number | null => {
  const value = pick(record, ...names);
  return typeof value === 'number'
    ? value
    : typeof value === 'string' && value !== '' && !Number.isNaN(Number(value))
      ? Number(value)
      : null;
};
const list = (body: unknown, ...names: string[]): Json[] => {
  if (Array.isArray(body)) return body as Json[];
  const value = pick(body as Json, ...names);
  return Array.isArray(value) ? (value as Json[]) : [];
};

export function toQueues(body: unknown): QueueDepth[] {
  return list(body, 'queues', 'items', 'data').map((q) => ({
    name: str(q, 'queue', 'name'),
    isDlq: str(q, 'role') === 'dlq',
    visible: num(q, 'visible', 'approximate_number_of_messages', 'messages', 'depth') ?? 0,
    inFlight: num(q, 'in_flight', 'not_visible', 'approximate_number_of_messages_not_visible', 'inFlight') ?? 0,
    delayed: num(q, 'delayed', 'approximate_number_of_messages_delayed') ?? 0,
    oldestAgeSeconds: num(q, 'oldest_age_seconds', 'oldest_message_age_seconds', 'oldestAgeSeconds'),
  }));
}

function toErrors(record: Json): ErrorRecord[] {
  const history = list(record, 'errors', 'error_history', 'attempts');
  const fromHistory = history.map((e) => ({
    at: str(e, 'at', 'occurred_at', 'time'),
    message: str(e, 'message', 'error', 'reason'),
    category: str(e, 'category', 'error_category', 'code'),
  }));
  if (fromHistory.length > 0) return fromHistory;
  const first = pick(record, 'first_error');
  const last = pick(record, 'last_error', 'error');
  const asError = (value: unknown, at: string): ErrorRecord =>
    typeof value === 'object' && value !== null
      ? {
          at: str(value as Json, 'at', 'occurred_at') || at,
          message: str(value as Json, 'message'),
          category: str(value as Json, 'category', 'code', 'error_category'),
        }
      : { at, message: String(value), category: str(record, 'error_category', 'category') };
  const errors: ErrorRecord[] = [];
  if (first !== undefined) errors.push(asError(first, str(record, 'first_error_at', 'opened_at', 'first_seen_at')));
  if (last !== undefined && JSON.stringify(last) !== JSON.stringify(first))
    errors.push(asError(last, str(record, 'last_error_at', 'last_seen_at')));
  return errors;
}

export function toDlqMessages(body: unknown): DlqMessage[] {
  return list(body, 'messages', 'items', 'data').map((m) => ({
    messageId: str(m, 'message_id', 'messageId', 'id'),
    queue: str(m, 'queue', 'queue_name', 'source_queue'),
    provider: str(m, 'provider'),
    eventType: str(m, 'event_type', 'type', 'eventType'),
    providerEventId: str(m, 'provider_event_id', 'event_id', 'providerEventId'),
    payoutId: str(m, 'payout_id', 'payoutId'),
    errorCategory: str(m, 'error_category', 'category', 'errorCategory'),
    receiveCount: num(m, 'receive_count', 'approximate_receive_count', 'receiveCount'),
    firstSeenAt: str(m, 'sent_at', 'first_seen_at'),
    exceptionId: str(m, 'exception_id'),
    ageSeconds: num(m, 'age_seconds', 'ageSeconds'),
    errors: toErrors(m),
    payload: pick(m, 'payload', 'body', 'message_body'),
    raw: m,
  }));
}

export function toExceptions(body: unknown): OpsException[] {
  return list(body, 'exceptions', 'items', 'data').map((e) => ({
    exceptionId: str(e, 'exception_id', 'exceptionId', 'id'),
    category: str(e, 'category'),
    owner: str(e, 'owner'),
    failureSource: str(e, 'failure_source'),
    state: str(e, 'state', 'status'),
    assignee: str(e, 'assignee', 'assigned_to'),
    payoutId: str(e, 'payout_id', 'payoutId'),
    batchId: str(e, 'batch_id'),
    provider: str(e, 'provider') || str((pick(e, 'evidence') ?? {}) as Json, 'provider'),
    openedAt: str(e, 'opened_at', 'openedAt', 'created_at'),
    slaDueAt: str(e, 'sla_due_at', 'sla_due', 'slaDueAt', 'due_at'),
    errors: toErrors(e),
    evidence: pick(e, 'evidence', 'payload'),
    notes: [pick(e, 'resolution')].filter((n) => n !== undefined),
    raw: e,
  }));
}

export function toRedriveOutcome(body: unknown, dryRun: boolean): RedriveOutcome {
  const record = (body ?? {}) as Json;
  const items = list(record, 'messages', 'events');
  const ids = items.map((m) => str(m, 'message_id', 'event_id')).filter(Boolean);
  // A dry run reports what matched; a real run what moved (redrive) or was enqueued (replay).
  const count = dryRun ? num(record, 'matched') : num(record, 'moved', 'enqueued');
  return {
    dryRun: Boolean(pick(record, 'dry_run') ?? dryRun),
    count: count ?? ids.length,
    truncated: pick(record, 'truncated') === true,
    messageIds: ids,
    raw: record,
  };
}

/** A payout as the operator lookup (GET /ops/payouts) shows it: any tenant's, with the tenant named. */
export interface PayoutSummary {
  payoutId: string;
  tenantId: string;
  status: string;
  statusReason: string;
  idempotencyKey: string;
  provider: string;
  providerReference: string;
  amountMinor: number | null;
  currency: string;
  feeMinor: number | null;
  createdAt: string;
  lastEventAt: string;
  reconciledAt: string;
  exceptionOwner: string;
  failureSource: string;
  /** One sentence: is confirmation still asynchronous, when do ops investigate (status_copy). */
  statusSentence: string;
  requestIds: string[];
}

export interface TimelineEvent {
  recordedAt: string;
  occurredAt: string;
  event: string;
  outcome: string;
  from: string;
  to: string;
  source: string;
  sourceRef: string;
  statusReason: string;
}

/** The lookup's query: exactly one key; an idempotency key is per tenant, so it travels with one. */
export type PayoutLookup =
  | { kind: 'payout_id' | 'provider_reference'; value: string }
  | { kind: 'idempotency_key'; value: string; tenantId: string };

export function payoutLookupQuery(lookup: PayoutLookup): Record<string, string> {
  return lookup.kind === 'idempotency_key'
    ? { idempotency_key: lookup.value, tenant_id: lookup.tenantId }
    : { [lookup.kind]: lookup.value };
}
export const PAYOUT_LOOKUP_PATH = '/ops/payouts';
export const payoutEventsPath = (payoutId: string): string => `/ops/payouts/${encodeURIComponent(payoutId)}/events`;

export function toPayouts(body: unknown): PayoutSummary[] {
  return list(body, 'data', 'payouts', 'items').map((p) => ({
    payoutId: str(p, 'payout_id'),
    tenantId: str(p, 'tenant_id'),
    status: str(p, 'status'),
    statusReason: str(p, 'status_reason'),
    idempotencyKey: str(p, 'idempotency_key'),
    provider: str(p, 'provider'),
    providerReference: str(p, 'provider_reference'),
    amountMinor: num(p, 'amount'),
    currency: str(p, 'currency'),
    feeMinor: num(p, 'fee'),
    createdAt: str(p, 'created_at'),
    lastEventAt: str(p, 'last_event_at'),
    reconciledAt: str(p, 'reconciled_at'),
    exceptionOwner: str(p, 'exception_owner'),
    failureSource: str(p, 'failure_source'),
    statusSentence: str((pick(p, 'status_copy') ?? {}) as Json, 'sentence'),
    requestIds: (pick(p, 'request_ids') as unknown[] | undefined)?.map(String) ?? [],
  }));
}

export function toTimeline(body: unknown): TimelineEvent[] {
  return list(body, 'data', 'events').map((e) => ({
    recordedAt: str(e, 'at', 'recorded_at'),
    occurredAt: str(e, 'occurred_at'),
    event: str(e, 'event'),
    outcome: str(e, 'outcome'),
    from: str(e, 'from'),
    to: str(e, 'to'),
    source: str(e, 'source'),
    sourceRef: str(e, 'source_ref'),
    statusReason: str(e, 'status_reason'),
  }));
}

/** The last successful reconciliation (GET /reconciliations/latest), or null when none ran yet. */
export interface ReconciliationSummary {
  date: string;
  state: string;
  finishedAt: string;
  matched: number | null;
  unmatched: number | null;
  exceptions: number | null;
}
export const LATEST_RECONCILIATION_PATH = '/reconciliations/latest';

export function toLastReconciliation(body: unknown): ReconciliationSummary | null {
  const run = pick((body ?? {}) as Json, 'last_success', 'reconciliation') as Json | undefined;
  if (run === undefined || typeof run !== 'object') return null;
  const counts = (pick(run, 'counts') ?? {}) as Json;
  return {
    date: str(run, 'date'),
    state: str(run, 'state'),
    finishedAt: str(run, 'finished_at'),
    matched: num(counts, 'matched'),
    unmatched: num(counts, 'unmatched'),
    exceptions: num(counts, 'exceptions'),
  };
}

/** A manual correction (GET /ops/corrections, docs/ops-api.md). */
export interface Correction {
  correctionId: string;
  payoutId: string;
  tenantId: string;
  kind: string;
  state: string;
  targetStatus: string;
  postings: Array<{ account: string; currency: string; amount: number }>;
  reason: string;
  evidenceType: string;
  evidenceReference: string;
  fromStatus: string;
  proposedBy: string;
  proposedAt: string;
  approvedBy: string;
  rejectedBy: string;
  rejectionReason: string;
}
export const CORRECTIONS_PATH = '/ops/corrections';
/** The scope the corrections routes need (functions/shared/access-matrix.ts: ops and compliance). */
export const CORRECTIONS_SCOPE = 'payouts:correct';
export const proposeCorrectionPath = (payoutId: string): string =>
  `/ops/payouts/${encodeURIComponent(payoutId)}/corrections`;
export const decideCorrectionPath = (correctionId: string, decision: 'approve' | 'reject'): string =>
  `/ops/corrections/${encodeURIComponent(correctionId)}/${decision}`;

export function toCorrections(body: unknown): Correction[] {
  return list(body, 'data').map((c) => {
    const evidence = (pick(c, 'evidence') ?? {}) as Json;
    const postings = pick(c, 'postings');
    return {
      correctionId: str(c, 'correction_id'),
      payoutId: str(c, 'payout_id'),
      tenantId: str(c, 'tenant_id'),
      kind: str(c, 'kind'),
      state: str(c, 'state'),
      targetStatus: str(c, 'target_status'),
      postings: Array.isArray(postings)
        ? (postings as Json[]).map((p) => ({
            account: str(p, 'account'),
            currency: str(p, 'currency'),
            amount: num(p, 'amount') ?? 0,
          }))
        : [],
      reason: str(c, 'reason'),
      evidenceType: str(evidence, 'type'),
      evidenceReference: str(evidence, 'reference'),
      fromStatus: str(c, 'from_status'),
      proposedBy: str(c, 'proposed_by'),
      proposedAt: str(c, 'proposed_at'),
      approvedBy: str(c, 'approved_by'),
      rejectedBy: str(c, 'rejected_by'),
      rejectionReason: str(c, 'rejection_reason'),
    };
  });
}

/** One record of GET /audit (docs/audit.md), as the audit view shows it. */
export interface AuditEntryView {
  auditId: string;
  seq: number | null;
  at: string;
  actor: string;
  actorRole: string;
  action: string;
  subject: string;
  outcome: string;
  tenantId: string;
  requestId: string;
  details: unknown;
  prevHash: string;
  hash: string;
}

export const AUDIT_PATH = '/audit';
/** The scope GET /audit needs (functions/shared/access-matrix.ts: compliance). */
export const AUDIT_SCOPE = 'audit:read';

const typed = (value: unknown): string => {
  const record = (value ?? {}) as Json;
  const type = str(record, 'type');
  const id = str(record, 'id');
  return type === '' && id === '' ? '' : `${type}:${id}`;
};

export function toAuditPage(body: unknown): { entries: AuditEntryView[]; nextCursor: string | null } {
  const entries = list(body, 'data').map((r) => ({
    auditId: str(r, 'audit_id'),
    seq: num(r, 'seq'),
    at: str(r, 'at'),
    actor: typed(r['actor']),
    actorRole: str((r['actor'] ?? {}) as Json, 'role'),
    action: str(r, 'action'),
    subject: typed(r['subject']),
    outcome: str(r, 'outcome'),
    tenantId: str(r, 'tenant_id'),
    requestId: str(r, 'request_id'),
    details: r['details'] ?? {},
    prevHash: str(r, 'prev_hash'),
    hash: str(r, 'hash'),
  }));
  const next = pick(body as Json, 'next_cursor');
  return { entries, nextCursor: typeof next === 'string' && next !== '' ? next : null };
}

/** An incident as GET /status lists it (who posted it is in the audit trail, not here). */
export interface StatusIncident {
  title: string;
  impact: string;
  components: string[];
  openedAt: string;
  resolvedAt: string;
}

/** GET /status: the public status page's components (functions/domain/status-page.ts). */
export interface PlatformStatus {
  state: string;
  components: Array<{ component: string; state: string; reasons: string[] }>;
  secondsSinceLastReconciliation: number | null;
  /** Backlog and lag (functions/domain/backlog-lag.ts): waiting on the platform, not exceptions. */
  oldestUnreconciled: { createdAt: string; ageSeconds: number | null; examinedFrom: string; mayBeOlder: boolean };
  webhookBacklog: { oldestReceivedAt: string; ageSeconds: number | null };
  openIncidents: StatusIncident[];
  resolvedIncidents: StatusIncident[];
}

function toStatusIncident(record: Json): StatusIncident {
  return {
    title: str(record, 'title'),
    impact: str(record, 'impact'),
    components: ((pick(record, 'components') as unknown[] | undefined) ?? []).map(String),
    openedAt: str(record, 'opened_at'),
    resolvedAt: str(record, 'resolved_at'),
  };
}

export function toPlatformStatus(body: unknown): PlatformStatus {
  const record = (body ?? {}) as Json;
  const reconciliation = (pick(record, 'reconciliation') ?? {}) as Json;
  const unreconciled = (pick(reconciliation, 'oldest_unreconciled_payout') ?? {}) as Json;
  const webhooks = (pick(record, 'webhook_backlog') ?? {}) as Json;
  const incidents = (pick(record, 'incidents') ?? {}) as Json;
  return {
    state: str(record, 'state'),
    components: list(record, 'components').map((c) => ({
      component: str(c, 'component'),
      state: str(c, 'state'),
      reasons: ((pick(c, 'reasons') as unknown[] | undefined) ?? []).map(String),
    })),
    secondsSinceLastReconciliation: num(reconciliation, 'seconds_since_last_success'),
    oldestUnreconciled: {
      createdAt: str(unreconciled, 'created_at'),
      ageSeconds: num(unreconciled, 'age_seconds'),
      examinedFrom: str(unreconciled, 'examined_from'),
      mayBeOlder: pick(unreconciled, 'may_be_older') === true,
    },
    webhookBacklog: { oldestReceivedAt: str(webhooks, 'oldest_received_at'), ageSeconds: num(webhooks, 'age_seconds') },
    openIncidents: list(incidents, 'open').map(toStatusIncident),
    resolvedIncidents: list(incidents, 'recently_resolved').map(toStatusIncident),
  };
}

/**
 * The "before funds move" queue (GET /ops/holds?owner=, docs/compliance.md "Holds"): one owner's open
 * holds, oldest first, across tenants. Owners and kinds as the server names them
 * (functions/domain/compliance/contract.ts; test/unit/console/contract.test.ts holds the lists equal).
 */
export const HOLD_OWNERS = ['approver', 'compliance', 'tenant', 'ops'] as const;
export const HOLD_KINDS = ['approval', 'onboarding', 'tax_form', 'screening', 'corridor_enablement'] as const;
export const HOLDS_PATH = '/ops/holds';
/** The API's own maximum page (HOLD_QUEUE_PAGE_MAX). */
export const HOLDS_PAGE_SIZE = 50;
/** The release reason's maximum (HOLD_RELEASE_REASON_CHARS_MAX); the server trims and checks it too. */
export const HOLD_RELEASE_REASON_CHARS_MAX = 500;
export const releaseHoldPath = (payoutId: string, holdId: string): string =>
  `/ops/payouts/${encodeURIComponent(payoutId)}/holds/${encodeURIComponent(holdId)}/release`;

export interface HoldView {
  holdId: string;
  kind: string;
  owner: string;
  openedAt: string;
  /** What releases it, machine-readable (`tax_form:W-8BEN`, `screening_case:<caseId>`, …). */
  requirement: string;
  /** The evidence's fields in the server's order, each value as text. */
  evidence: Array<[name: string, value: string]>;
  slaDueAt: string;
  releasedAt: string;
  /** A screening hold's case, from its evidence or requirement; '' for any other hold. */
  screeningCaseId: string;
}

export interface HoldQueueEntry {
  payoutId: string;
  tenantId: string;
  status: string;
  amountMinor: number | null;
  currency: string;
  hold: HoldView;
}

export interface HoldQueuePage {
  owner: string;
  entries: HoldQueueEntry[];
  nextCursor: string | null;
}

export interface HoldReleaseOutcome {
  outcome: string;
  payoutId: string;
  status: string;
  openHoldCount: number | null;
  /** True when this was the payout's last open hold and it went on to submission. */
  submitted: boolean;
  hold: HoldView;
}

const SCREENING_REQUIREMENT_PREFIX = 'screening_case:';

function toHold(record: Json): HoldView {
  const evidence = (pick(record, 'evidence') ?? {}) as Json;
  const requirement = str(record, 'requirement');
  const kind = str(record, 'kind');
  const caseFromRequirement = requirement.startsWith(SCREENING_REQUIREMENT_PREFIX)
    ? requirement.slice(SCREENING_REQUIREMENT_PREFIX.length)
    : '';
  return {
    holdId: str(record, 'hold_id'),
    kind,
    owner: str(record, 'owner'),
    openedAt: str(record, 'opened_at'),
    requirement,
    evidence: typeof evidence === 'object' ? Object.entries(evidence).map(([name, value]) => [name, text(value)]) : [],
    slaDueAt: str(record, 'sla_due_at'),
    releasedAt: str(record, 'released_at'),
    screeningCaseId: kind === 'screening' ? str(evidence, 'case_id') || caseFromRequirement : '',
  };
}

export function toHoldQueuePage(body: unknown): HoldQueuePage {
  const record = (body ?? {}) as Json;
  const next = pick(record, 'next_cursor');
  return {
    owner: str(record, 'owner'),
    entries: list(record, 'data').map((entry) => ({
      payoutId: str(entry, 'payout_id'),
      tenantId: str(entry, 'tenant_id'),
      status: str(entry, 'status'),
      amountMinor: num(entry, 'amount'),
      currency: str(entry, 'currency'),
      hold: toHold((pick(entry, 'hold') ?? {}) as Json),
    })),
    nextCursor: typeof next === 'string' && next !== '' ? next : null,
  };
}

export function toHoldRelease(body: unknown): HoldReleaseOutcome {
  const record = (body ?? {}) as Json;
  return {
    outcome: str(record, 'outcome'),
    payoutId: str(record, 'payout_id'),
    status: str(record, 'status'),
    openHoldCount: num(record, 'open_hold_count'),
    submitted: pick(record, 'submitted') === true,
    hold: toHold((pick(record, 'hold') ?? {}) as Json),
  };
}

/** The queue an operator opens on first: their own role's, where their role owns holds. */
export function defaultHoldOwner(role: string): (typeof HOLD_OWNERS)[number] {
  return role === 'compliance' ? 'compliance' : 'ops';
}
