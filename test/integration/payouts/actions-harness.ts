// The tenant's payout actions (issue 10) wired in-process to DynamoDB Local + fauxqs and a real
// sandbox provider server: create (the create-payout use case), the actions API, the submitter and
// the sweeper, with one injected clock the test moves. Shared by the approvals and the
// cancel/reversal suites.
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { ulid } from 'ulidx';
import { ActionKeyLocks } from '../../../functions/adapters/action-keys';
import { approvalPolicies } from '../../../functions/adapters/approval-policy-config';
import { corridorMatrix } from '../../../functions/adapters/corridors-config';
import { AuditSearch } from '../../../functions/adapters/audit-search';
import { AuditTrail } from '../../../functions/adapters/audit-trail';
import { DeadLetterQueue } from '../../../functions/adapters/dlq';
import { ExceptionsRepository } from '../../../functions/adapters/exceptions-repository';
import { InboxRepository } from '../../../functions/adapters/inbox-repository';
import { PayoutAwaitingIndex } from '../../../functions/adapters/payout-awaiting-index';
import { payoutExceptionOwnerUpdater } from '../../../functions/adapters/payout-exception-owner';
import { PayoutWaitingIndex } from '../../../functions/adapters/payout-waiting-index';
import { PayoutsRepository } from '../../../functions/adapters/payouts-repository';
import { SandboxProvider } from '../../../functions/adapters/providers/sandbox-provider';
import { RecheckMarkers } from '../../../functions/adapters/recheck-markers';
import { ExportStore } from '../../../functions/adapters/reconciliation/export-store';
import { submissionEnqueuer } from '../../../functions/adapters/submission-queue';
import { WebhookQueue } from '../../../functions/adapters/webhook-queue';
import { idempotentAction } from '../../../functions/app/actions/idempotent-action';
import type { PayoutActionsDeps } from '../../../functions/app/actions/payout-action-deps';
import { payoutActionsApi } from '../../../functions/app/actions/payout-actions-api';
import { verifyAuditDay, type AuditVerifyReport } from '../../../functions/app/audit/verify-day';
import { idempotentCreate } from '../../../functions/app/payouts/create-payout';
import { submitOne } from '../../../functions/app/submission/submit-one';
import { sweep } from '../../../functions/app/sweeper/sweep';
import { auditDayOf, EMPTY_CHAIN, type AuditRecord } from '../../../functions/domain/audit';
import { payoutSubject } from '../../../functions/domain/audit-entries';
import { verifyChain } from '../../../functions/domain/audit-verify';
import type { Payout } from '../../../functions/domain/payout';
import { callerOf } from '../../../functions/http/claims';
import { parseCreatePayoutRequest } from '../../../functions/http/create-payout-request';
import { httpHandler } from '../../../functions/http/http-handler';
import { json } from '../../../functions/http/response';
import { PAYOUT_ACTION_ROUTES, type PayoutAction } from '../../../functions/shared/payout-action-routes';
import { startSandboxProvider, type SandboxProvider as SandboxServer } from '../../../local/sandbox/sandbox-process';
import type { StartedEmulators } from '../../support/emulators';
import { scanAll } from './helpers';

export const THRESHOLD_MINOR = 1_000_000;
export const SANDBOX_STEP_SECONDS = 60;
const context: any = { functionName: 'payout-actions', awsRequestId: 'local', getRemainingTimeInMillis: () => 30_000 };

/** Principals of the tenant: distinct app clients, as the twin's provisioning makes them. */
export const PRINCIPALS = {
  backend: {
    role: 'backend',
    clientId: 'client-acme-backend',
    scopes: ['payouts:write', 'payouts:read', 'payouts:reverse'],
  },
  backend2: {
    role: 'backend',
    clientId: 'client-acme-backend-2',
    scopes: ['payouts:write', 'payouts:read', 'payouts:reverse'],
  },
  approver: { role: 'approver', clientId: 'client-acme-approver', scopes: ['payouts:approve', 'payouts:read'] },
  approver2: { role: 'approver', clientId: 'client-acme-approver-2', scopes: ['payouts:approve', 'payouts:read'] },
} as const;
export type PrincipalName = keyof typeof PRINCIPALS;

export interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
  body: any;
}

function event(options: {
  routeKey: string;
  path: string;
  principal: PrincipalName | { role: string; clientId: string; scopes: readonly string[] };
  tenant?: string;
  body?: unknown;
  headers?: Record<string, string>;
  pathParameters?: Record<string, string>;
}): any {
  const principal = typeof options.principal === 'string' ? PRINCIPALS[options.principal] : options.principal;
  return {
    version: '2.0',
    routeKey: options.routeKey,
    rawPath: options.path,
    headers: options.headers ?? {},
    ...(options.pathParameters === undefined ? {} : { pathParameters: options.pathParameters }),
    body:
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body),
    isBase64Encoded: false,
    requestContext: {
      requestId: `req-${ulid()}`,
      http: { method: options.routeKey.split(' ')[0], path: options.path },
      authorizer: {
        jwt: {
          claims: {
            tenant_id: options.tenant ?? 'acme',
            principal_type: 'tenant',
            principal_role: principal.role,
            client_id: principal.clientId,
            sub: principal.clientId,
            scope: principal.scopes.map((s) => `payout-platform/${s}`).join(' '),
          },
          scopes: null,
        },
      },
    },
  };
}

const answerOf = (result: { statusCode: number; headers: Record<string, unknown>; body: string }): Answer => ({
  status: result.statusCode,
  headers: Object.fromEntries(Object.entries(result.headers).map(([k, v]) => [k, String(v)])),
  text: result.body,
  body: result.body === '' ? undefined : JSON.parse(result.body),
});

export async function actionsHarness(emulators: StartedEmulators) {
  const { documentClient } = emulators.clients;
  const env = emulators.env;
  const tables = {
    payouts: env['PAYOUTS_TABLE']!,
    ledger: env['LEDGER_TABLE']!,
    idempotency: env['IDEMPOTENCY_TABLE']!,
    operations: env['OPERATIONS_TABLE']!,
    audit: env['AUDIT_TABLE']!,
  };
  let clockMs = Date.now();
  const now = () => new Date(clockMs);
  const sandbox: SandboxServer = await startSandboxProvider({
    port: 0,
    stepSeconds: SANDBOX_STEP_SECONDS,
    plugins: false,
  });
  const provider = new SandboxProvider({ baseUrl: sandbox.url, sleep: async () => undefined });
  const payouts = new PayoutsRepository({
    client: documentClient,
    payoutsTable: tables.payouts,
    ledgerTable: tables.ledger,
    auditTable: tables.audit,
  });
  const trail = new AuditTrail(documentClient, tables.audit);
  const exceptions = new ExceptionsRepository(documentClient, tables.operations, {
    audit: trail,
    onPayoutOwnerChange: payoutExceptionOwnerUpdater(documentClient, tables.payouts),
  });
  // One persistence layer per idempotent wrapper, as each Lambda has its own: Powertools configures a
  // layer once and ignores a second configuration (prefix, payload validation) given to it.
  const persistenceLayer = () =>
    new DynamoDBPersistenceLayer({ tableName: tables.idempotency, awsSdkV3Client: emulators.clients.dynamodb });
  const enqueued: string[] = [];
  const enqueue = submissionEnqueuer(emulators.clients.sqs, env['SUBMISSION_QUEUE_URL']!);

  const create = idempotentCreate({
    repository: payouts,
    enqueue: async (message) => {
      enqueued.push(message.payoutId);
      await enqueue(message);
    },
    persistenceStore: persistenceLayer(),
    keyPrefix: 'create-payout',
    expiresAfterSeconds: 3_600,
    now,
    newPayoutId: () => `po_${ulid()}`,
    approvalPolicies: approvalPolicies(),
  });
  const createHandler = httpHandler(
    async (e, requestId, ctx) => {
      const caller = callerOf(e);
      const request = parseCreatePayoutRequest(e, { amountMaxMinor: 100_000_000, corridors: corridorMatrix() });
      const stored = await create(
        {
          idempotencyScope: `${caller.tenantId}#${request.idempotencyKey}`,
          body: { ...request.body, destination: request.destination },
          request,
          caller,
          requestId,
        },
        ctx,
      );
      return json(
        stored.statusCode,
        stored.body,
        requestId,
        stored.replayed === true ? { 'idempotent-replayed': 'true' } : {},
      );
    },
    { writes: 'idempotent_create' },
  );

  const deps: PayoutActionsDeps = {
    payouts,
    action: idempotentAction({
      persistenceStore: persistenceLayer(),
      keyPrefix: 'actions',
      expiresAfterSeconds: 3_600,
      locks: new ActionKeyLocks(documentClient, tables.payouts),
      newSalt: () => ulid(),
      now,
    }),
    enqueueSubmission: async (message) => {
      enqueued.push(message.payoutId);
      await enqueue(message);
    },
    providers: { sandbox: provider },
    now,
    newReversalId: () => `rev_${ulid()}`,
  };
  const actionsHandler = httpHandler((e, requestId, ctx) => payoutActionsApi(deps, e, requestId, ctx), {
    writes: 'idempotent_action',
  });

  /** POST /payouts as a principal. */
  async function createPayout(
    amount: number,
    options: { key?: string; principal?: PrincipalName; iban?: string; currency?: string; tenant?: string } = {},
  ): Promise<Answer> {
    const body = {
      amount,
      currency: options.currency ?? 'EUR',
      destination: { country: 'DE', method: 'sepa', iban: options.iban ?? 'DE89370400440532013000' },
      recipient: { name: 'Ada Lovelace' },
    };
    const e = event({
      routeKey: 'POST /payouts',
      path: '/payouts',
      principal: options.principal ?? 'backend',
      ...(options.tenant === undefined ? {} : { tenant: options.tenant }),
      body,
      headers: { 'content-type': 'application/json', 'idempotency-key': options.key ?? `create-${ulid()}` },
    });
    return answerOf(await createHandler(e, context));
  }

  /** One of the actions, as a principal; `headers` replaces the default content type and key. */
  async function act(
    action: PayoutAction,
    payoutId: string,
    options: {
      principal: PrincipalName;
      body?: unknown;
      key?: string;
      reversalId?: string;
      tenant?: string;
      headers?: Record<string, string>;
    },
  ): Promise<Answer> {
    const route = PAYOUT_ACTION_ROUTES.find((candidate) => candidate.action === action)!;
    const path = route.path.replace('{payoutId}', payoutId).replace('{reversalId}', options.reversalId ?? '');
    const e = event({
      routeKey: `POST ${route.path}`,
      path,
      principal: options.principal,
      ...(options.tenant === undefined ? {} : { tenant: options.tenant }),
      ...(options.body === undefined ? {} : { body: options.body }),
      headers: options.headers ?? {
        'content-type': 'application/json',
        'idempotency-key': options.key ?? `key-${ulid()}`,
      },
      pathParameters: { payoutId, ...(options.reversalId === undefined ? {} : { reversalId: options.reversalId }) },
    });
    return answerOf(await actionsHandler(e, context));
  }

  /** The submitter, for one payout, against the sandbox server. */
  const submit = (payoutId: string) =>
    submitOne(payoutId, `sqs:${ulid()}`, {
      repository: payouts,
      providers: { sandbox: provider },
      nowIso: () => now().toISOString(),
    });

  /** What the poller would apply: the provider's word with its claim (event ownership). */
  async function providerSays(payoutId: string, event: 'provider_paid' | 'provider_pending'): Promise<Payout> {
    const payout = (await payouts.getPayoutById(payoutId))!;
    const at = now().toISOString();
    const result = await payouts.applyTransition({
      payoutId,
      event,
      source: 'poller',
      sourceRef: `poll:${payoutId}:${at}`,
      occurredAt: at,
      recordedAt: at,
      actor: { kind: 'system', id: 'sweep' },
      providerReference: payout.providerReference!,
      claim: { provider: 'sandbox', amountMinor: payout.amountMinor, currency: payout.currency },
    });
    if (result.kind !== 'applied') throw new Error(`${event} was ${result.kind}`);
    return result.payout;
  }

  const sweepDeps = {
    inbox: new InboxRepository(documentClient, env['INBOX_TABLE']!, emulators.clients.s3, env['EVIDENCE_BUCKET']!),
    webhookQueue: new WebhookQueue(emulators.clients.sqs, env['WEBHOOK_QUEUE_URL']!),
    dlq: new DeadLetterQueue(emulators.clients.sqs),
    dlqUrls: {
      webhook: env['WEBHOOK_DLQ_URL']!,
      submission: env['SUBMISSION_DLQ_URL']!,
      reconciliation: env['RECONCILIATION_DLQ_URL']!,
      batch: env['BATCH_DLQ_URL']!,
    },
    exceptions,
    rechecks: new RecheckMarkers(documentClient, tables.operations),
    payouts,
    reversals: payouts,
    awaiting: new PayoutAwaitingIndex(documentClient, tables.payouts, tables.operations),
    waiting: new PayoutWaitingIndex(documentClient, tables.payouts),
    providers: { sandbox: provider },
    nowMs: () => clockMs,
  };

  /**
   * The payout's audit chain (AUDIT_TABLE, main's trail), oldest first, after checking it links up
   * from the genesis hash to the stored head: every record an action wrote is in one valid chain.
   */
  async function auditOf(payoutId: string): Promise<AuditRecord[]> {
    const subject = payoutSubject(payoutId);
    const records = await trail.chainRecords(subject, 1, Number.MAX_SAFE_INTEGER, { strict: true });
    const verdict = verifyChain(records, {
      chain: `payout:${payoutId}`,
      after: EMPTY_CHAIN,
      head: await trail.head(subject),
    });
    if (!verdict.ok) throw new Error(`the audit chain of ${payoutId} is broken: ${JSON.stringify(verdict)}`);
    return records;
  }

  /**
   * `npm run audit -- verify` for each UTC day the payout's records fall on (the test clock moves,
   * so a payout's records may span days): the whole day's chains, every suite's payouts included.
   */
  async function verifyDaysOf(payoutId: string): Promise<AuditVerifyReport[]> {
    const days = [...new Set((await auditOf(payoutId)).map((record) => auditDayOf(record.at)))].sort();
    const latest = () => new Date(Math.max(Date.now(), clockMs));
    const verifyDeps = {
      search: new AuditSearch(documentClient, tables.audit),
      trail,
      exports: auditExports,
      now: latest,
    };
    const reports: AuditVerifyReport[] = [];
    for (const day of days) reports.push(await verifyAuditDay(verifyDeps, day));
    return reports;
  }
  /** The day's chains verify (the same check as `npm run audit -- verify --date`) on every day the payout touched. */
  async function expectDaysVerify(payoutId: string): Promise<void> {
    for (const report of await verifyDaysOf(payoutId)) {
      if (!report.ok) throw new Error(`audit verify ${report.date}: ${JSON.stringify(report.first_break)}`);
    }
  }
  const auditExports = new ExportStore({
    client: emulators.clients.s3,
    evidenceBucket: env['EVIDENCE_BUCKET']!,
    exportsBucket: env['EXPORTS_BUCKET']!,
  });

  /**
   * Every item of the payout's partition and its journal, every balance, and the payout's audit
   * chain with its head: equal means nothing was written, not even an audit record.
   */
  async function stateOf(payoutId: string): Promise<unknown> {
    const payoutItems = (await scanAll(documentClient, tables.payouts)).filter(
      (item) => item['pk'] === `PAYOUT#${payoutId}` || String(item['pk']).startsWith('ACTIONKEY#'),
    );
    const ledger = (await scanAll(documentClient, tables.ledger)).filter(
      (item) => item['entity'] === 'balance' || item['payoutId'] === payoutId,
    );
    const idempotencyRecords = (await scanAll(documentClient, tables.idempotency)).length;
    const sort = (items: Array<Record<string, unknown>>) => items.map((item) => JSON.stringify(item)).sort();
    const subject = payoutSubject(payoutId);
    const audit = await trail.chainRecords(subject, 1, Number.MAX_SAFE_INTEGER, { strict: true });
    const auditHead = await trail.storedHead(subject);
    return { payoutItems: sort(payoutItems), ledger: sort(ledger), idempotencyRecords, audit, auditHead };
  }

  async function journalOf(payoutId: string): Promise<Array<Array<[string, string, number]>>> {
    return (await scanAll(documentClient, tables.ledger))
      .filter((item) => item['entity'] === 'journal_entry' && item['payoutId'] === payoutId)
      .sort((a, b) => String(a['sk']).localeCompare(String(b['sk'])))
      .map((entry) =>
        (entry['postings'] as Array<{ from: string; to: string; amountMinor: number }>).map(
          (p) => [p.from, p.to, p.amountMinor] as [string, string, number],
        ),
      );
  }

  async function itemsOf(payoutId: string, entity: 'timeline_entry'): Promise<Array<Record<string, any>>> {
    return (await scanAll(documentClient, tables.payouts))
      .filter((item) => item['pk'] === `PAYOUT#${payoutId}` && item['entity'] === entity)
      .sort((a, b) => String(a['sk']).localeCompare(String(b['sk'])));
  }

  async function drainSubmissions(): Promise<void> {
    for (;;) {
      const { Messages = [] } = await emulators.clients.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: env['SUBMISSION_QUEUE_URL']!,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
        }),
      );
      if (Messages.length === 0) return;
      await emulators.clients.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: env['SUBMISSION_QUEUE_URL']!,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
  }

  return {
    tables,
    sandbox,
    payouts,
    exceptions,
    enqueued,
    deps,
    createPayout,
    act,
    submit,
    providerSays,
    stateOf,
    journalOf,
    itemsOf,
    auditOf,
    verifyDaysOf,
    expectDaysVerify,
    trail,
    drainSubmissions,
    sweep: () => sweep(sweepDeps),
    advance: (seconds: number) => {
      clockMs += seconds * 1_000;
    },
    nowIso: () => now().toISOString(),
    stop: () => sandbox.stop(),
  };
}
