import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import corridorMatrix from '../config/corridors.json';
import { ENV, STACK_OUTPUTS } from '../functions/shared/names';
import { ApiConstruct } from './api-construct';
import { AuditConstruct } from './audit-construct';
import { BatchUploadsConstruct } from './batch-uploads-construct';
import { BatchesConstruct } from './batches-construct';
import type { PlatformConfig } from './config';
import { DataConstruct } from './data-construct';
import { FunctionFactory } from './function-factory';
import { acknowledgeStackFindings } from './nag-acknowledgements';
import { ObservabilityConstruct } from './observability-construct';
import { OpsConstruct } from './ops-construct';
import { PayoutsConstruct } from './payouts-construct';
import { ProviderCredentialsConstruct } from './provider-credentials';
import { createDeadLetterQueue } from './queue-with-dlq';
import { ReconciliationConstruct } from './reconciliation-construct';
import { ScreeningConstruct } from './screening-construct';
import { RecipientsConstruct } from './recipients-construct';
import { WebhooksConstruct } from './webhooks-construct';

export interface PayoutPlatformStackProps extends StackProps {
  readonly config: PlatformConfig;
}

/** The whole platform for one stage. Environment-agnostic: no account or region in the code. */
export class PayoutPlatformStack extends Stack {
  constructor(scope: Construct, id: string, props: PayoutPlatformStackProps) {
    super(scope, id, props);
    const { config } = props;
    const functions = new FunctionFactory({
      stage: config.stage,
      logRetentionDays: config.logRetentionDays,
    });

    const data = new DataConstruct(this, 'Data');

    // Cognito invokes this synchronously while issuing a token; it only reads tenant mappings.
    const preToken = functions.create(this, 'CognitoPreToken', 'cognito-pre-token', {
      invocation: 'cognito',
      description: 'Cognito pre-token-generation V3: adds the tenant claim from the app client mapping',
      environment: { [ENV.operationsTable]: data.operationsTable.tableName },
    });
    data.operationsTable.grantReadData(preToken.function);

    const api = new ApiConstruct(this, 'Api', {
      stage: config.stage,
      throttleRatePerSecond: config.throttleRatePerSecond,
      throttleBurstRequests: config.throttleBurstRequests,
      logRetentionDays: config.logRetentionDays,
      preTokenFunction: preToken.function,
    });

    // Failed scheduled invocations (scheduler delivery or Lambda async retries) land here.
    const scheduleDlq = createDeadLetterQueue(this, 'ScheduleDlq');

    const payouts = new PayoutsConstruct(this, 'Payouts', {
      data,
      api,
      functions,
      sandboxProviderUrl: config.sandboxProviderUrl,
      payoutAmountMaxMinor: config.payoutAmountMaxMinor,
    });
    const webhooks = new WebhooksConstruct(this, 'Webhooks', { data, api, functions });
    const reconciliation = new ReconciliationConstruct(this, 'Reconciliation', {
      data,
      api,
      functions,
      reconcileTimezone: config.reconcileTimezone,
      sandboxProviderUrl: config.sandboxProviderUrl,
      scheduleDeadLetterQueue: scheduleDlq,
      engine: config.reconciliationEngine,
    });
    const ops = new OpsConstruct(this, 'Ops', {
      data,
      api,
      functions,
      submission: payouts.submission,
      webhooks: webhooks.webhooks,
      reconciliation: reconciliation.requests,
      sandboxProviderUrl: config.sandboxProviderUrl,
      scheduleDeadLetterQueue: scheduleDlq,
    });
    // The corridors choose the provider; each provider they name needs an adapter and, if it has any, its secret.
    const credentials = new ProviderCredentialsConstruct(this, 'ProviderCredentials', {
      corridors: corridorMatrix.corridors,
    });
    credentials.grantTo([payouts.submitPayout, payouts.payoutActions, ops.sweep]);
    new AuditConstruct(this, 'Audit', { data, api, functions });
    const recipients = new RecipientsConstruct(this, 'Recipients', { data, api, functions });
    const uploads = new BatchUploadsConstruct(this, 'BatchUploads', { data, api, functions });
    const batches = new BatchesConstruct(this, 'Batches', {
      data,
      api,
      functions,
      submission: payouts.submission,
      payoutAmountMaxMinor: config.payoutAmountMaxMinor,
    });
    // POST /batches { upload_id } reads the uploaded file and its record (s3:GetObject, GetItem).
    uploads.grantReadUploads(batches.batchesApi, data);
    // The accept stores the validated items as one object; process-batch materialises them a chunk at a time.
    uploads.grantBatchItemObjects(batches.batchesApi, batches.processBatch);
    // BatchDlq in ops: the sweeper opens its exceptions, ops-redrive lists and redrives it.
    ops.watchBatchQueue(batches.fanOut);
    const screening = new ScreeningConstruct(this, 'Screening', {
      data,
      api,
      functions,
      submissionQueue: payouts.submission.queue,
      scheduleDeadLetterQueue: scheduleDlq,
    });
    // create-payout screens the record behind a first-paid inline recipient (issue 15).
    screening.grantTo(payouts.createPayout);
    // recipients-api screens each recipient it creates (issue 15: on creation).
    screening.grantTo(recipients.recipientsApi);
    // process-batch makes and screens the record behind each batch item's recipient, as create-payout does.
    screening.grantTo(batches.processBatch);
    new ObservabilityConstruct(this, 'Observability', {
      stage: config.stage,
      deadLetterQueues: {
        SubmissionDlq: payouts.submission.deadLetterQueue,
        WebhookDlq: webhooks.webhooks.deadLetterQueue,
        ReconciliationDlq: reconciliation.requests.deadLetterQueue,
        ScheduleDlq: scheduleDlq,
        BatchDlq: batches.fanOut.deadLetterQueue,
      },
      webhookQueue: webhooks.webhooks.queue,
      processWebhook: webhooks.processWebhook.function,
      reconcile: reconciliation.reconcile.function,
    });

    acknowledgeStackFindings(this, {
      indexedTables: [
        data.payoutsTable,
        data.ledgerTable,
        data.inboxTable,
        data.operationsTable,
        data.auditTable,
        data.recipientsTable,
      ],
      objectBuckets: [
        data.evidenceBucket,
        data.exportsBucket,
        ...(reconciliation.athena === undefined ? [] : [reconciliation.athena.lakeBucket]),
      ],
      scheduledFunctions: [ops.sweep.function, reconciliation.reconcile.function, screening.rescreen.function],
    });

    new CfnOutput(this, 'ApiUrl', { value: api.url });
    // What `npm run tenants -- … --aws` needs to provision a tenant (STACK_OUTPUTS names them).
    new CfnOutput(this, STACK_OUTPUTS.userPoolId, { value: api.identity.userPool.userPoolId });
    new CfnOutput(this, STACK_OUTPUTS.httpApiId, { value: api.httpApi.apiId });
    new CfnOutput(this, STACK_OUTPUTS.jwtAuthorizerId, { value: api.jwtAuthorizerId });
    new CfnOutput(this, STACK_OUTPUTS.operationsTable, { value: data.operationsTable.tableName });
    new CfnOutput(this, 'OpsConsoleClientId', { value: api.identity.opsConsoleClient.userPoolClientId });
    new CfnOutput(this, 'HostedUiBaseUrl', { value: api.identity.domain.baseUrl() });
  }
}
