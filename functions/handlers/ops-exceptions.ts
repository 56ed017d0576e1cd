import { dynamoDocumentClient, requiredEnv } from '../adapters/aws-clients';
import { AuditTrail } from '../adapters/audit-trail';
import { ExceptionsRepository } from '../adapters/exceptions-repository';
import { payoutExceptionOwnerUpdater } from '../adapters/payout-exception-owner';
import { httpHandler } from '../http/http-handler';
import { ENV } from '../shared/names';
import { exceptionsApi, type ExceptionsApiDeps } from '../app/ops/exceptions-api';

// Entry for the exceptions API (docs/ops-api.md); wiring only.

let deps: ExceptionsApiDeps | undefined;

function dependencies(): ExceptionsApiDeps {
  if (deps !== undefined) return deps;
  const client = dynamoDocumentClient();
  deps = {
    exceptions: new ExceptionsRepository(client, requiredEnv(ENV.operationsTable), {
      audit: new AuditTrail(client, requiredEnv(ENV.auditTable)),
      onPayoutOwnerChange: payoutExceptionOwnerUpdater(client, requiredEnv(ENV.payoutsTable)),
    }),
    nowMs: () => Date.now(),
  };
  return deps;
}

// Through httpHandler: the one catch every HTTP entry shares (DomainErrors included).
export const handler = httpHandler(async (event) => exceptionsApi(dependencies(), event));
