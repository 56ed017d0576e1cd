import { holdSlaExceptionsVia } from '../adapters/hold-sla-exceptions';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Logger } from '@aws-lambda-powertools/logger';
import { dynamoDocumentClient, requiredEnv, s3Client, sqsClient } from '../adapters/aws-clients';
import { BatchExceptionGroups } from '../adapters/batch-exception-groups';
import { DeadLetterQueue } from '../adapters/dlq';
import { AuditTrail } from '../adapters/audit-trail';
import { ExceptionsRepository } from '../adapters/exceptions-repository';
import { InboxRepository } from '../adapters/inbox-repository';
import { PayoutAwaitingIndex } from '../adapters/payout-awaiting-index';
import { PayoutWaitingIndex } from '../adapters/payout-waiting-index';
import { payoutExceptionOwnerUpdater } from '../adapters/payout-exception-owner';
import { holdsOpenedBefore } from '../adapters/hold-queue';
import { PayoutsRepository } from '../adapters/payouts-repository';
import { providersFromEnv } from '../adapters/providers/registry';
import { secretsManagerLoader } from '../adapters/providers/secrets-manager-loader';
import { RecheckMarkers } from '../adapters/recheck-markers';
import { submissionEnqueuer } from '../adapters/submission-queue';
import { WebhookQueue } from '../adapters/webhook-queue';
import { ENV } from '../shared/names';
import { sweep, type SweepDeps, type SweepReport } from '../app/sweeper/sweep';

// Entry for the scheduled sweeper; wiring only (the jobs are in app/sweeper/sweep.ts).

const logger = new Logger();
let deps: SweepDeps | undefined;

function dependencies(): SweepDeps {
  if (deps !== undefined) return deps;
  const client = dynamoDocumentClient();
  const payoutsTable = requiredEnv(ENV.payoutsTable);
  const operationsTable = requiredEnv(ENV.operationsTable);
  const auditTable = requiredEnv(ENV.auditTable);
  // One trail for the payouts' transitions and the exceptions this job opens.
  const audit = new AuditTrail(client, auditTable);
  const payouts = new PayoutsRepository({
    client,
    payoutsTable,
    ledgerTable: requiredEnv(ENV.ledgerTable),
    auditTable,
  });
  const exceptions = new ExceptionsRepository(client, operationsTable, {
    audit,
    onPayoutOwnerChange: payoutExceptionOwnerUpdater(client, payoutsTable),
  });
  deps = {
    inbox: new InboxRepository(client, requiredEnv(ENV.inboxTable), s3Client(), process.env[ENV.evidenceBucket] ?? ''),
    webhookQueue: new WebhookQueue(sqsClient(), requiredEnv(ENV.webhookQueueUrl)),
    dlq: new DeadLetterQueue(sqsClient()),
    dlqUrls: {
      webhook: requiredEnv(ENV.webhookDlqUrl),
      submission: requiredEnv(ENV.submissionDlqUrl),
      reconciliation: requiredEnv(ENV.reconciliationDlqUrl),
      batch: requiredEnv(ENV.batchDlqUrl),
    },
    exceptions,
    rechecks: new RecheckMarkers(client, operationsTable),
    payouts,
    reversals: payouts,
    waiting: new PayoutWaitingIndex(client, payoutsTable),
    holdQueue: { holdsOpenedBefore: (query) => holdsOpenedBefore(client, payoutsTable, query) },
    holdSlaExceptions: { holdSlaExceptions: holdSlaExceptionsVia((input) => exceptions.list(input)) },
    awaiting: new PayoutAwaitingIndex(client, payoutsTable, operationsTable),
    providers: providersFromEnv(process.env, {
      loadSecret: secretsManagerLoader(new SecretsManagerClient({ maxAttempts: 3 })),
    }),
    // A batch item the poll found failed joins its batch's exception group (app/batches/batch-item-failures.ts).
    batchFailures: {
      groups: new BatchExceptionGroups(client, operationsTable, exceptions),
      getPayoutById: (payoutId) => payouts.getPayoutById(payoutId),
    },
    resubmit: (payoutId) => submissionEnqueuer(sqsClient(), requiredEnv(ENV.submissionQueueUrl))({ payoutId }),
    nowMs: () => Date.now(),
    log: (message, detail) => logger.warn(message, detail),
  };
  return deps;
}

export const handler = async (): Promise<SweepReport> => {
  const report = await sweep(dependencies());
  logger.info('sweep finished', { ...report });
  return report;
};
