import { ulid } from 'ulidx';
import { dynamoDocumentClient, requiredEnv, s3Client, sqsClient } from '../adapters/aws-clients';
import { AuditSearch } from '../adapters/audit-search';
import { AuditTrail } from '../adapters/audit-trail';
import { ExceptionsRepository } from '../adapters/exceptions-repository';
import { payoutExceptionOwnerUpdater } from '../adapters/payout-exception-owner';
import { ExportStore } from '../adapters/reconciliation/export-store';
import { HeldPayoutsSource } from '../adapters/reconciliation/held-payouts-source';
import { AthenaClient } from '@aws-sdk/client-athena';
import { AthenaDayEngine } from '../adapters/reconciliation/athena-day';
import { AthenaQueryRunner } from '../adapters/reconciliation/athena-runner';
import { ReconciliationPayoutsSource, type ReconReadMode } from '../adapters/reconciliation/payouts-source';
import { reconciliationRequestSender } from '../adapters/reconciliation/requests-queue';
import { providerReportSources } from '../adapters/reconciliation/provider-report-sources';
import type { RunDependencies } from '../app/reconciliation/run';
import { RunsRepository } from '../adapters/reconciliation/runs-repository';
import { ENV, SUBMITTING_PROVIDERS, type ProviderName } from '../shared/names';
import type { ReconciliationsApiDependencies } from '../app/reconciliation/reconciliations-api';

/**
 * Composition root shared by two entries (`reconcile`, `reconciliations-api`): builds the clients and
 * adapters from the environment. Only entries import functions/wiring/; use cases get what it builds.
 */
export function reconciliationDependencies(): RunDependencies {
  const client = dynamoDocumentClient();
  const payoutsTable = requiredEnv(ENV.payoutsTable);
  const ledgerTable = requiredEnv(ENV.ledgerTable);
  const operationsTable = requiredEnv(ENV.operationsTable);
  const providerUrl = requiredEnv(ENV.sandboxProviderUrl);
  const auditTable = requiredEnv(ENV.auditTable);
  const evidenceBucket = requiredEnv(ENV.evidenceBucket);
  const credentialsFile = process.env[ENV.providerCredentialsFile];
  return {
    // Every provider the registry submits through, each against its own report (app/reconciliation/run.ts).
    reports: providerReportSources({
      providers: SUBMITTING_PROVIDERS,
      sandboxUrl: providerUrl,
      ...(credentialsFile === undefined || credentialsFile === '' ? {} : { credentialsFile }),
      s3: s3Client(),
      evidenceBucket,
    }),
    payouts: new ReconciliationPayoutsSource({ client, payoutsTable, ledgerTable, readMode: reconReadMode() }),
    exceptions: new ExceptionsRepository(client, operationsTable, {
      audit: new AuditTrail(client, auditTable),
      onPayoutOwnerChange: payoutExceptionOwnerUpdater(client, payoutsTable),
    }),
    audit: new AuditSearch(client, auditTable),
    auditTable,
    heldPayouts: new HeldPayoutsSource({ client, payoutsTable }),
    store: new ExportStore({
      client: s3Client(),
      evidenceBucket,
      exportsBucket: requiredEnv(ENV.exportsBucket),
    }),
    runs: new RunsRepository({ client, operationsTable }),
    payoutsTable,
    ledgerTable,
    now: () => new Date(),
    timeZone: requiredEnv(ENV.reconcileTimezone),
    newRunId: () => `run_${ulid()}`,
    ...athenaEngine(),
  };
}

/**
 * The athena engine when the stage set it up (lib/athena-reconciliation-construct.ts gives reconcile
 * its three variables); none of them, the Lambda engine alone. Some but not all is a broken deploy.
 */
export function athenaEngine(env: NodeJS.ProcessEnv = process.env): { athena?: AthenaDayEngine } {
  const names = [ENV.reconLakeBucket, ENV.reconGlueDatabase, ENV.reconAthenaWorkgroup] as const;
  const [lakeBucket, database, workgroup] = names.map((name) => env[name] ?? '');
  const set = [lakeBucket, database, workgroup].filter((value) => value !== '').length;
  if (set === 0) return {};
  if (set !== names.length) throw new Error(`the athena engine needs all of ${names.join(', ')}`);
  const runner = new AthenaQueryRunner(new AthenaClient({ maxAttempts: 3 }), {
    workgroup: workgroup!,
    database: database!,
  });
  return { athena: new AthenaDayEngine(s3Client(), runner, { lakeBucket: lakeBucket!, database: database! }) };
}

/**
 * Wiring of `reconciliations-api`: it queues runs, reads their records and presigns exports; it
 * never runs one, so it needs neither the payouts, the ledger nor the provider.
 */
export function reconciliationsApiDependencies(): ReconciliationsApiDependencies {
  return {
    runs: new RunsRepository({ client: dynamoDocumentClient(), operationsTable: requiredEnv(ENV.operationsTable) }),
    store: new ExportStore({
      client: s3Client(),
      evidenceBucket: requiredEnv(ENV.evidenceBucket),
      exportsBucket: requiredEnv(ENV.exportsBucket),
    }),
    requestRun: reconciliationRequestSender(sqsClient(), requiredEnv(ENV.reconciliationQueueUrl)),
    now: () => new Date(),
    // The same zone as `reconcile` (both set from one prop in lib/reconciliation-construct.ts).
    timeZone: requiredEnv(ENV.reconcileTimezone),
    newRunId: () => `run_${ulid()}`,
  };
}

/** The day index unless the stage says `scan` (docs/finance.md, "Reading one day"); anything else is refused. */
export function reconReadMode(env: NodeJS.ProcessEnv = process.env): ReconReadMode {
  const mode = env[ENV.reconcileReadMode];
  if (mode === undefined || mode === '' || mode === 'day_index') return 'day_index';
  if (mode === 'scan') return 'scan';
  throw new Error(`${ENV.reconcileReadMode} must be day_index or scan, got ${JSON.stringify(mode)}`);
}
