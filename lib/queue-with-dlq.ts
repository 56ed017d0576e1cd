import { Duration, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { LAMBDA_TIMEOUT_SECONDS_MAX } from './defaults/lambda-defaults';
import {
  VISIBILITY_TIMEOUT_MULTIPLIER,
  VISIBILITY_TIMEOUT_SECONDS_MAX,
  defaultDlqProps,
  defaultWorkQueueProps,
} from './defaults/sqs-defaults';
import { pinLogicalId } from './logical-id';
import { assertNoProblems, checkIntegerRange } from './validate-props';

// A work queue, its DLQ, and the event source mapping of its one consumer. The queue's
// visibility timeout is derived from the consumer's timeout so the two can never drift apart.

/** Lambda's SQS batch limit with a batching window (DESIGN §7). */
const BATCH_SIZE_MAX = 10_000;
/** SQS limit on the batching window. */
const MAX_BATCHING_WINDOW_SECONDS_MAX = 300;

export interface QueueWithDlqProps {
  /** Logical ids from docs/contracts.md (`SubmissionQueue`, `SubmissionDlq`). */
  readonly queueLogicalId: string;
  readonly dlqLogicalId: string;
  readonly consumer: lambda.IFunction;
  readonly consumerTimeoutSeconds: number;
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
}

export class QueueWithDlq extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: QueueWithDlqProps) {
    super(scope, id);
    const problems: string[] = [];
    checkIntegerRange(problems, 'batchSize', props.batchSize, 1, BATCH_SIZE_MAX);
    checkIntegerRange(
      problems,
      'maxBatchingWindowSeconds',
      props.maxBatchingWindowSeconds,
      0,
      MAX_BATCHING_WINDOW_SECONDS_MAX,
    );
    checkIntegerRange(problems, 'consumerTimeoutSeconds', props.consumerTimeoutSeconds, 1, LAMBDA_TIMEOUT_SECONDS_MAX);
    // 6 × Lambda's 15-minute maximum is 90 minutes, well inside SQS's 12 hours; checked so a change
    // of either number cannot produce a template CloudFormation rejects.
    if (props.consumerTimeoutSeconds * VISIBILITY_TIMEOUT_MULTIPLIER > VISIBILITY_TIMEOUT_SECONDS_MAX) {
      problems.push(
        `consumerTimeoutSeconds × ${VISIBILITY_TIMEOUT_MULTIPLIER} must not exceed the SQS visibility maximum ${VISIBILITY_TIMEOUT_SECONDS_MAX} s`,
      );
    }
    if (props.queueLogicalId === props.dlqLogicalId) problems.push('queueLogicalId and dlqLogicalId must differ');
    assertNoProblems(`QueueWithDlq(${props.queueLogicalId})`, problems);

    this.deadLetterQueue = createDeadLetterQueue(this, props.dlqLogicalId);
    this.queue = new sqs.Queue(
      this,
      props.queueLogicalId,
      defaultWorkQueueProps(this.deadLetterQueue, props.consumerTimeoutSeconds),
    );
    pinLogicalId(this.queue, props.queueLogicalId);

    props.consumer.addEventSource(
      new sources.SqsEventSource(this.queue, {
        batchSize: props.batchSize,
        maxBatchingWindow: Duration.seconds(props.maxBatchingWindowSeconds),
        // Only the failed records return to the queue; the rest of the batch is done.
        reportBatchItemFailures: true,
      }),
    );
    Validations.of(props.consumer).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason:
        'SQS event source mappings do not support on-failure destinations (Kinesis, DynamoDB Streams and Kafka only); failed records go to the queue redrive DLQ after maxReceiveCount, which is alarmed.',
    });
  }
}

/**
 * A DLQ: the end of the line for messages that failed every retry. It has no DLQ of its own;
 * instead it keeps messages for the SQS maximum and raises an alarm as soon as it holds one.
 */
export function createDeadLetterQueue(scope: Construct, logicalId: string): sqs.Queue {
  const queue = new sqs.Queue(scope, logicalId, defaultDlqProps());
  pinLogicalId(queue, logicalId);
  Validations.of(queue).acknowledge({
    id: 'Serverless-SQSRedrivePolicy',
    reason:
      'This queue is itself a dead-letter queue: messages stay 14 days, a depth alarm fires on the first one, and ops redrives them after inspection; a DLQ of a DLQ would only hide them.',
  });
  return queue;
}
