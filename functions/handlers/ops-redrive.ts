import { dynamoDocumentClient, requiredEnv, s3Client, sqsClient } from '../adapters/aws-clients';
import { DeadLetterQueue } from '../adapters/dlq';
import { IncidentsRepository } from '../adapters/incidents-repository';
import { InboxRepository } from '../adapters/inbox-repository';
import { AuditTrail } from '../adapters/audit-trail';
import { readOldestUnreconciled } from '../adapters/reconciliation/oldest-unreconciled';
import { RunsRepository } from '../adapters/reconciliation/runs-repository';
import { WebhookQueue } from '../adapters/webhook-queue';
import { httpHandler } from '../http/http-handler';
import { ENV, SUBMITTING_PROVIDERS } from '../shared/names';
import { opsRedriveRoutes, type OpsRedriveDeps } from '../app/ops/ops-redrive-routes';

// Entry for the DLQ, redrive and replay API (docs/ops-api.md), the public GET /status and its incidents; wiring only.

let deps: OpsRedriveDeps | undefined;

function dependencies(): OpsRedriveDeps {
  if (deps !== undefined) return deps;
  const client = dynamoDocumentClient();
  const webhookQueueUrl = requiredEnv(ENV.webhookQueueUrl);
  const dlq = new DeadLetterQueue(sqsClient());
  const queues = {
    webhook: { queueUrl: webhookQueueUrl, dlqUrl: requiredEnv(ENV.webhookDlqUrl) },
    submission: { queueUrl: requiredEnv(ENV.submissionQueueUrl), dlqUrl: requiredEnv(ENV.submissionDlqUrl) },
    reconciliation: {
      queueUrl: requiredEnv(ENV.reconciliationQueueUrl),
      dlqUrl: requiredEnv(ENV.reconciliationDlqUrl),
    },
    batch: { queueUrl: requiredEnv(ENV.batchQueueUrl), dlqUrl: requiredEnv(ENV.batchDlqUrl) },
  };
  const nowMs = () => Date.now();
  const audit = new AuditTrail(client, requiredEnv(ENV.auditTable));
  const incidents = new IncidentsRepository(client, requiredEnv(ENV.operationsTable), audit);
  const inbox = new InboxRepository(client, requiredEnv(ENV.inboxTable), s3Client(), requiredEnv(ENV.evidenceBucket));
  const runs = new RunsRepository({ client, operationsTable: requiredEnv(ENV.operationsTable) });
  const payoutsTable = requiredEnv(ENV.payoutsTable);
  deps = {
    redrive: {
      dlq,
      queues,
      inbox,
      webhookQueue: new WebhookQueue(sqsClient(), webhookQueueUrl),
      audit,
      nowMs,
    },
    status: {
      dlq,
      queues,
      runs,
      incidents,
      oldestUnreconciled: (nowMs) => readOldestUnreconciled({ client, payoutsTable, runs }, nowMs),
      inbox,
      providers: SUBMITTING_PROVIDERS,
      nowMs,
    },
    incidents: { incidents, nowMs },
  };
  return deps;
}

// Through httpHandler: the one catch every HTTP entry shares (DomainErrors included).
export const handler = httpHandler(async (event) => opsRedriveRoutes(dependencies(), event));
