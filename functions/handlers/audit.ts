import { AuditSearch } from '../adapters/audit-search';
import { AuditTrail } from '../adapters/audit-trail';
import { dynamoDocumentClient, requiredEnv } from '../adapters/aws-clients';
import { auditApi, type AuditApiDeps } from '../app/audit/audit-api';
import { httpHandler } from '../http/http-handler';
import { ENV } from '../shared/names';

// Entry for GET /audit (docs/audit.md); wiring only. Its own function: the only API role that may
// read AUDIT_TABLE, and it writes nothing but the record of each search.

let deps: AuditApiDeps | undefined;

function dependencies(): AuditApiDeps {
  if (deps !== undefined) return deps;
  const client = dynamoDocumentClient();
  const auditTable = requiredEnv(ENV.auditTable);
  deps = {
    search: new AuditSearch(client, auditTable),
    trail: new AuditTrail(client, auditTable),
    nowMs: () => Date.now(),
  };
  return deps;
}

// Through httpHandler: the one catch every HTTP entry shares (DomainErrors included).
export const handler = httpHandler(async (event) => auditApi(dependencies(), event));
