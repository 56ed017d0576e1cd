import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { AuditSearch } from '../../../functions/adapters/audit-search';
import { AuditTrail } from '../../../functions/adapters/audit-trail';
import { ExceptionsRepository } from '../../../functions/adapters/exceptions-repository';
import { ExportStore } from '../../../functions/adapters/reconciliation/export-store';
import { HeldPayoutsSource } from '../../../functions/adapters/reconciliation/held-payouts-source';
import { ReconciliationPayoutsSource } from '../../../functions/adapters/reconciliation/payouts-source';
import { RunsRepository } from '../../../functions/adapters/reconciliation/runs-repository';
import type { RunDependencies } from '../../../functions/app/reconciliation/run';
import { ENV } from '../../../functions/shared/names';
import type { StartedEmulators } from '../../support/emulators';

/**
 * The nightly run wired as handlers/reconcile.ts wires it, on the emulators: the sandbox's report as
 * the test gives it, the payouts read through the day index, exceptions, audit, exports and run records
 * in the template's tables and buckets. Run ids count up (run_0001, …); the clock is the test's.
 */
export function runDependenciesOn(
  emulators: StartedEmulators,
  options: { fetchReport: RunDependencies['fetchReport']; now: () => Date },
): RunDependencies {
  const env = emulators.env;
  const client = emulators.clients.documentClient;
  let runs = 0;
  return {
    provider: 'sandbox',
    fetchReport: options.fetchReport,
    payouts: new ReconciliationPayoutsSource({
      client,
      payoutsTable: env[ENV.payoutsTable]!,
      ledgerTable: env[ENV.ledgerTable]!,
    }),
    exceptions: new ExceptionsRepository(client, env[ENV.operationsTable]!, {
      audit: new AuditTrail(client, env[ENV.auditTable]!),
    }),
    audit: new AuditSearch(client, env[ENV.auditTable]!),
    auditTable: env[ENV.auditTable]!,
    heldPayouts: new HeldPayoutsSource({ client, payoutsTable: env[ENV.payoutsTable]! }),
    store: new ExportStore({
      client: emulators.clients.s3,
      evidenceBucket: env[ENV.evidenceBucket]!,
      exportsBucket: env[ENV.exportsBucket]!,
    }),
    runs: new RunsRepository({ client, operationsTable: env[ENV.operationsTable]! }),
    payoutsTable: env[ENV.payoutsTable]!,
    ledgerTable: env[ENV.ledgerTable]!,
    now: options.now,
    timeZone: 'UTC',
    newRunId: () => `run_${(runs += 1).toString().padStart(4, '0')}`,
  };
}

/** Every exception record in the operations table (their sort key is `EXC`). */
export async function exceptionItems(emulators: StartedEmulators): Promise<Record<string, any>[]> {
  const out = await emulators.clients.documentClient.send(
    new ScanCommand({
      TableName: emulators.env[ENV.operationsTable]!,
      FilterExpression: 'sk = :sk',
      ExpressionAttributeValues: { ':sk': 'EXC' },
    }),
  );
  return out.Items ?? [];
}
