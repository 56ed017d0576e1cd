import { ulid } from 'ulidx';
import { dynamoDocumentClient, requiredEnv, s3Client, sqsClient } from '../../adapters/aws-clients';
import { ExceptionsRepository } from '../../adapters/exceptions-repository';
import { payoutExceptionOwnerUpdater } from '../../adapters/payout-exception-owner';
import { ExportStore } from '../../adapters/reconciliation/export-store';
import { ReconciliationPayoutsSource } from '../../adapters/reconciliation/payouts-source';
import { reconciliationRequestSender } from '../../adapters/reconciliation/requests-queue';
import { fetchSandboxReport, type RunDependencies } from '../../adapters/reconciliation/run';
import { RunsRepository } from '../../adapters/reconciliation/runs-repository';
import { ENV } from '../../shared/names';
import type { ReconciliationsApiDependencies } from './api';

/** Wiring shared by the `reconcile` and `reconciliations-api` entries and `npm run reconcile`. */
export const RECONCILED_PROVIDER = 'sandbox';

export function reconciliationDependencies(): RunDependencies {
  const client = dynamoDocumentClient();
  const payoutsTable = requiredEnv(ENV.payoutsTable);
  const ledgerTable = requiredEnv(ENV.ledgerTable);
  const operationsTable = requiredEnv(ENV.operationsTable);
  const providerUrl = requiredEnv(ENV.sandboxProviderUrl);
  return {
    provider: RECONCILED_PROVIDER,
    fetchReport: (date) => fetchSandboxReport(providerUrl, date),
    payouts: new ReconciliationPayoutsSource({ client, payoutsTable, ledgerTable }),
    exceptions: new ExceptionsRepository(client, operationsTable, { onPayoutOwnerChange: payoutExceptionOwnerUpdater(client, payoutsTable) }),
    store: new ExportStore({ client: s3Client(), evidenceBucket: requiredEnv(ENV.evidenceBucket), exportsBucket: requiredEnv(ENV.exportsBucket) }),
    runs: new RunsRepository({ client, operationsTable }),
    payoutsTable,
    ledgerTable,
    now: () => new Date(),
    newRunId: () => `run_${ulid()}`,
  };
}

/**
 * Wiring of `reconciliations-api`: it queues runs, reads their records and presigns exports; it
 * never runs one, so it needs neither the payouts, the ledger nor the provider.
 */
export function reconciliationsApiDependencies(): ReconciliationsApiDependencies {
  return {
    runs: new RunsRepository({ client: dynamoDocumentClient(), operationsTable: requiredEnv(ENV.operationsTable) }),
    store: new ExportStore({ client: s3Client(), evidenceBucket: requiredEnv(ENV.evidenceBucket), exportsBucket: requiredEnv(ENV.exportsBucket) }),
    requestRun: reconciliationRequestSender(sqsClient(), requiredEnv(ENV.reconciliationQueueUrl)),
    now: () => new Date(),
    newRunId: () => `run_${ulid()}`,
  };
}

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export function isRunDate(value: unknown): value is string {
  return typeof value === 'string' && DATE_PATTERN.test(value) && new Date(`${value}T00:00:00.000Z`).toISOString().startsWith(value);
}

/** The day that just closed in `timeZone`: the nightly run at 02:30 local reconciles yesterday. */
export function previousDay(now: Date, timeZone: string): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  const previous = new Date(Date.parse(`${today}T00:00:00.000Z`) - 86_400_000);
  return previous.toISOString().slice(0, 10);
}
