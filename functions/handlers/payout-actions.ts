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
import { holdsApi, type HoldsApiDeps } from '../app/compliance/holds-api';
import { tenantEnablements } from '../adapters/tenant-enablements-config';
import { enabledCorridorsOf } from '../domain/compliance/tenant-enablements';
import { recipientComplianceSource } from '../adapters/recipients/compliance-source';
import { corridorMatrix } from '../adapters/corridors-config';
import { recipientsRepository } from '../wiring/recipients';
import { HOLD_ROUTES, holdRouteKeyOf, type HoldRoute } from '../shared/hold-routes';
import { httpHandler } from '../http/http-handler';
import { positiveIntegerEnv } from '../shared/env';
import { REVERSAL_ID_PREFIX } from '../shared/ids';
import { ACTION_IDEMPOTENCY_KEY_PREFIX, ENV, IDEMPOTENCY_EXPIRES_AFTER_SECONDS_DEFAULT } from '../shared/names';

// POST /payouts/{payoutId}/approve|reject|cancel, /reversals, /reversals/{reversalId}/approve|reject:
// the tenant's actions on a payout (app/actions/payout-actions-api.ts), and the holds routes
// (GET /ops/holds, POST …/holds/{holdId}/release; app/compliance/holds-api.ts); wiring only.

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

// The holds routes (shared/hold-routes.ts): the queue read and the releases, beside the actions.
const HOLD_ROUTE_BY_KEY = new Map<string, HoldRoute>(HOLD_ROUTES.map((route) => [holdRouteKeyOf(route), route]));
let holdDeps: HoldsApiDeps | undefined;

function holdDependencies(): HoldsApiDeps {
  if (holdDeps !== undefined) return holdDeps;
  const payouts = dependencies().payouts as PayoutsRepository;
  holdDeps = {
    store: payouts,
    queue: payouts,
    audit: payouts.audit,
    enqueue: dependencies().enqueueSubmission,
    // A tax form or onboarding hold is released only when the recipient's record, read again now
    // (consistent GetItem; no secret is opened), no longer asks for it.
    recipients: recipientComplianceSource(recipientsRepository(), corridorMatrix(), () =>
      new Date().toISOString().slice(0, 10),
    ),
    enabledCorridors: (tenantId) => enabledCorridorsOf(tenantEnablements(), tenantId),
    nowIso: () => new Date().toISOString(),
  };
  return holdDeps;
}

export const handler = httpHandler(
  async (event, requestId, context) => {
    const holdRoute = HOLD_ROUTE_BY_KEY.get(event.routeKey);
    if (holdRoute !== undefined) return holdsApi(holdDependencies(), holdRoute, event, requestId);
    return payoutActionsApi(dependencies(), event, requestId, context);
  },
  { writes: 'idempotent_action' },
);
