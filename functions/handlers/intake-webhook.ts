import { rootCertificates } from 'node:tls';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { dynamoDocumentClient, requiredEnv, s3Client, sqsClient } from '../adapters/aws-clients';
import { InboxRepository } from '../adapters/inbox-repository';
import {
  fileCertificates,
  PaypalCertificateSource,
  type DeliveryCertificates,
} from '../adapters/providers/paypal-certs';
import { fileSecrets, secretsManagerSecrets, type WebhookSecretsSource } from '../adapters/webhook-secrets';
import { WebhookQueue } from '../adapters/webhook-queue';
import { ENV, METRICS } from '../shared/names';
import { internalErrorResponse, requestIdOf, type HttpResult } from '../http/response';
import { intakeWebhook, type IntakeDeps } from '../app/webhooks/intake';

// Entry for POST /webhooks/{provider}: wiring only; the protocol is in app/webhooks/intake.ts.

const logger = new Logger();
const metrics = new Metrics();

function secretsSource(): WebhookSecretsSource {
  const file = process.env[ENV.webhookSecretsFile];
  if (file !== undefined && file !== '') return fileSecrets(file);
  return secretsManagerSecrets(new SecretsManagerClient({ maxAttempts: 3 }), requiredEnv(ENV.webhookSecretsArn));
}

/** PayPal's chain from its own origins, rooted in Node's bundled roots; the twin's from a file. */
function paypalCertificates(): DeliveryCertificates {
  const file = process.env[ENV.paypalWebhookCertsFile];
  if (file !== undefined && file !== '') return fileCertificates(file);
  return new PaypalCertificateSource({ fetch, nowMs: () => Date.now(), trustedRootsPem: rootCertificates });
}

let deps: IntakeDeps | undefined;
function dependencies(): IntakeDeps {
  deps ??= {
    secrets: secretsSource(),
    inbox: new InboxRepository(
      dynamoDocumentClient(),
      requiredEnv(ENV.inboxTable),
      s3Client(),
      requiredEnv(ENV.evidenceBucket),
    ),
    queue: new WebhookQueue(sqsClient(), requiredEnv(ENV.webhookQueueUrl)),
    countRejection: (reason, provider) => {
      const single = metrics.singleMetric();
      single.addDimension('reason', reason);
      single.addDimension('provider', provider);
      single.addMetric(METRICS.webhookRejected, MetricUnit.Count, 1);
    },
    nowMs: () => Date.now(),
    log: (message, detail) => logger.info(message, detail),
    paypalCertificates: paypalCertificates(),
  };
  return deps;
}

/** HTTP API v2 already lower-cases header names; the twin and direct invokes may not. */
function lowerCaseHeaders(headers: Record<string, string | undefined> | undefined): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
}

export const handler = async (event: APIGatewayProxyEventV2): Promise<HttpResult> => {
  const requestId = requestIdOf(event);
  try {
    const rawBody =
      event.body === undefined ? new Uint8Array() : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
    return await intakeWebhook(dependencies(), {
      provider: event.pathParameters?.['provider'],
      headers: lowerCaseHeaders(event.headers),
      rawBody,
      requestId,
    });
  } catch (error) {
    // A 5xx makes the provider retry: correct for anything we could not store. Not httpHandler:
    // this route has no JWT, and its refusals are counted per reason (app/webhooks/intake.ts).
    logger.error('webhook intake failed', { requestId, error: error as Error });
    return internalErrorResponse(requestId, error, 'webhook_delivery');
  }
};
