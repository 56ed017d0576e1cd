import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { QUEUE_MAX_RECEIVE_COUNT } from '../../functions/shared/names';

// Secure defaults for queues: encrypted at rest, TLS only, every work queue backed by a DLQ.

/** Deliveries before a message moves to its DLQ (functions/shared/names.ts: process-webhook reads it too). */
export const MAX_RECEIVE_COUNT = QUEUE_MAX_RECEIVE_COUNT;
/** DLQ retention: the SQS maximum, so ops has two weeks to look before SQS deletes anything. */
export const DLQ_RETENTION_DAYS = 14;
/** Work-queue retention: matches the DLQ so a stalled consumer loses nothing either. */
export const QUEUE_RETENTION_DAYS = 14;
/** AWS guidance: visibility timeout ≥ 6 × the consumer timeout, so retries never overlap a run. */
export const VISIBILITY_TIMEOUT_MULTIPLIER = 6;
/** SQS limit on a queue's visibility timeout: 12 hours. */
export const VISIBILITY_TIMEOUT_SECONDS_MAX = 12 * 60 * 60;

/** Properties shared by work queues and DLQs. */
export function defaultQueueProps(): Pick<sqs.QueueProps, 'encryption' | 'enforceSSL'> {
  return {
    // SSE-SQS: encryption at rest without a KMS key to pay for or lose access to.
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  };
}

export function defaultDlqProps(): sqs.QueueProps {
  return { ...defaultQueueProps(), retentionPeriod: Duration.days(DLQ_RETENTION_DAYS) };
}

export function defaultWorkQueueProps(deadLetterQueue: sqs.IQueue, consumerTimeoutSeconds: number): sqs.QueueProps {
  return {
    ...defaultQueueProps(),
    retentionPeriod: Duration.days(QUEUE_RETENTION_DAYS),
    visibilityTimeout: Duration.seconds(consumerTimeoutSeconds * VISIBILITY_TIMEOUT_MULTIPLIER),
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
  };
}
