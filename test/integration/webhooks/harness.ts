// The webhook pipeline wired to DynamoDB Local + fauxqs, in-process: intake → inbox → queue →
// processor, the ops APIs and the sweeper, each with clients the test can count or break.
import { BatchExceptionGroups } from '../../../functions/adapters/batch-exception-groups';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import Stripe from 'stripe';
import { CorrectionsRepository } from '../../../functions/adapters/corrections-repository';
import { DeadLetterQueue } from '../../../functions/adapters/dlq';
import { ExceptionsRepository } from '../../../functions/adapters/exceptions-repository';
import { InboxRepository } from '../../../functions/adapters/inbox-repository';
import { AuditTrail } from '../../../functions/adapters/audit-trail';
import { payoutExceptionOwnerUpdater } from '../../../functions/adapters/payout-exception-owner';
import { PayoutsRepository } from '../../../functions/adapters/payouts-repository';
import { RecheckMarkers } from '../../../functions/adapters/recheck-markers';
import { CachedWebhookSecrets } from '../../../functions/adapters/webhook-secrets';
import { WebhookQueue } from '../../../functions/adapters/webhook-queue';
import { signStandardWebhook } from '../../../functions/domain/webhook-signatures';
import { ApiError } from '../../../functions/http/api-error';
import { errorResponse } from '../../../functions/http/response';
import { exceptionsApi } from '../../../functions/app/ops/exceptions-api';
import { redriveApi } from '../../../functions/app/ops/redrive-api';
import { intakeWebhook, type RejectionReason } from '../../../functions/app/webhooks/intake';
import { processWebhookRecord, type ProcessOutcome } from '../../../functions/app/webhooks/process';
import type { StartedEmulators } from '../../support/emulators';

export const SANDBOX_SECRET = 'whsec_' + Buffer.from('integration-test-sandbox-secret!').toString('base64');
export const STRIPE_SECRET = 'whsec_integration_test_stripe_secret';
export const MAX_RECEIVE_COUNT = 5;

export function harness(emulators: StartedEmulators, options: { sqs?: SQSClient } = {}) {
  const { documentClient, s3 } = emulators.clients;
  const sqs = options.sqs ?? emulators.clients.sqs;
  const env = emulators.env;
  const rejections: RejectionReason[] = [];
  const inbox = new InboxRepository(documentClient, env['INBOX_TABLE']!, s3, env['EVIDENCE_BUCKET']!);
  const payouts = new PayoutsRepository({
    client: documentClient,
    payoutsTable: env['PAYOUTS_TABLE']!,
    ledgerTable: env['LEDGER_TABLE']!,
    auditTable: env['AUDIT_TABLE']!,
  });
  const audit = new AuditTrail(documentClient, env['AUDIT_TABLE']!);
  const exceptions = new ExceptionsRepository(documentClient, env['OPERATIONS_TABLE']!, {
    audit,
    onPayoutOwnerChange: payoutExceptionOwnerUpdater(documentClient, env['PAYOUTS_TABLE']!),
  });
  const corrections = new CorrectionsRepository(documentClient, env['OPERATIONS_TABLE']!, payouts);
  const groups = new BatchExceptionGroups(documentClient, env['OPERATIONS_TABLE']!, exceptions);
  const queueUrl = env['WEBHOOK_QUEUE_URL']!;
  const dlqUrl = env['WEBHOOK_DLQ_URL']!;
  let nowMs = () => Date.now();
  const intakeDeps = {
    secrets: new CachedWebhookSecrets(async () =>
      JSON.stringify({ sandbox: [SANDBOX_SECRET], stripe: [STRIPE_SECRET] }),
    ),
    inbox,
    queue: new WebhookQueue(sqs, queueUrl),
    countRejection: (reason: RejectionReason) => void rejections.push(reason),
    nowMs: () => nowMs(),
  };
  const processDeps = {
    inbox,
    payouts,
    exceptions,
    rechecks: new RecheckMarkers(documentClient, env['OPERATIONS_TABLE']!),
    maxReceiveCount: MAX_RECEIVE_COUNT,
    nowMs: () => nowMs(),
  };
  const redriveDeps = {
    dlq: new DeadLetterQueue(emulators.clients.sqs),
    queues: {
      webhook: { queueUrl, dlqUrl },
      submission: { queueUrl: env['SUBMISSION_QUEUE_URL']!, dlqUrl: env['SUBMISSION_DLQ_URL']! },
      reconciliation: { queueUrl: env['RECONCILIATION_QUEUE_URL']!, dlqUrl: env['RECONCILIATION_DLQ_URL']! },
      batch: { queueUrl: env['BATCH_QUEUE_URL']!, dlqUrl: env['BATCH_DLQ_URL']! },
    },
    inbox,
    webhookQueue: new WebhookQueue(emulators.clients.sqs, queueUrl),
    audit,
    nowMs: () => nowMs(),
  };

  /** Signs like the sandbox (Standard Webhooks) and posts to the intake. */
  async function deliverSandbox(
    eventId: string,
    body: unknown,
    opts: { timestampSeconds?: number; secret?: string; tamper?: (raw: string) => string } = {},
  ) {
    const raw = JSON.stringify(body);
    const ts = opts.timestampSeconds ?? Math.floor(nowMs() / 1000);
    const signature = signStandardWebhook(opts.secret ?? SANDBOX_SECRET, eventId, ts, new TextEncoder().encode(raw));
    const sent = opts.tamper ? opts.tamper(raw) : raw;
    return intakeWebhook(intakeDeps, {
      provider: 'sandbox',
      headers: { 'webhook-id': eventId, 'webhook-timestamp': String(ts), 'webhook-signature': signature },
      rawBody: new TextEncoder().encode(sent),
      requestId: `req-${eventId}`,
    });
  }

  /** Signs like Stripe (the stripe package's own test helper) and posts to the intake; the event id is the body's `id`. */
  async function deliverStripe(eventId: string, type: string, object: Record<string, unknown>) {
    const payload = JSON.stringify({
      id: eventId,
      object: 'event',
      type,
      created: Math.floor(nowMs() / 1000),
      data: { object: { object: 'payout', ...object } },
    });
    const header = new Stripe('sk_test_oracle_only').webhooks.generateTestHeaderString({
      payload,
      secret: STRIPE_SECRET,
      timestamp: Math.floor(nowMs() / 1000),
    });
    return intakeWebhook(intakeDeps, {
      provider: 'stripe',
      headers: { 'stripe-signature': header },
      rawBody: new TextEncoder().encode(payload),
      requestId: `req-${eventId}`,
    });
  }

  /**
   * Plays Lambda's event source mapping: receive, process each record, delete on success, make a
   * failed one visible again at once (instead of waiting out the visibility timeout).
   */
  async function drain(maxRounds = 20): Promise<Array<ProcessOutcome | 'failed'>> {
    const outcomes: Array<ProcessOutcome | 'failed'> = [];
    for (let round = 0; round < maxRounds; round++) {
      const out = await emulators.clients.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          MessageSystemAttributeNames: ['All'],
        }),
      );
      const messages = out.Messages ?? [];
      if (messages.length === 0) break;
      for (const m of messages) {
        const record = { body: m.Body ?? '', messageId: m.MessageId ?? '', attributes: (m.Attributes ?? {}) as never };
        try {
          outcomes.push(await processWebhookRecord(processDeps, record));
          await emulators.clients.sqs.send(
            new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }),
          );
        } catch {
          outcomes.push('failed');
          await emulators.clients.sqs.send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: queueUrl,
              ReceiptHandle: m.ReceiptHandle,
              VisibilityTimeout: 0,
            }),
          );
        }
      }
    }
    return outcomes;
  }

  async function depth(url: string): Promise<number> {
    const out = await emulators.clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) +
      Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  }

  function opsEvent(
    method: string,
    path: string,
    body?: unknown,
    query?: Record<string, string>,
    scopes = 'payout-platform/ops:read payout-platform/ops:redrive payout-platform/exceptions:read payout-platform/exceptions:write',
  ): APIGatewayProxyEventV2WithJWTAuthorizer {
    return {
      rawPath: path,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(query ? { queryStringParameters: query } : {}),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      isBase64Encoded: false,
      requestContext: {
        requestId: `req-${Math.random().toString(36).slice(2)}`,
        http: { method },
        authorizer: {
          jwt: {
            claims: {
              sub: 'operator-1',
              client_id: 'ops-cli',
              principal_type: 'operator',
              principal_role: 'ops',
              scope: scopes,
            },
          },
        },
      },
    } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
  }
  const ops = async (method: string, path: string, body?: unknown, query?: Record<string, string>) => {
    const api = path.startsWith('/exceptions')
      ? exceptionsApi({ exceptions, corrections, groups, nowMs: () => nowMs() }, opsEvent(method, path, body, query))
      : redriveApi(redriveDeps, opsEvent(method, path, body, query));
    const res = await api.catch((error: unknown) => {
      if (error instanceof ApiError) return errorResponse(error, 'req-test');
      throw error;
    });
    return {
      status: res.statusCode,
      body: JSON.parse(res.body) as Record<string, unknown> & { data?: Array<Record<string, unknown>> },
    };
  };

  return {
    inbox,
    payouts,
    exceptions,
    corrections,
    audit,
    rejections,
    intakeDeps,
    processDeps,
    redriveDeps,
    queueUrl,
    dlqUrl,
    setNow: (f: () => number) => {
      nowMs = f;
    },
    deliverSandbox,
    deliverStripe,
    drain,
    depth,
    ops,
    opsEvent,
  };
}

export function sandboxEvent(payoutId: string, status: string, extra: Record<string, unknown> = {}) {
  return {
    type: `payout.${status}`,
    timestamp: new Date().toISOString(),
    data: {
      payout_id: payoutId,
      provider_reference: `sbx_${payoutId}`,
      status,
      amount: 12_500,
      currency: 'EUR',
      fee_minor: 25,
      ...extra,
    },
  };
}
