import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { ulid } from 'ulidx';
import { ActionKeyLocks } from '../adapters/action-keys';
import { dynamoClient, dynamoDocumentClient, requiredEnv, sqsClient } from '../adapters/aws-clients';
import { PayoutsRepository } from '../adapters/payouts-repository';
import { providersFromEnv } from '../adapters/providers/registry';
import { secretsManagerLoader } from '../adapters/providers/secrets-manager-loader';
import { submissionEnqueuer } from '../adapters/submission-queue';
import { idempotentAction } from '../app/actions/idempotent-action';
import type { PayoutActionsDeps } from '../app/actions/payout-action-deps';
import { payoutActionsApi } from '../app/actions/payout-actions-api';
import { httpHandler } from '../http/http-handler';
import { positiveIntegerEnv } from '../shared/env';
import { REVERSAL_ID_PREFIX } from '../shared/ids';
import { ACTION_IDEMPOTENCY_KEY_PREFIX, ENV, IDEMPOTENCY_EXPIRES_AFTER_SECONDS_DEFAULT } from '../shared/names';

// POST /payouts/{payoutId}/approve|reject|cancel, /reversals, /reversals/{reversalId}/approve|reject:
// the tenant's actions on a payout (app/actions/payout-actions-api.ts); wiring only.

const logger = new Logger();
let deps: PayoutActionsDeps | undefined;

function dependencies(): PayoutActionsDeps {
  if (deps !== undefined) return deps;
  const client = dynamoDocumentClient();
  const payoutsTable = requiredEnv(ENV.payoutsTable);
  deps = {
    payouts: new PayoutsRepository({
      client,
      payoutsTable,
      ledgerTable: requiredEnv(ENV.ledgerTable),
      auditTable: requiredEnv(ENV.auditTable),
    }),
    action: idempotentAction({
      persistenceStore: new DynamoDBPersistenceLayer({
        tableName: requiredEnv(ENV.idempotencyTable),
        awsSdkV3Client: dynamoClient(),
      }),
      // Explicit, so the twin and AWS compute the same record ids (DESIGN §7).
      keyPrefix: ACTION_IDEMPOTENCY_KEY_PREFIX,
      expiresAfterSeconds: positiveIntegerEnv(
        ENV.idempotencyExpiresAfterSeconds,
        IDEMPOTENCY_EXPIRES_AFTER_SECONDS_DEFAULT,
      ),
      // The locks live beside the payouts they lock: one transaction writes both.
      locks: new ActionKeyLocks(client, payoutsTable),
      newSalt: () => ulid(),
      now: () => new Date(),
    }),
    enqueueSubmission: submissionEnqueuer(sqsClient(), requiredEnv(ENV.submissionQueueUrl)),
    providers: providersFromEnv(process.env, {
      loadSecret: secretsManagerLoader(new SecretsManagerClient({ maxAttempts: 3 })),
    }),
    now: () => new Date(),
    newReversalId: () => `${REVERSAL_ID_PREFIX}${ulid()}`,
    log: (message, detail) => logger.warn(message, detail),
  };
  return deps;
}

export const handler = httpHandler(
  async (event, requestId, context) => payoutActionsApi(dependencies(), event, requestId, context),
  { writes: 'idempotent_action' },
);
