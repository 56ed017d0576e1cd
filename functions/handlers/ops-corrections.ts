import { ulid } from 'ulidx';
import { dynamoDocumentClient, requiredEnv } from '../adapters/aws-clients';
import { CorrectionsRepository } from '../adapters/corrections-repository';
import { PayoutsRepository } from '../adapters/payouts-repository';
import { executeCorrectionAction, type ExecuteCorrectionAction } from '../app/corrections/actions';
import { correctionsApi, type CorrectionsApiDeps } from '../app/corrections/corrections-api';
import { httpHandler } from '../http/http-handler';
import { CORRECTION_ID_PREFIX } from '../shared/ids';
import { ENV } from '../shared/names';

// Entry for the corrections API (docs/ops-api.md); wiring only.

/**
 * ⚑ THE IDEMPOTENCY SEAM — the one place the Idempotency-Key semantics of create (replay the stored
 * answer with Idempotent-Replayed: true; the same key with another payload → 422
 * idempotency_key_reused naming the fields; a concurrent duplicate → 409 + Retry-After) are added.
 * functions/app/actions/idempotent-action.ts (built on another branch) wraps `execute` here, keyed on
 * `input.idempotencyScope` and comparing `input.payload`; it may set `replayed: true` on the result,
 * which correctionsApi turns into the header. Until then the key is required and validated
 * (corrections-api.ts) and every action runs; `execute` returns every answer as a value, so it can
 * be stored as is.
 */
function withIdempotency(execute: ExecuteCorrectionAction): ExecuteCorrectionAction {
  return execute;
}

let deps: CorrectionsApiDeps | undefined;

function dependencies(): CorrectionsApiDeps {
  if (deps !== undefined) return deps;
  const client = dynamoDocumentClient();
  const payouts = new PayoutsRepository({
    client,
    payoutsTable: requiredEnv(ENV.payoutsTable),
    ledgerTable: requiredEnv(ENV.ledgerTable),
    auditTable: requiredEnv(ENV.auditTable),
  });
  const useCases = {
    corrections: new CorrectionsRepository(client, requiredEnv(ENV.operationsTable), payouts),
    payouts,
    nowMs: () => Date.now(),
    newCorrectionId: () => `${CORRECTION_ID_PREFIX}${ulid()}`,
  };
  deps = { ...useCases, runAction: withIdempotency((input) => executeCorrectionAction(useCases, input)) };
  return deps;
}

// Through httpHandler: the one catch every HTTP entry shares (DomainErrors included).
export const handler = httpHandler(async (event) => correctionsApi(dependencies(), event));
