import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { dynamoClient, dynamoDocumentClient, requiredEnv, sqsClient } from '../adapters/aws-clients';
import { approvalPolicies } from '../adapters/approval-policy-config';
import { corridorMatrix } from '../adapters/corridors-config';
import { complianceGatesFromEnv } from '../wiring/payout-gates';
import { PayoutsRepository } from '../adapters/payouts-repository';
import { submissionEnqueuer } from '../adapters/submission-queue';
import { parseCreatePayoutRequest } from '../http/create-payout-request';
import { idempotentCreate } from '../app/payouts/create-payout';
import { httpHandler } from '../http/http-handler';
import { newPayoutId } from '../shared/ids';
import { positiveIntegerEnv } from '../shared/env';
import {
  ENV,
  IDEMPOTENCY_EXPIRES_AFTER_SECONDS_DEFAULT,
  IDEMPOTENCY_KEY_PREFIX,
  PAYOUT_AMOUNT_MAX_MINOR_DEFAULT,
} from '../shared/names';
import { callerOf } from '../http/claims';
import { storedAnswerResult } from '../http/idempotency-key';

// POST /payouts — parse → idempotent section (the recipient record and its gates, Powertools + one
// transaction + enqueue) → answer. Validation happens before the idempotent section, so a 4xx is never
// stored and writes nothing. DynamoDB calls per create: Powertools' put and update, the transaction, and
// the recipient's GetItem (4); a first-paid inline recipient adds its PutItem, written with its clear
// screening (5: screened in memory first, app/payouts/payout-recipient.ts#createdItem); a screening hit
// adds its case transaction and the holds' signal. test/integration/payouts/create-calls.test.ts holds it.

// The stack always sets it; the fallback is the same default, so an unset variable never widens the limit.
const amountMaxMinor = positiveIntegerEnv(ENV.payoutAmountMaxMinor, PAYOUT_AMOUNT_MAX_MINOR_DEFAULT);
const repository = new PayoutsRepository({
  client: dynamoDocumentClient(),
  payoutsTable: requiredEnv(ENV.payoutsTable),
  ledgerTable: requiredEnv(ENV.ledgerTable),
  auditTable: requiredEnv(ENV.auditTable),
});
const create = idempotentCreate({
  repository,
  enqueue: submissionEnqueuer(sqsClient(), requiredEnv(ENV.submissionQueueUrl)),
  persistenceStore: new DynamoDBPersistenceLayer({
    tableName: requiredEnv(ENV.idempotencyTable),
    awsSdkV3Client: dynamoClient(),
  }),
  // Explicit, so the twin and AWS compute the same record ids (the default is the function name; DESIGN §7).
  keyPrefix: IDEMPOTENCY_KEY_PREFIX,
  expiresAfterSeconds: positiveIntegerEnv(
    ENV.idempotencyExpiresAfterSeconds,
    IDEMPOTENCY_EXPIRES_AFTER_SECONDS_DEFAULT,
  ),
  now: () => new Date(),
  newPayoutId,
  approvalPolicies: approvalPolicies(),
  // The recipient record behind the payout, screened before its first write, and its holds (issue 15).
  gates: complianceGatesFromEnv(),
});

export const handler = httpHandler(
  async (event, requestId, context) => {
    const caller = callerOf(event);
    const request = parseCreatePayoutRequest(event, { amountMaxMinor, corridors: corridorMatrix() });
    const stored = await create(
      {
        // Tenant + key: a tenant never collides with, sees or replays another tenant's key.
        idempotencyScope: `${caller.tenantId}#${request.idempotencyKey}`,
        body: { ...request.body, destination: request.destination },
        request,
        caller,
        requestId,
      },
      context,
    );
    // The stored text, byte for byte: a replay answers exactly what the first request was sent.
    return storedAnswerResult({ ...stored, headers: {} }, requestId);
  },
  { writes: 'idempotent_create' },
);
