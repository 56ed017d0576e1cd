import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { randomUUID } from 'node:crypto';
import { ulid } from 'ulidx';
import { ActionKeyLocks } from '../adapters/action-keys';
import { dynamoClient, dynamoDocumentClient, requiredEnv } from '../adapters/aws-clients';
import { CorrectionsRepository } from '../adapters/corrections-repository';
import { PayoutsRepository } from '../adapters/payouts-repository';
import { idempotentAction } from '../app/actions/idempotent-action';
import { correctionsApi, type CorrectionsApiDeps } from '../app/corrections/corrections-api';
import { idempotentCorrections } from '../app/corrections/idempotent-corrections';
import { httpHandler } from '../http/http-handler';
import { positiveIntegerEnv } from '../shared/env';
import { CORRECTION_ID_PREFIX } from '../shared/ids';
import { CORRECTIONS_IDEMPOTENCY_KEY_PREFIX, ENV, IDEMPOTENCY_EXPIRES_AFTER_SECONDS_DEFAULT } from '../shared/names';

// Entry for the corrections API (docs/ops-api.md); wiring only. Every POST runs inside the
// idempotency primitive (app/actions/idempotent-action.ts): Powertools records in the idempotency
// table, the action key locks beside the corrections in the operations table.

let deps: CorrectionsApiDeps | undefined;

function dependencies(): CorrectionsApiDeps {
  if (deps !== undefined) return deps;
  const client = dynamoDocumentClient();
  const operationsTable = requiredEnv(ENV.operationsTable);
  const payouts = new PayoutsRepository({
    client,
    payoutsTable: requiredEnv(ENV.payoutsTable),
    ledgerTable: requiredEnv(ENV.ledgerTable),
    auditTable: requiredEnv(ENV.auditTable),
  });
  const useCases = {
    corrections: new CorrectionsRepository(client, operationsTable, payouts),
    payouts,
    nowMs: () => Date.now(),
    newCorrectionId: () => `${CORRECTION_ID_PREFIX}${ulid()}`,
  };
  const action = idempotentAction({
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: requiredEnv(ENV.idempotencyTable),
      awsSdkV3Client: dynamoClient(),
    }),
    // Explicit, so the twin and AWS compute the same record ids (the default is the function name; DESIGN §7).
    keyPrefix: CORRECTIONS_IDEMPOTENCY_KEY_PREFIX,
    expiresAfterSeconds: positiveIntegerEnv(
      ENV.idempotencyExpiresAfterSeconds,
      IDEMPOTENCY_EXPIRES_AFTER_SECONDS_DEFAULT,
    ),
    locks: new ActionKeyLocks(client, operationsTable),
    newSalt: () => randomUUID(),
    now: () => new Date(),
  });
  deps = { ...useCases, runAction: idempotentCorrections(useCases, action) };
  return deps;
}

// Through httpHandler: the one catch every HTTP entry shares (DomainErrors included).
export const handler = httpHandler(async (event, _requestId, context) =>
  correctionsApi(dependencies(), event, context),
);
