import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';

/**
 * How the adapters recognise what DynamoDB refused, in one place. Each check accepts the SDK's own
 * class and, failing `instanceof` (an error that crossed a bundle or a realm), the error's `name`:
 * the adapters never compare names or cancellation codes by hand.
 */

/** A transaction item's reason code when its ConditionExpression (or ConditionCheck) failed. */
const CONDITION_FAILED_CODE = 'ConditionalCheckFailed';
/** A transaction item's reason code when another request was writing the same item at the time. */
const TRANSACTION_CONFLICT_CODE = 'TransactionConflict';
/** Reason codes of a request DynamoDB will refuse again however often it is sent. */
const REFUSED_REQUEST_CODES: ReadonlySet<string> = new Set(['ValidationError', 'ItemCollectionSizeLimitExceeded']);

const nameOf = (error: unknown): string | undefined => (error as { name?: unknown } | null)?.name as string | undefined;

/** The cancellation reason code of each item of a canceled transaction, or undefined for other errors. */
export function cancellationCodes(error: unknown): string[] | undefined {
  if (!(error instanceof TransactionCanceledException) && nameOf(error) !== 'TransactionCanceledException')
    return undefined;
  const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
  return reasons.map((reason) => reason.Code ?? 'None');
}

/** A single-item write (PutItem, UpdateItem, DeleteItem) whose ConditionExpression failed. */
export function isConditionalCheckFailed(error: unknown): error is ConditionalCheckFailedException {
  return error instanceof ConditionalCheckFailedException || nameOf(error) === 'ConditionalCheckFailedException';
}

/** The item at `index` of a canceled transaction failed its condition (`codes`: cancellationCodes). */
export function itemConditionFailed(codes: readonly string[], index: number): boolean {
  return index >= 0 && codes[index] === CONDITION_FAILED_CODE;
}

/** Another request was writing one of the transaction's items: the same transaction may succeed on a retry. */
export function hasTransactionConflict(codes: readonly string[]): boolean {
  return codes.includes(TRANSACTION_CONFLICT_CODE);
}

/** A failed condition anywhere: a single write's, or any item's of a canceled transaction. */
export function isConditionFailure(error: unknown): boolean {
  if (isConditionalCheckFailed(error)) return true;
  return cancellationCodes(error)?.includes(CONDITION_FAILED_CODE) ?? false;
}

/** DynamoDB refused the request itself (a validation error, an item collection over its limit): it will refuse it again. */
export function isRefusedRequest(error: unknown): boolean {
  if (nameOf(error) === 'ValidationException') return true;
  return cancellationCodes(error)?.some((code) => REFUSED_REQUEST_CODES.has(code)) ?? false;
}

/** Full jitter (AWS architecture blog): spreads retries of racing writers instead of re-colliding them. */
export function jitterSleep(delayMsMax: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * delayMsMax)));
}
