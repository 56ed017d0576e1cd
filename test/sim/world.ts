import { BatchGroupsState, InMemoryBatchGroups } from './memory/batch-groups';
import { existsSync } from 'node:fs';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import {
  idempotentCreate,
  type IdempotentCreateInput,
  type StoredCreateResponse,
} from '../../functions/app/payouts/create-payout';
import { redriveApi, type RedriveApiDeps } from '../../functions/app/ops/redrive-api';
import { runReconciliation } from '../../functions/app/reconciliation/run';
import { submitOne, type SubmissionOutcome } from '../../functions/app/submission/submit-one';
import { sweep, type SweepReport } from '../../functions/app/sweeper/sweep';
import { intakeWebhook } from '../../functions/app/webhooks/intake';
import { processWebhookRecord, type ProcessOutcome } from '../../functions/app/webhooks/process';
import type { FailedItemDeps } from '../../functions/app/batches/batch-item-failures';
import type { RunRecord } from '../../functions/adapters/reconciliation/runs-repository';
import { parseSubmissionMessage } from '../../functions/adapters/submission-queue';
import { CachedWebhookSecrets } from '../../functions/adapters/webhook-secrets';
import { approvalPolicies } from '../../functions/adapters/approval-policy-config';
import type { ApprovalPolicies } from '../../functions/domain/approval';
import { CURRENCY_EXPONENTS, type CurrencyCode } from '../../functions/domain/money';
import type { Caller } from '../../functions/http/claims';
import type { HttpResult } from '../../functions/http/response';
import { IDEMPOTENCY_EXPIRES_AFTER_SECONDS_DEFAULT, IDEMPOTENCY_KEY_PREFIX } from '../../functions/shared/names';
import { PAYOUT_ID_PREFIX } from '../../functions/shared/ids';
import type { ActionRequest } from './action-requests';
import type { Choices } from './choices';
import type { FaultPlan } from './faults';
import type { Gate } from './gate';
import { AuditState, InMemoryAuditTrail } from './memory/audit';
import { ExceptionsState, InMemoryExceptions } from './memory/exceptions';
import { IdempotencyState, InMemoryIdempotencyLayer, SIM_INVOCATION_TIMEOUT_MS } from './memory/idempotency';
import { InboxState, InMemoryInbox } from './memory/inbox';
import { InMemoryPayouts, PayoutsState, type PayoutStoreFlaws } from './memory/payouts';
import { InMemoryDeadLetters, SimQueue, sender, type QueuedMessage } from './memory/queues';
import { InMemoryExports, InMemoryRuns, ReconciliationState } from './memory/reconciliation';
import { InMemoryRechecks, RechecksState } from './memory/rechecks';
import { BatchesState } from './memory/batches';
import type { BatchSubmission } from './batch-requests';
import { ProviderBooks, SIM_SECRETS, SimProviderPort, type ProviderPayout } from './provider';
import type { ProviderSubmission } from '../../functions/domain/provider-port';
import type { Scheduler } from './scheduler';

/**
 * One simulated deployment: every store, queue and the provider, in memory, and the REAL use cases
 * (functions/app/…) wired onto them per task, the way the Lambda entries wire them onto AWS. A task
 * gets its own Gate, so each of its store calls is a yield point of that task.
 */

/** Planted bugs: switches on the in-memory store or the wiring, never in production code. */
export interface SimFlaws extends PayoutStoreFlaws {
  /** Intake answers 2xx, then persists and enqueues in the background. */
  ackBeforePersist?: boolean;
  /** create reads config/approval-policy.json's thresholds as major units (×10^exponent): four eyes bypassed. */
  approvalThresholdsInMajorUnits?: boolean;
  /** The fan-out takes an item's identity as (batch id, sender_item_id): a batch sent after its window pays again. */
  batchIdentityPerBatch?: boolean;
  /** The webhook processor and the sweeper wired without `batchFailures`: a batch item failed by its provider joins no group. */
  batchFailuresUnwired?: boolean;
}

/** contracts.md: every DLQ at maxReceiveCount 5; visibility ≥ 6× the consumer's timeout. */
export const MAX_RECEIVE_COUNT = 5;
export const QUEUE_VISIBILITY_SECONDS = 180;
/** The sim starts an hour before midnight UTC, so a day ends during a history and can be reconciled. */
export const SIM_START_MS = Date.UTC(2026, 2, 14, 23, 0, 0);
/** A RAM-backed disk for reconciliation's spill files, where the machine has one. */
const MEMORY_DISK = '/dev/shm';
export const SIM_TENANTS = ['tenant-a', 'tenant-b'] as const;
/**
 * The approval policies create runs with: config/approval-policy.json through its real loader
 * (four eyes at or over 1,000,000 minor units); the planted units bug scales every threshold.
 */
function simApprovalPolicies(flaws: SimFlaws): ApprovalPolicies {
  const policies = approvalPolicies();
  if (flaws.approvalThresholdsInMajorUnits !== true) return policies;
  const scaled = (thresholds: ApprovalPolicies['default']['thresholdsMinor']) =>
    Object.fromEntries(
      Object.entries(thresholds).map(([currency, t]) => [
        currency,
        t! * 10 ** CURRENCY_EXPONENTS[currency as CurrencyCode],
      ]),
    );
  return {
    default: { thresholdsMinor: scaled(policies.default.thresholdsMinor) },
    tenants: Object.fromEntries(
      Object.entries(policies.tenants).map(([t, p]) => [t, { thresholdsMinor: scaled(p.thresholdsMinor) }]),
    ),
  };
}

const OPERATOR_CLAIMS = {
  sub: 'sim-operator',
  username: 'sim-operator',
  client_id: 'sim-console',
  principal_type: 'operator',
  principal_role: 'ops',
  scope: 'payout-platform/ops:read payout-platform/ops:redrive',
};

export interface ClientRequest {
  id: number;
  tenantId: string;
  idempotencyKey: string;
  template: number;
  /** What the client got so far: the status codes, and the payout id of each 201. */
  answers: number[];
  payoutIds: string[];
  done: boolean;
  attempts: number;
}

export class World {
  clockMs = SIM_START_MS;
  /** One trail for everything audited: payouts, exceptions, redrives and replays (memory/audit.ts). */
  readonly audit = new AuditState();
  readonly payouts = new PayoutsState(this.audit);
  readonly inbox = new InboxState();
  readonly exceptions = new ExceptionsState(this.audit);
  readonly rechecks = new RechecksState();
  readonly idempotency = new IdempotencyState();
  /** The actions' own Powertools layer (idempotent-action.ts: a layer is never shared between wrappers). */
  readonly actionIdempotency = new IdempotencyState();
  readonly reconciliation = new ReconciliationState();
  readonly provider = new ProviderBooks();
  readonly webhookDlq = new SimQueue('webhook-dlq', 'sim://webhook-dlq', 30, undefined, undefined);
  readonly webhookQueue = new SimQueue(
    'webhook',
    'sim://webhook',
    QUEUE_VISIBILITY_SECONDS,
    MAX_RECEIVE_COUNT,
    this.webhookDlq,
  );
  readonly submissionDlq = new SimQueue('submission-dlq', 'sim://submission-dlq', 30, undefined, undefined);
  readonly submissionQueue = new SimQueue(
    'submission',
    'sim://submission',
    QUEUE_VISIBILITY_SECONDS,
    MAX_RECEIVE_COUNT,
    this.submissionDlq,
  );
  readonly reconciliationDlq = new SimQueue('reconciliation-dlq', 'sim://reconciliation-dlq', 30, undefined, undefined);
  readonly reconciliationQueue = new SimQueue(
    'reconciliation',
    'sim://reconciliation',
    QUEUE_VISIBILITY_SECONDS,
    MAX_RECEIVE_COUNT,
    this.reconciliationDlq,
  );
  readonly batchDlq = new SimQueue('batch-dlq', 'sim://batch-dlq', 30, undefined, undefined);
  /** BatchQueue: one fan-out message per chunk (batches.ts). */
  readonly batchQueue = new SimQueue(
    'batch',
    'sim://batch',
    QUEUE_VISIBILITY_SECONDS,
    MAX_RECEIVE_COUNT,
    this.batchDlq,
  );
  /** The batch records beside the payouts (memory/batches.ts). */
  readonly batches = new BatchesState();
  /** Failed batch items counted into their (batch, failure source) exceptions (memory/batch-groups.ts). */
  readonly batchGroups = new BatchGroupsState();
  /** The clients' POST /batches requests (batch-operations.ts). */
  readonly batchSubmissions: BatchSubmission[] = [];
  /** Whether this history's one 30-day window has passed (batch-operations.ts, batch-after-window). */
  batchWindowPassed = false;
  batchSequence = 0;
  readonly queuesByUrl: ReadonlyMap<string, SimQueue>;
  readonly clients: ClientRequest[] = [];
  /** The tenants' approve, reject and cancel requests (actions.ts). */
  readonly actionRequests: ActionRequest[] = [];
  readonly runs: RunRecord[] = [];
  /** Findings an operation itself noticed (e.g. an honest, correctly signed webhook refused). */
  readonly violations: string[] = [];
  /** Provider submissions of a payout its submitter did not read as `submitted` (canceled, awaiting approval…). */
  readonly submissionsNotSubmitted: string[] = [];
  /** The witness of `no-provider-call-with-open-hold`: payouts sent to the provider while a hold was open. */
  readonly submissionsWhileHeld: string[] = [];
  /** Known findings the invariants recognised and report instead of failing (invariants.ts). */
  readonly knownFindings: string[] = [];
  /** The actions' answers, `<action> <status> [<error code>]` → count: what the history exercised. */
  readonly actionAnswers = new Map<string, number>();
  /** Event ids the provider got a 2xx for: each must be applied once, or sit in the DLQ or an exception. */
  readonly acked = new Set<string>();
  /** Payouts seen in a terminal status, as first seen: they must never move again. */
  readonly terminalSeen = new Map<string, { status: string; version: number }>();
  /** How many records of each audit chain the invariant has verified already (it verifies the rest). */
  readonly auditVerified = new Map<string, number>();
  /**
   * Per payout, the timeline and chain lengths `every-change-audited` last found agreeing: both are
   * append-only and frozen, so unchanged lengths mean unchanged verdicts (the check is incremental).
   */
  readonly auditAgreed = new Map<string, string>();
  /** `ledger-balances-to-zero`'s running sums of the journal, and how many entries they cover. */
  readonly journalSums = { entries: 0, byKey: new Map<string, number>() };
  /** Event ids of the hostile provider's events: they must never move anything. */
  readonly hostile = new Set<string>();
  private readonly settlements: Array<() => void> = [];
  /** Tasks that ended by throwing, by error name (a 5xx, a conflict, a provider timeout…): the history's texture. */
  readonly failures = new Map<string, number>();
  private payoutSequence = 0;
  private requestSequence = 0;

  constructor(
    readonly choices: Choices,
    readonly faults: FaultPlan,
    readonly scheduler: Scheduler,
    readonly flaws: SimFlaws = {},
  ) {
    this.queuesByUrl = new Map(
      [
        this.webhookQueue,
        this.webhookDlq,
        this.submissionQueue,
        this.submissionDlq,
        this.reconciliationQueue,
        this.reconciliationDlq,
        this.batchQueue,
        this.batchDlq,
      ].map((q) => [q.url, q]),
    );
    this.approvalPolicies = simApprovalPolicies(flaws);
  }

  /** config/approval-policy.json as create and the batches API read it (read once: the file does not change). */
  readonly approvalPolicies: ApprovalPolicies;

  readonly now = (): number => this.clockMs;
  newRequestId = (): string => `req_sim${String(++this.requestSequence).padStart(6, '0')}`;

  // Per-task adapters: the shared state behind a task's own gate.
  payoutsFor(gate: Gate): InMemoryPayouts {
    return new InMemoryPayouts(this.payouts, gate, this.flaws);
  }

  batchGroupsFor(gate: Gate): InMemoryBatchGroups {
    return new InMemoryBatchGroups(this.batchGroups, this.exceptionsFor(gate), gate);
  }

  /** The failed-item count the webhook processor and the submitter run (app/batches/batch-item-failures.ts). */
  batchFailuresFor(gate: Gate, payouts: InMemoryPayouts): FailedItemDeps | undefined {
    if (this.flaws.batchFailuresUnwired === true) return undefined;
    return { groups: this.batchGroupsFor(gate), getPayoutById: (payoutId) => payouts.getPayoutById(payoutId) };
  }

  exceptionsFor(gate: Gate): InMemoryExceptions {
    const payouts = this.payoutsFor(gate);
    return new InMemoryExceptions(this.exceptions, gate, (payoutId, owner) =>
      payouts.setExceptionOwner(payoutId, owner),
    );
  }

  providerFor(gate: Gate, onSubmit?: (submission: ProviderSubmission) => void): SimProviderPort {
    return new SimProviderPort(this.provider, gate, this.now, (payout) => this.onProviderCreated(payout), onSubmit);
  }

  /** The sandbox announces every payout it accepts (payout.accepted), like every later state. */
  private onProviderCreated(payout: ProviderPayout): void {
    this.provider.emit(payout, null, this.clockMs, this.clockMs);
  }

  // The use cases, as the Lambda entries run them.

  async create(
    gate: Gate,
    request: ClientRequest,
    input: Omit<IdempotentCreateInput, 'idempotencyScope' | 'requestId'>,
  ): Promise<StoredCreateResponse> {
    const create = idempotentCreate({
      repository: this.payoutsFor(gate),
      enqueue: async (message) =>
        sender(this.submissionQueue, gate, this.now)(JSON.stringify({ payoutId: message.payoutId })),
      persistenceStore: new InMemoryIdempotencyLayer(this.idempotency, gate, this.now),
      keyPrefix: IDEMPOTENCY_KEY_PREFIX,
      expiresAfterSeconds: IDEMPOTENCY_EXPIRES_AFTER_SECONDS_DEFAULT,
      now: () => new Date(this.clockMs),
      // A ULID's shape (26 Crockford characters), as the API's path check requires: po_000…0001, po_000…0002 …
      newPayoutId: () => `${PAYOUT_ID_PREFIX}${String(++this.payoutSequence).padStart(26, '0')}`,
      approvalPolicies: this.approvalPolicies,
    });
    const requestId = this.newRequestId();
    return create(
      { ...input, idempotencyScope: `${request.tenantId}#${request.idempotencyKey}`, requestId },
      lambdaContext('create-payout'),
    );
  }

  intakeDeps(gate: Gate) {
    return {
      secrets: new CachedWebhookSecrets(async () => JSON.stringify(SIM_SECRETS)),
      inbox: new InMemoryInbox(this.inbox, gate),
      queue: { enqueue: async (message: object) => sender(this.webhookQueue, gate, this.now)(JSON.stringify(message)) },
      countRejection: () => undefined,
      nowMs: this.now,
    };
  }

  async intake(gate: Gate, provider: string, headers: Record<string, string>, body: string): Promise<HttpResult> {
    return intakeWebhook(this.intakeDeps(gate), {
      provider,
      headers,
      rawBody: Buffer.from(body, 'utf8'),
      requestId: this.newRequestId(),
    });
  }

  async processWebhook(gate: Gate, message: QueuedMessage): Promise<ProcessOutcome> {
    const payouts = this.payoutsFor(gate);
    const deps = {
      inbox: new InMemoryInbox(this.inbox, gate),
      payouts,
      exceptions: this.exceptionsFor(gate),
      // handlers/process-webhook.ts: a batch item failed by its provider joins its batch's group.
      batchFailures: this.batchFailuresFor(gate, payouts),
      rechecks: new InMemoryRechecks(this.rechecks, gate),
      maxReceiveCount: MAX_RECEIVE_COUNT,
      nowMs: this.now,
    };
    return processWebhookRecord(deps, {
      body: message.body,
      messageId: message.messageId,
      attributes: sqsAttributes(message),
    });
  }

  async submit(gate: Gate, message: QueuedMessage): Promise<SubmissionOutcome> {
    const { payoutId } = parseSubmissionMessage(message.body);
    const payouts = this.payoutsFor(gate);
    // The witness of `submitted-when-read`: the status this submission read, as the provider is asked.
    let statusRead: string | undefined;
    const repository = {
      getPayoutForSubmission: async (id: string) => {
        const found = await payouts.getPayoutForSubmission(id);
        statusRead = found?.payout.status;
        // The planted `submitDespiteHold`: a submitter that never looks at the holds.
        if (found !== undefined && this.flaws.submitDespiteHold === true) {
          const { openHoldCount: _hidden, ...payout } = found.payout;
          return { ...found, payout };
        }
        return found;
      },
      applyTransition: (cmd: Parameters<InMemoryPayouts['applyTransition']>[0]) => payouts.applyTransition(cmd),
      claimForSubmission: (id: string, at: string) => payouts.claimForSubmission(id, at),
    };
    const onSubmit = (submission: ProviderSubmission) => {
      if (statusRead !== 'submitted')
        this.submissionsNotSubmitted.push(`payout ${submission.payoutId} was sent to the provider, read ${statusRead}`);
      // As the provider is asked: the payout's holds as they are now, not as the submitter read them.
      const open = this.payouts.payouts.get(submission.payoutId)?.openHoldCount ?? 0;
      if (open > 0)
        this.submissionsWhileHeld.push(
          `payout ${submission.payoutId} was sent to the provider with ${open} open hold(s)`,
        );
    };
    return submitOne(payoutId, `sqs:${message.messageId}`, {
      repository,
      providers: { sandbox: this.providerFor(gate, onSubmit) },
      nowIso: () => new Date(this.clockMs).toISOString(),
      // handlers/submit-payout.ts: a refused batch item joins its batch's group.
      batchFailures: { groups: this.batchGroupsFor(gate), getPayoutById: (id) => payouts.getPayoutById(id) },
    });
  }

  async sweep(gate: Gate): Promise<SweepReport> {
    const payouts = this.payoutsFor(gate);
    return sweep({
      inbox: new InMemoryInbox(this.inbox, gate),
      webhookQueue: { enqueue: async (message) => sender(this.webhookQueue, gate, this.now)(JSON.stringify(message)) },
      dlq: new InMemoryDeadLetters(this.queuesByUrl, gate, this.now),
      dlqUrls: {
        webhook: this.webhookDlq.url,
        submission: this.submissionDlq.url,
        reconciliation: this.reconciliationDlq.url,
        batch: this.batchDlq.url,
      },
      exceptions: this.exceptionsFor(gate),
      rechecks: new InMemoryRechecks(this.rechecks, gate),
      payouts,
      awaiting: payouts,
      // The approval-expiry job (its REVERSAL partition is empty: no reversals are driven).
      waiting: payouts,
      providers: { sandbox: this.providerFor(gate) },
      resubmit: async (payoutId) => sender(this.submissionQueue, gate, this.now)(JSON.stringify({ payoutId })),
      // handlers/sweep.ts: a batch item the poll found failed joins its batch's group.
      batchFailures: this.batchFailuresFor(gate, payouts),
      nowMs: this.now,
    });
  }

  redriveDeps(gate: Gate): RedriveApiDeps {
    return {
      dlq: new InMemoryDeadLetters(this.queuesByUrl, gate, this.now),
      queues: {
        webhook: { queueUrl: this.webhookQueue.url, dlqUrl: this.webhookDlq.url },
        submission: { queueUrl: this.submissionQueue.url, dlqUrl: this.submissionDlq.url },
        reconciliation: { queueUrl: this.reconciliationQueue.url, dlqUrl: this.reconciliationDlq.url },
        batch: { queueUrl: this.batchQueue.url, dlqUrl: this.batchDlq.url },
      },
      inbox: new InMemoryInbox(this.inbox, gate),
      webhookQueue: { enqueue: async (message) => sender(this.webhookQueue, gate, this.now)(JSON.stringify(message)) },
      audit: new InMemoryAuditTrail(this.audit, gate),
      nowMs: this.now,
    };
  }

  /** POST /ops/dlq/redrive or POST /ops/replay, as an ops operator calls it. */
  async opsCall(
    gate: Gate,
    path: '/ops/dlq/redrive' | '/ops/replay',
    body: Record<string, unknown>,
  ): Promise<HttpResult> {
    return redriveApi(this.redriveDeps(gate), operatorEvent(path, body, this.newRequestId()));
  }

  async reconcile(gate: Gate, date: string): Promise<RunRecord> {
    const payouts = this.payoutsFor(gate);
    const run = await runReconciliation(
      {
        provider: 'sandbox',
        fetchReport: async (day) => {
          await gate.point('provider.report');
          const report = Buffer.from(this.provider.report(day), 'utf8');
          return (async function* () {
            yield report;
          })();
        },
        payouts,
        exceptions: this.exceptionsFor(gate),
        store: new InMemoryExports(this.reconciliation, gate),
        runs: new InMemoryRuns(this.reconciliation, gate),
        payoutsTable: 'sim-payouts',
        ledgerTable: 'sim-ledger',
        audit: new InMemoryAuditTrail(this.audit, gate),
        auditTable: 'sim-audit',
        heldPayouts: payouts,
        now: () => new Date(this.clockMs),
        timeZone: 'UTC',
        newRunId: () => `run_sim_${date}_${this.runs.length + 1}`,
        partitions: 1,
        ...(existsSync(MEMORY_DISK) ? { workRoot: MEMORY_DISK } : {}),
      },
      date,
      'schedule',
    );
    this.runs.push(run);
    return run;
  }

  caller(tenantId: string): Caller {
    return {
      tenantId,
      clientId: `sim-${tenantId}`,
      scopes: ['payouts:write'],
      subject: `sim-${tenantId}`,
      role: 'backend',
    };
  }

  spawn<T>(name: string, body: (gate: Gate) => Promise<T>) {
    return this.scheduler.spawn(name, body);
  }

  /** Runs after the step's tasks ended: how callers (clients, the provider) take the answers they got. */
  afterRun(settle: () => void): void {
    this.settlements.push(settle);
  }

  /** Runs the spawned tasks to their end, then lets the callers read their answers. */
  async runTasks(): Promise<void> {
    for (const task of await this.scheduler.run()) {
      // Use cases throw on purpose (the queue retries, the client retries); a programmer error is a finding.
      if (task.state === 'failed' && isProgrammerError(task.error))
        this.violations.push(`${task.name} failed with ${String((task.error as Error).stack ?? task.error)}`);
      if (task.state === 'failed')
        this.failures.set(
          (task.error as Error)?.name ?? 'unknown',
          (this.failures.get((task.error as Error)?.name ?? 'unknown') ?? 0) + 1,
        );
    }
    for (const settle of this.settlements.splice(0)) settle();
  }
}

const isProgrammerError = (error: unknown): boolean =>
  error instanceof TypeError ||
  error instanceof ReferenceError ||
  error instanceof RangeError ||
  error instanceof SyntaxError;

function sqsAttributes(message: QueuedMessage) {
  return {
    ApproximateReceiveCount: String(message.receiveCount),
    SentTimestamp: String(message.sentAtMs),
    SenderId: 'sim',
    ApproximateFirstReceiveTimestamp: String(message.sentAtMs),
  };
}

export function lambdaContext(functionName: string): Context {
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: 'sim',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'sim',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => SIM_INVOCATION_TIMEOUT_MS,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function operatorEvent(
  path: string,
  body: Record<string, unknown>,
  requestId: string,
): APIGatewayProxyEventV2WithJWTAuthorizer {
  return {
    version: '2.0',
    routeKey: `POST ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: {
      requestId,
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'sim' },
      authorizer: { jwt: { claims: OPERATOR_CLAIMS, scopes: [] }, principalId: '', integrationLatency: 0 },
    },
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}
