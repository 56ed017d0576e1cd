import { Logger } from '@aws-lambda-powertools/logger';
import { AuditSearch } from '../adapters/audit-search';
import { AuditTrail } from '../adapters/audit-trail';
import { dynamoDocumentClient, requiredEnv, s3Client } from '../adapters/aws-clients';
import { ExportStore } from '../adapters/reconciliation/export-store';
import { verifyAuditDay, type AuditVerifyReport, type VerifyDayDeps } from '../app/audit/verify-day';
import { ENV } from '../shared/names';

// Entry for `audit-verify`, invoked directly (`npm run audit -- verify --date D`, or
// `aws lambda invoke` in a stage) with `{ "date": "YYYY-MM-DD" }`; wiring only. It answers the
// report, broken or not — the caller reads it and decides (the CLI exits 1 on a break) — and logs a
// break at ERROR level with the first broken record. A bad date fails the invocation.

const logger = new Logger();
let deps: VerifyDayDeps | undefined;

function dependencies(): VerifyDayDeps {
  if (deps !== undefined) return deps;
  const client = dynamoDocumentClient();
  const auditTable = requiredEnv(ENV.auditTable);
  deps = {
    search: new AuditSearch(client, auditTable),
    trail: new AuditTrail(client, auditTable),
    // ExportStore names both buckets; this function only reads the day's export.
    exports: new ExportStore({
      client: s3Client(),
      evidenceBucket: requiredEnv(ENV.evidenceBucket),
      exportsBucket: requiredEnv(ENV.exportsBucket),
    }),
    now: () => new Date(),
  };
  return deps;
}

export async function handler(event: { date?: unknown } | undefined): Promise<AuditVerifyReport> {
  const report = await verifyAuditDay(dependencies(), event?.date);
  if (report.ok) logger.info('audit chain verified', { date: report.date, checked: report.checked });
  else
    logger.error('audit chain broken', {
      date: report.date,
      firstBreak: report.first_break,
      breaks: report.breaks_total,
    });
  return report;
}
