import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { dynamoDocumentClient, requiredEnv, s3Client, sqsClient } from '../adapters/aws-clients';
import { DeadLetterQueue } from '../adapters/dlq';
import { InboxRepository } from '../adapters/inbox-repository';
import { OpsAudit } from '../adapters/ops-audit';
import { WebhookQueue } from '../adapters/webhook-queue';
import { ENV } from '../shared/names';
import { ApiError } from './http/api-error';
import { errorResponse, internalErrorResponse, requestIdOf, type HttpResult } from './http/response';
import { redriveApi, type RedriveApiDeps } from './ops/redrive-api';

// Entry for the DLQ, redrive and replay API (docs/ops-api.md); wiring only.

const logger = new Logger();
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
      reconciliation: { queueUrl: requiredEnv(ENV.reconciliationQueueUrl), dlqUrl: requiredEnv(ENV.reconciliationDlqUrl) },
    },
    inbox: new InboxRepository(client, requiredEnv(ENV.inboxTable), s3Client(), requiredEnv(ENV.evidenceBucket)),
    webhookQueue: new WebhookQueue(sqsClient(), webhookQueueUrl),
    audit: new OpsAudit(client, requiredEnv(ENV.operationsTable)),
    nowMs: () => Date.now(),
  };
  return deps;
}

export const handler = async (event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<HttpResult> => {
  const requestId = requestIdOf(event);
  try {
    return await redriveApi(dependencies(), event);
  } catch (error) {
    if (error instanceof ApiError) return errorResponse(error, requestId);
    logger.error('ops-redrive failed', { requestId, error: error as Error });
    return internalErrorResponse(requestId);
  }
};
