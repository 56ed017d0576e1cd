import { Construct } from 'constructs';
import { ENV } from '../functions/shared/names';
import type { ApiConstruct } from './api-construct';
import type { DataConstruct } from './data-construct';
import type { FunctionFactory } from './function-factory';
import type { PayoutFunction } from './payout-function';
import { API_ROUTES } from './routes';

// The audit trail's readers (docs/audit.md): GET /audit for compliance, and `audit-verify`, which
// checks a day's hash chains for `npm run audit -- verify`. Every writer is granted its append
// (DataConstruct.grantAuditAppend) where it is built.

export interface AuditConstructProps {
  readonly data: DataConstruct;
  readonly api: ApiConstruct;
  readonly functions: FunctionFactory;
}

export class AuditConstruct extends Construct {
  readonly audit: PayoutFunction;
  readonly auditVerify: PayoutFunction;

  constructor(scope: Construct, id: string, props: AuditConstructProps) {
    super(scope, id);
    const { data, api, functions } = props;

    // Its own function rather than a route of ops-exceptions: the only API role that reads the
    // trail, and it reads nothing else (no payouts, no operations table).
    this.audit = functions.create(this, 'Audit', 'audit', {
      invocation: 'api',
      description: 'GET /audit: searches the audit trail by actor, subject, action and time (compliance)',
      environment: { [ENV.auditTable]: data.auditTable.tableName },
    });
    data.auditTable.grantReadData(this.audit.function);
    // Each search is itself audited.
    data.grantAuditAppend(this.audit.function);

    this.auditVerify = functions.create(this, 'AuditVerify', 'audit-verify', {
      invocation: 'direct',
      description: "Verifies a day's audit hash chains and its export (npm run audit -- verify)",
      environment: {
        [ENV.auditTable]: data.auditTable.tableName,
        // ExportStore names both buckets; only the exports are read.
        [ENV.evidenceBucket]: data.evidenceBucket.bucketName,
        [ENV.exportsBucket]: data.exportsBucket.bucketName,
      },
    });
    data.auditTable.grantReadData(this.auditVerify.function);
    data.exportsBucket.grantRead(this.auditVerify.function);

    api.addFunctionRoutes('audit', this.audit.function, API_ROUTES.audit);
  }
}
