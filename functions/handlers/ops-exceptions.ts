import { dynamoDocumentClient, requiredEnv } from '../adapters/aws-clients';
import { AuditTrail } from '../adapters/audit-trail';
import { BatchExceptionGroups } from '../adapters/batch-exception-groups';
import { CorrectionsReader } from '../adapters/corrections-repository';
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
  const operationsTable = requiredEnv(ENV.operationsTable);
  const payoutsTable = requiredEnv(ENV.payoutsTable);
  const exceptions = new ExceptionsRepository(client, operationsTable, {
    audit: new AuditTrail(client, requiredEnv(ENV.auditTable)),
    onPayoutOwnerChange: payoutExceptionOwnerUpdater(client, payoutsTable),
  });
  deps = {
    exceptions,
    corrections: new CorrectionsReader(client, operationsTable),
    groups: new BatchExceptionGroups(client, operationsTable, exceptions),
    nowMs: () => Date.now(),
  };
  return deps;
}

// Through httpHandler: the one catch every HTTP entry shares (DomainErrors included).
export const handler = httpHandler(async (event) => exceptionsApi(dependencies(), event));
