import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  cancellationCodes,
  hasTransactionConflict,
  isConditionalCheckFailed,
  isConditionFailure,
  isRefusedRequest,
  itemConditionFailed,
} from '../../../functions/adapters/dynamo-errors';

// The one place adapters learn what DynamoDB refused: every check against the SDK's own classes,
// the same errors known only by name (an error that crossed a bundle), and errors that are neither.

const metadata = { $metadata: {} };
const canceled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'canceled',
    ...metadata,
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
const named = (name: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(name), { name, ...extra });

const errors = {
  conditionalCheck: new ConditionalCheckFailedException({ message: 'condition', ...metadata }),
  conditionalCheckByName: named('ConditionalCheckFailedException'),
  canceledOnCondition: canceled('None', 'ConditionalCheckFailed'),
  canceledOnConditionByName: named('TransactionCanceledException', {
    CancellationReasons: [{ Code: 'ConditionalCheckFailed' }],
  }),
  canceledOnConflict: canceled('TransactionConflict', 'None'),
  canceledOnValidation: canceled('None', 'ValidationError'),
  canceledOnCollectionSize: canceled('ItemCollectionSizeLimitExceeded'),
  validation: named('ValidationException'),
  throttled: named('ProvisionedThroughputExceededException'),
  notAnError: 'ConditionalCheckFailedException',
  nothing: undefined,
} as const;
type Case = keyof typeof errors;

describe.each<[Case, string[] | undefined, boolean, boolean, boolean]>([
  // error, cancellationCodes, isConditionalCheckFailed, isConditionFailure, isRefusedRequest
  ['conditionalCheck', undefined, true, true, false],
  ['conditionalCheckByName', undefined, true, true, false],
  ['canceledOnCondition', ['None', 'ConditionalCheckFailed'], false, true, false],
  ['canceledOnConditionByName', ['ConditionalCheckFailed'], false, true, false],
  ['canceledOnConflict', ['TransactionConflict', 'None'], false, false, false],
  ['canceledOnValidation', ['None', 'ValidationError'], false, false, true],
  ['canceledOnCollectionSize', ['ItemCollectionSizeLimitExceeded'], false, false, true],
  ['validation', undefined, false, false, true],
  ['throttled', undefined, false, false, false],
  ['notAnError', undefined, false, false, false],
  ['nothing', undefined, false, false, false],
])('%s', (name, codes, conditional, condition, refused) => {
  const error = errors[name];
  it(`cancellationCodes → ${JSON.stringify(codes)}`, () => expect(cancellationCodes(error)).toEqual(codes));
  it(`isConditionalCheckFailed → ${conditional}`, () => expect(isConditionalCheckFailed(error)).toBe(conditional));
  it(`isConditionFailure → ${condition}`, () => expect(isConditionFailure(error)).toBe(condition));
  it(`isRefusedRequest → ${refused}`, () => expect(isRefusedRequest(error)).toBe(refused));
});

describe('transaction items', () => {
  const codes = ['None', 'ConditionalCheckFailed', 'TransactionConflict'];
  it.each([
    [0, false],
    [1, true],
    [2, false],
    [3, false],
    // "No such item in this transaction" (an index of -1) is never a failed condition.
    [-1, false],
  ])('itemConditionFailed(codes, %i) → %s', (index, failed) => expect(itemConditionFailed(codes, index)).toBe(failed));
  it('hasTransactionConflict', () => {
    expect(hasTransactionConflict(codes)).toBe(true);
    expect(hasTransactionConflict(['None', 'ConditionalCheckFailed'])).toBe(false);
  });
});
