import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * The message create sends to SUBMISSION_QUEUE_URL for the submitter: the payout id only. The
 * submitter reads the payout (and its unmasked destination) consistently, so a message can never
 * carry a stale amount or an account number into queue storage, logs or the DLQ.
 */
export interface SubmissionMessage {
  payoutId: string;
}

export function parseSubmissionMessage(body: string): SubmissionMessage {
  const parsed: unknown = JSON.parse(body);
  if (
    parsed === null ||
    typeof parsed !== 'object' ||
    typeof (parsed as { payoutId?: unknown }).payoutId !== 'string'
  ) {
    throw new Error('submission message must be {"payoutId": string}');
  }
  return { payoutId: (parsed as SubmissionMessage).payoutId };
}

export function submissionEnqueuer(client: SQSClient, queueUrl: string) {
  return async (message: SubmissionMessage): Promise<void> => {
    await client.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ payoutId: message.payoutId }) }),
    );
  };
}
