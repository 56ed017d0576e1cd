/**
 * Errors shaped like the AWS SDK's, so the code that classifies them (dynamo-errors.ts'
 * cancellationCodes, create-payout's isDeterministicFailure, exceptions' isConditionFailure)
 * treats an in-memory failure exactly as it treats DynamoDB's.
 */
export function transactionCanceled(codes: readonly string[]): Error {
  const error = new Error(
    `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
  );
  error.name = 'TransactionCanceledException';
  Object.assign(error, { CancellationReasons: codes.map((Code) => ({ Code })) });
  return error;
}

export function conditionFailed(where: string): Error {
  const error = new Error(`The conditional request failed (${where})`);
  error.name = 'ConditionalCheckFailedException';
  return error;
}

export function sendFailed(queue: string): Error {
  const error = new Error(`SQS SendMessage to ${queue} failed (simulated)`);
  error.name = 'InternalError';
  return error;
}
