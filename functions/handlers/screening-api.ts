import { dynamoDocumentClient, requiredEnv } from '../adapters/aws-clients';
import { AuditTrail } from '../adapters/audit-trail';
import { screeningApi, type ScreeningApiDeps } from '../app/compliance/screening-api';
import { httpHandler } from '../http/http-handler';
import { ENV } from '../shared/names';
import { screeningDepsFromEnv } from '../wiring/screening';

// Entry for compliance's screening queue and decisions (docs/screening.md); wiring only.

let deps: ScreeningApiDeps | undefined;

function dependencies(): ScreeningApiDeps {
  deps ??= {
    ...screeningDepsFromEnv(),
    audit: new AuditTrail(dynamoDocumentClient(), requiredEnv(ENV.auditTable)),
  };
  return deps;
}

// Through httpHandler: the one catch every HTTP entry shares (DomainErrors included).
export const handler = httpHandler(async (event, requestId) => screeningApi(dependencies(), event, requestId));
