import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ENV, WEBHOOK_PROVIDERS } from '../functions/shared/names';
import type { ApiConstruct } from './api-construct';
import type { DataConstruct } from './data-construct';
import type { FunctionFactory } from './function-factory';
import type { PayoutFunction } from './payout-function';
import { MAX_RECEIVE_COUNT } from './defaults/sqs-defaults';
import { QueueWithDlq } from './queue-with-dlq';
import { API_ROUTES } from './routes';

// Durable webhook intake: verify the signature on the raw bytes, persist to the inbox, enqueue,
// answer 2xx fast; the processor applies events once, in lifecycle order, from the queue.

/** Webhook batches: contracts.md, `WebhookQueue` row. */
const WEBHOOK_BATCH_SIZE = 10;
const WEBHOOK_MAX_BATCHING_WINDOW_SECONDS = 1;

/**
 * Shape of the secret before ops writes the providers' signing secrets into it: one list per
 * provider (two entries during a rotation). Secrets Manager insists on generating one key, which
 * handlers ignore.
 */
const WEBHOOK_SECRETS_TEMPLATE = JSON.stringify(
  Object.fromEntries(WEBHOOK_PROVIDERS.map((provider) => [provider, []])),
);
const WEBHOOK_SECRETS_GENERATED_KEY = 'bootstrapNonce';

export interface WebhooksConstructProps {
  readonly data: DataConstruct;
  readonly api: ApiConstruct;
  readonly functions: FunctionFactory;
}

export class WebhooksConstruct extends Construct {
  readonly intakeWebhook: PayoutFunction;
  readonly processWebhook: PayoutFunction;
  readonly webhooks: QueueWithDlq;
  readonly webhookSecrets: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: WebhooksConstructProps) {
    super(scope, id);
    const { data, api, functions } = props;

    this.webhookSecrets = new secretsmanager.Secret(this, 'WebhookSecrets', {
      description: 'Webhook signing secrets per provider: { "sandbox": ["whsec_…"], "stripe": ["whsec_…"] }',
      generateSecretString: {
        secretStringTemplate: WEBHOOK_SECRETS_TEMPLATE,
        generateStringKey: WEBHOOK_SECRETS_GENERATED_KEY,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.webhookSecrets).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The signing secrets are issued by each payment provider, so Secrets Manager cannot rotate them; ops rotates by adding the new secret beside the old one (two entries per provider) and removing the old one after the provider switches.',
    });

    this.processWebhook = functions.create(this, 'ProcessWebhook', 'process-webhook', {
      invocation: 'queue',
      description: 'Applies queued provider events once, never moving a payout backwards',
      environment: {
        [ENV.inboxTable]: data.inboxTable.tableName,
        [ENV.payoutsTable]: data.payoutsTable.tableName,
        [ENV.ledgerTable]: data.ledgerTable.tableName,
        [ENV.operationsTable]: data.operationsTable.tableName,
        [ENV.auditTable]: data.auditTable.tableName,
        [ENV.evidenceBucket]: data.evidenceBucket.bucketName,
        // The processor turns the attempt that will dead-letter into an exception, so it must know
        // which attempt that is: the queue's own maxReceiveCount.
        [ENV.webhookMaxReceiveCount]: String(MAX_RECEIVE_COUNT),
      },
    });
    this.webhooks = new QueueWithDlq(this, 'Webhooks', {
      queueLogicalId: 'WebhookQueue',
      dlqLogicalId: 'WebhookDlq',
      consumer: this.processWebhook.function,
      consumerTimeoutSeconds: this.processWebhook.timeoutSeconds,
      batchSize: WEBHOOK_BATCH_SIZE,
      maxBatchingWindowSeconds: WEBHOOK_MAX_BATCHING_WINDOW_SECONDS,
    });
    data.inboxTable.grantReadWriteData(this.processWebhook.function);
    data.payoutsTable.grantReadWriteData(this.processWebhook.function);
    data.ledgerTable.grantReadWriteData(this.processWebhook.function);
    data.operationsTable.grantReadWriteData(this.processWebhook.function);
    data.grantAuditAppend(this.processWebhook.function);
    data.evidenceBucket.grantRead(this.processWebhook.function);

    this.intakeWebhook = functions.create(this, 'IntakeWebhook', 'intake-webhook', {
      invocation: 'api',
      description: 'POST /webhooks/{provider}: verify signature, persist, enqueue, answer fast',
      environment: {
        [ENV.inboxTable]: data.inboxTable.tableName,
        [ENV.evidenceBucket]: data.evidenceBucket.bucketName,
        [ENV.webhookQueueUrl]: this.webhooks.queue.queueUrl,
        [ENV.webhookSecretsArn]: this.webhookSecrets.secretArn,
      },
    });
    data.inboxTable.grantReadWriteData(this.intakeWebhook.function);
    data.evidenceBucket.grantPut(this.intakeWebhook.function);
    this.webhooks.queue.grantSendMessages(this.intakeWebhook.function);
    this.webhookSecrets.grantRead(this.intakeWebhook.function);

    api.addFunctionRoutes('intake-webhook', this.intakeWebhook.function, API_ROUTES['intake-webhook']);
  }
}
