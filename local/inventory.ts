// GET /.twin/inventory: what the running twin actually serves, polls and schedules — the parity
// test compares it (and the emulators' own listings) with the template.
import type { Emulators } from './emulators/emulators.js';
import type { LambdaRuntime } from './aws/lambda-runtime.js';
import type { TwinModel } from './template/model.js';
import type { Scheduler } from './aws/scheduler.js';
import type { SqsPoller } from './aws/sqs-poller.js';

/** The parts of a running twin the inventory reads; a Twin is one (named apart so twin.ts can import this file). */
export interface InventorySource {
  issuer: string;
  operatorClientId: string | undefined;
  clients: { list(): Array<{ clientId: string; clientName: string }>; audience(): string[] };
  model: TwinModel;
  emulators: Emulators;
  runtime: LambdaRuntime;
  scheduler: Scheduler;
  pollers: Map<string, SqsPoller>;
}

export function twinInventory(twin: InventorySource) {
  const shortName = (logicalId: string) => twin.runtime.find(logicalId)?.spec.shortName ?? logicalId;
  return {
    issuer: twin.issuer,
    operatorClientId: twin.operatorClientId,
    // Provisioned tenant clients (never their secrets) and what they added to the authorizer audience.
    tenantClients: twin.clients.list().map((client) => ({ clientId: client.clientId, clientName: client.clientName })),
    addedAudience: twin.clients.audience(),
    routes: twin.model.routes.map((route) => ({
      routeKey: route.routeKey,
      scopes: route.scopes,
      authorized: Boolean(route.authorizerLogicalId),
      function: shortName(route.functionLogicalId),
    })),
    functions: twin.runtime.functions.map((fn) => ({
      shortName: fn.spec.shortName,
      logicalId: fn.spec.logicalId,
      timeoutSeconds: fn.spec.timeoutSeconds,
      workers: twin.runtime.workerCount(fn.spec.logicalId),
    })),
    eventSourceMappings: twin.model.eventSourceMappings.map((mapping) => ({
      logicalId: mapping.logicalId,
      queue: twin.emulators.names.queueUrls[mapping.queueLogicalId],
      function: shortName(mapping.functionLogicalId),
      batchSize: mapping.batchSize,
      maxBatchingWindowSeconds: mapping.maxBatchingWindowSeconds,
      reportBatchItemFailures: mapping.reportBatchItemFailures,
      running: twin.pollers.get(mapping.logicalId)?.running ?? false,
      stats: twin.pollers.get(mapping.logicalId)?.stats,
    })),
    schedules: twin.scheduler.state,
    tables: twin.emulators.names.tables,
    queues: twin.emulators.names.queueUrls,
    buckets: twin.emulators.names.buckets,
    recentInvocations: twin.runtime.invocations.slice(-20),
  };
}
