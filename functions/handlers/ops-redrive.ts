import { dynamoDocumentClient, requiredEnv, s3Client, sqsClient } from '../adapters/aws-clients';
import { DeadLetterQueue } from '../adapters/dlq';
import { InboxRepository } from '../adapters/inbox-repository';
import { AuditTrail } from '../adapters/audit-trail';
import { WebhookQueue } from '../adapters/webhook-queue';
import { httpHandler } from '../http/http-handler';
import { ENV } from '../shared/names';
import { redriveApi, type RedriveApiDeps } from '../app/ops/redrive-api';

// Entry for the DLQ, redrive and replay API (docs/ops-api.md); wiring only.

let deps: RedriveApiDeps | undefined;

function dependencies(): RedriveApiDeps {
  if (deps !== undefined) return deps;
  const client = dynamoDocumentClient();
  const webhookQueueUrl = requiredEnv(ENV.webhookQueueUrl);
  deps = {
    dlq: new DeadLetterQueue(sqsClient()),
    queues: {
      webhook: { queueUrl: webhookQueueUrl, dlqUrl: requiredEnv(ENV.webhookDlqUrl) },
      submission: { queueUrl: requiredEnv(ENV.submissionQueueUrl), dlqUrl: requiredEnv(ENV.submissionDlqUrl) },
      reconciliation: {
        queueUrl: requiredEnv(ENV.reconciliationQueueUrl),
        dlqUrl: requiredEnv(ENV.reconciliationDlqUrl),
      },
    },
    inbox: new InboxRepository(client, requiredEnv(ENV.inboxTable), s3Client(), requiredEnv(ENV.evidenceBucket)),
    webhookQueue: new WebhookQueue(sqsClient(), webhookQueueUrl),
    audit: new AuditTrail(client, requiredEnv(ENV.auditTable)),
    nowMs: () => Date.now(),
  };
  return deps;
}

// Through httpHandler: the one catch every HTTP entry shares (DomainErrors included).
export const handler = httpHandler(async (event) => redriveApi(dependencies(), event));
