// What the contract fuzz test needs to exist before it runs, so that valid requests reach each
// route's success answer and not only its 404: payouts, exceptions, DLQ messages, stored webhook
// events and one finished reconciliation. Created through the API where it can, else through the
// twin's own emulators (exceptions and dead letters have no create route).
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { AuditTrail } from '../../../functions/adapters/audit-trail';
import { ExceptionsRepository } from '../../../functions/adapters/exceptions-repository';
import { openException } from '../../../functions/domain/exceptions';
import type { StartedTwin } from '../twin';

export interface Fixtures {
  /** Known-good values by parameter or property name, mixed into generated requests. */
  hints: Record<string, string[]>;
  /** Sandbox event ids already delivered: a second delivery is a duplicate (200). */
  webhookEventIds: string[];
  /** Whole queries that meet a rule across parameters (exactly one lookup key), by operation. */
  exampleQueries: Record<string, Array<Record<string, string>>>;
}

const RECONCILED_DATE = '2026-11-20';
const RUN_POLL_MS = 250;
const RUN_WAIT_MS_MAX = 60_000;
const CREATE_BODY = {
  amount: 5_000,
  currency: 'GBP',
  destination: { country: 'GB', method: 'faster_payments', sort_code: '601613', account_number: '31926819' },
  recipient: { name: 'Fuzz Fixture' },
};

/** A foreign individual paid in GB: W-8BEN is the form that fits it. */
const RECIPIENT_BODY = {
  kind: 'individual',
  name: 'Fuzz Recipient',
  country: 'GB',
  contact: { email: 'fuzz@example.com' },
  destinations: [
    { currency: 'GBP', country: 'GB', method: 'faster_payments', sort_code: '601613', account_number: '31926819' },
  ],
};

/** At the four-eyes threshold of config/approval-policy.json (GBP): created requires_approval. */
const APPROVAL_BODY = { ...CREATE_BODY, amount: 1_000_000, recipient: { name: 'Fuzz Approval Fixture' } };
/** The sandbox pays a payout in a few of its steps (SANDBOX_STEP_SECONDS_DEFAULT each). */
const PAID_WAIT_MS_MAX = 90_000;

async function waitForPaid(twin: StartedTwin, token: string, payoutId: string): Promise<void> {
  for (const deadline = Date.now() + PAID_WAIT_MS_MAX; Date.now() < deadline;) {
    if ((await call(twin, 'GET', `/payouts/${payoutId}`, token)).status === 'paid') return;
    await new Promise((done) => setTimeout(done, RUN_POLL_MS));
  }
  throw new Error(`fixture payout ${payoutId} was not paid within ${PAID_WAIT_MS_MAX} ms`);
}

/** An item the fan-out rejects (its IBAN fails mod-97): counted into its batch's recipient group. */
const FAILING_BATCH_ITEM = {
  amount: 100,
  currency: 'EUR',
  destination: { country: 'DE', method: 'sepa', iban: 'DE89370400440532013001' },
  recipient: { name: 'Fuzz Failing Item' },
};

/** The fan-out runs after the 202: the batch's group exception exists once its item is rejected. */
async function waitForGroup(twin: StartedTwin, token: string, batchId: string): Promise<string> {
  for (const deadline = Date.now() + RUN_WAIT_MS_MAX; Date.now() < deadline;) {
    const [group] = (await call(twin, 'GET', `/exceptions?batch_id=${batchId}`, token)).data as Array<{
      exception_id: string;
    }>;
    if (group !== undefined) return group.exception_id;
    await new Promise((done) => setTimeout(done, RUN_POLL_MS));
  }
  throw new Error(`fixture batch ${batchId}: no group exception within ${RUN_WAIT_MS_MAX} ms`);
}

async function call(
  twin: StartedTwin,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${twin.url}${path}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const json = (await response.json()) as any;
  if (response.status >= 300) throw new Error(`fixture ${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

export async function seedFixtures(twin: StartedTwin, tokenOf: (scope: string) => string): Promise<Fixtures> {
  const payoutIds: string[] = [];
  const idempotencyKeys = ['fuzz-fixture-1', 'fuzz-fixture-2'];
  for (const key of idempotencyKeys)
    payoutIds.push(
      (await call(twin, 'POST', '/payouts', tokenOf('payouts:write'), CREATE_BODY, { 'idempotency-key': key }))
        .payout_id,
    );

  // Payouts at the four-eyes threshold wait in requires_approval: approve, reject and cancel each
  // have one to succeed on (the fuzz picks payout ids from the hints; one success per route is enough).
  for (const key of ['fuzz-approval-1', 'fuzz-approval-2', 'fuzz-approval-3', 'fuzz-approval-4', 'fuzz-approval-5'])
    payoutIds.push(
      (
        await call(twin, 'POST', '/payouts', tokenOf('payouts:write'), APPROVAL_BODY, {
          'idempotency-key': key,
        })
      ).payout_id,
    );
  // Paid payouts for the reversal routes: one left for the fuzz to request a reversal of, and two
  // with a requested reversal for it to approve and to reject.
  const paidIds: string[] = [];
  for (const key of [
    'fuzz-paid-1',
    'fuzz-paid-2',
    'fuzz-paid-3',
    'fuzz-paid-4',
    'fuzz-paid-5',
    'fuzz-paid-6',
    'fuzz-paid-7',
  ])
    paidIds.push(
      (await call(twin, 'POST', '/payouts', tokenOf('payouts:write'), CREATE_BODY, { 'idempotency-key': key }))
        .payout_id,
    );
  for (const payoutId of paidIds) await waitForPaid(twin, tokenOf('payouts:read'), payoutId);
  const reversalIds: string[] = [];
  // paidIds[0] for the fuzz's own reversal request; [1..4] with a requested reversal; [5..6] corrected.
  for (const payoutId of paidIds.slice(1, 5))
    reversalIds.push(
      (
        await call(
          twin,
          'POST',
          `/payouts/${payoutId}/reversals`,
          tokenOf('payouts:reverse'),
          { reason: 'fixture' },
          {
            'idempotency-key': `fuzz-reversal-${payoutId}`,
          },
        )
      ).reversal.reversal_id,
    );
  payoutIds.push(...paidIds.slice(0, 5));
  // Corrections proposed by another operator than the fuzz's own, so the fuzz may approve or reject
  // them; their payouts are not among the hints, so nothing else the fuzz does moves them first.
  const proposer = await twin.token({ operator: 'fuzz-fixture-proposer', role: 'compliance' });
  const correctionIds: string[] = [];
  for (const payoutId of paidIds.slice(5))
    correctionIds.push(
      (
        await call(
          twin,
          'POST',
          `/ops/payouts/${payoutId}/corrections`,
          proposer,
          {
            kind: 'status',
            target_status: 'failed',
            reason: 'fixture: the provider statement says failed',
            evidence: { type: 'provider_statement', reference: 'stmt-fuzz-1' },
          },
          { 'idempotency-key': `fuzz-correction-${payoutId}` },
        )
      ).correction_id,
    );

  // Open incidents for the fuzz to resolve (the first resolve of each succeeds, later ones are 409).
  const onCall = await twin.token({ operator: 'fuzz-fixture-on-call', role: 'ops' });
  const incidentIds: string[] = [];
  for (let i = 0; i < 3; i++)
    incidentIds.push(
      (
        await call(
          twin,
          'POST',
          '/ops/incidents',
          onCall,
          { title: `fixture ${i}`, message: 'fixture', components: ['api'], impact: 'degraded' },
          { 'idempotency-key': `fuzz-incident-${i}` },
        )
      ).incident_id,
    );

  // Batches (issue 13): one under the threshold (reads, retry) and two at it, for approve to succeed on.
  const batchIds: string[] = [];
  const senderBatchIds = ['fuzz-batch-1', 'fuzz-batch-approval-1', 'fuzz-batch-approval-2'];
  for (const [i, senderBatchId] of senderBatchIds.entries()) {
    const items = [{ ...(i === 0 ? CREATE_BODY : APPROVAL_BODY), sender_item_id: `fuzz-item-${i}` }];
    batchIds.push(
      (await call(twin, 'POST', '/batches', tokenOf('batches:write'), { sender_batch_id: senderBatchId, items }))
        .batch_id,
    );
  }

  // Batches with a failed item each (issue 13): their group exceptions are what
  // GET /exceptions/{exceptionId}/items pages, and GET /ops/batches… reads them. Three, so the fuzz's
  // draws from the exception ids land on a group often enough to see its success.
  const groupIds: string[] = [];
  for (const i of [1, 2, 3]) {
    const senderBatchId = `fuzz-batch-failed-${i}`;
    const items = [{ ...FAILING_BATCH_ITEM, sender_item_id: `fuzz-failed-${i}` }];
    const batchId = (
      await call(twin, 'POST', '/batches', tokenOf('batches:write'), { sender_batch_id: senderBatchId, items })
    ).batch_id as string;
    batchIds.push(batchId);
    senderBatchIds.push(senderBatchId);
    groupIds.push(await waitForGroup(twin, tokenOf('exceptions:read'), batchId));
  }

  // Recipients (issue 15): read, given tax forms and reviewed by the fuzz (ids in the hints).
  const recipientIds: string[] = [];
  for (const key of ['fuzz-recipient-1', 'fuzz-recipient-2', 'fuzz-recipient-3'])
    recipientIds.push(
      (await call(twin, 'POST', '/recipients', tokenOf('recipients:write'), RECIPIENT_BODY, { 'idempotency-key': key }))
        .recipient_id,
    );

  const { documentClient } = twin.clients;
  const audit = new AuditTrail(documentClient, twin.names.tables['AuditTable']!);
  const exceptions = new ExceptionsRepository(documentClient, twin.names.tables['OperationsTable']!, { audit });
  const exceptionIds: string[] = [];
  for (let i = 0; i < 4; i++) {
    const opened = await exceptions.openOrUpdate(
      openException(
        // A category keyed per message, so each of the four is its own row (and linked to a payout).
        {
          category: 'submission_dead_lettered',
          messageId: `contract_fuzz_${i}`,
          payoutId: payoutIds[i % payoutIds.length]!,
        },
        { evidence: { fixture: i }, error: { message: 'fixture', code: 'fixture' }, seenAt: new Date().toISOString() },
      ),
    );
    exceptionIds.push(opened.exception.exceptionId);
  }

  const deadLetters: Array<[string, string]> = [
    [
      'WebhookDlq',
      JSON.stringify({
        provider: 'sandbox',
        provider_event_id: 'msg_fuzz_dead',
        event_type: 'payout.paid',
        received_at: new Date().toISOString(),
      }),
    ],
    ['SubmissionDlq', JSON.stringify({ payoutId: payoutIds[0] })],
    ['ReconciliationDlq', 'not a run request'],
  ];
  const messageIds: string[] = [];
  for (const [queue, body] of deadLetters) {
    const sent = await twin.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: twin.names.queueUrls[queue]!, MessageBody: body }),
    );
    messageIds.push(sent.MessageId!);
  }

  const secret = (
    JSON.parse(
      readFileSync(resolve(import.meta.dirname, '../../../config/webhook-secrets.local.json'), 'utf8'),
    ) as Record<string, string[]>
  )['sandbox']![0]!;
  const webhookEventIds = ['msg_fuzz_seed_1', 'msg_fuzz_seed_2'];
  for (const id of webhookEventIds) {
    const raw = JSON.stringify({ type: 'fixture.contract_fuzz', timestamp: new Date().toISOString(), data: {} });
    const now = new Date();
    await call(twin, 'POST', '/webhooks/sandbox', undefined, raw, {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1_000)),
      'webhook-signature': new Webhook(secret).sign(id, now, raw),
    });
  }

  await call(twin, 'POST', '/reconciliations', tokenOf('reconciliation:run'), { date: RECONCILED_DATE });
  for (const deadline = Date.now() + RUN_WAIT_MS_MAX; Date.now() < deadline;) {
    const run = (await call(twin, 'GET', `/reconciliations/${RECONCILED_DATE}`, tokenOf('reconciliation:read')))
      .reconciliation;
    if (run.state === 'succeeded' || run.state === 'failed') break;
    await new Promise((done) => setTimeout(done, RUN_POLL_MS));
  }

  return {
    hints: {
      payoutId: payoutIds,
      payout_id: payoutIds,
      reversalId: reversalIds,
      correctionId: correctionIds,
      incidentId: incidentIds,
      'components[]': ['api', 'submission:sandbox', 'reconciliation'],
      idempotency_key: idempotencyKeys,
      tenant_id: ['acme'],
      exceptionId: [...exceptionIds, ...groupIds],
      message_id: messageIds,
      'event_ids[]': webhookEventIds.map((id) => `sandbox#${id}`),
      date: [RECONCILED_DATE],
      batchId: batchIds,
      sender_batch_id: senderBatchIds,
      // Screening cases (issue 15): none exists until a recipient hits the list (the recipients routes are another
      // branch's), so a well-formed id the fuzz reads and decides as 404; the bodies are the OpenAPI examples.
      caseId: ['scr_01JF0ZZ0000000000000000000'],
      // Holds (issue 15): the approval payouts above are the approver's queue; their `approval` hold is
      // the one the API can reach (its release answers 409: the approve route releases it).
      holdId: ['approval'],
      owner: ['approver', 'compliance', 'tenant', 'ops'],
      recipientId: recipientIds,
      // The tax-readiness export (issue 15) takes a year the thresholds file covers that has started: this one.
      tax_year: [String(new Date().getUTCFullYear())],
    },
    webhookEventIds,
    exampleQueries: {
      opsFindPayout: [{ payout_id: payoutIds[0]! }, { idempotency_key: idempotencyKeys[1]!, tenant_id: 'acme' }],
      // The second: a reversed range, a rule across parameters (400 invalid_range).
      listPayouts: [
        { idempotency_key: idempotencyKeys[0]! },
        { created_from: '2026-02-01T00:00:00.000Z', created_to: '2026-01-01T00:00:00.000Z' },
      ],
      getTaxReadinessExport: [{ tax_year: String(new Date().getUTCFullYear()), tenant_id: 'acme' }],
    },
  };
}
