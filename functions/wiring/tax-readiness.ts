import { dynamoDocumentClient, requiredEnv, s3Client } from '../adapters/aws-clients';
import { paidPayoutsOf } from '../adapters/compliance/paid-payouts';
import { TaxReadinessStore } from '../adapters/compliance/tax-readiness-store';
import { taxThresholds } from '../adapters/compliance/tax-thresholds-config';
import { corridorMatrix } from '../adapters/corridors-config';
import { recipientsByIds } from '../adapters/recipients/recipient-batch-reads';
import { TenantDirectory } from '../adapters/tenant-directory';
import type { TaxReadinessApiDependencies } from '../app/compliance/tax-readiness-api';
import { ENV } from '../shared/names';

/**
 * Composition root of `tax-readiness-export`: PAYOUTS_TABLE's gsi2 (read only), RecipientsTable's
 * records (read only, no data key: nothing sealed is opened), the tenant directory in
 * OPERATIONS_TABLE, and EXPORTS_BUCKET for the CSV.
 */
export function taxReadinessApiDependencies(): TaxReadinessApiDependencies {
  const client = dynamoDocumentClient();
  const payoutsTable = requiredEnv(ENV.payoutsTable);
  const recipientsTable = requiredEnv(ENV.recipientsTable);
  const directory = new TenantDirectory(client, requiredEnv(ENV.operationsTable));
  const store = new TaxReadinessStore({ client: s3Client(), exportsBucket: requiredEnv(ENV.exportsBucket) });
  return {
    tenantIds: async () => [...new Set((await directory.list()).map((record) => record.tenantId))],
    paidPayoutsOf: (tenantId, taxYear) => paidPayoutsOf(client, payoutsTable, tenantId, taxYear),
    recipientsOf: (tenantId, recipientIds) => recipientsByIds(client, recipientsTable, tenantId, recipientIds),
    corridors: corridorMatrix(),
    thresholds: taxThresholds(),
    putCsv: (key, csv) => store.put(key, csv),
    presign: (key, expiresInSeconds) => store.presign(key, expiresInSeconds),
    now: () => new Date(),
  };
}
