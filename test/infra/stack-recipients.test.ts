import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../functions/shared/names';
import { loadStack, ofType, resources } from './support/stack-fixture';

// Issue 15: the recipients' master key. The table itself is asserted with the other single tables
// (stack-data.test.ts).
beforeAll(loadStack);

/** Every IAM statement of the stack that names the recipients' key. */
function statementsOnRecipientKey(): { Action: string | string[] }[] {
  return Object.values(ofType('AWS::IAM::Policy'))
    .flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    )
    .filter((statement) => JSON.stringify(statement.Resource).includes('"RecipientDataKey"'));
}

describe('RecipientDataKey', () => {
  it('is a customer-managed key with rotation, retained on stack delete', () => {
    const key = resources['RecipientDataKey']!;
    expect(key.Type).toBe('AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
  });

  it('grants Decrypt only where a function must see clear values (none before the recipients functions)', () => {
    const actions = statementsOnRecipientKey().flatMap((statement) => [statement.Action].flat());
    expect(actions.filter((action) => action === 'kms:Decrypt' || action === 'kms:*')).toEqual([]);
  });

  it('no function is given the twin-only local master key', () => {
    for (const fn of Object.values(ofType('AWS::Lambda::Function')))
      expect(Object.keys(fn.Properties.Environment?.Variables ?? {})).not.toContain(ENV.recipientLocalMasterKey);
  });
});
