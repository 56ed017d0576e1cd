import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../functions/shared/names';
import { functionByName, loadStack, ofType, resources } from './support/stack-fixture';

// Issue 15: the recipients' master key and who may use it. The table itself is asserted with the other single tables
// (stack-data.test.ts).
beforeAll(loadStack);

/** Every IAM statement of the stack that names the recipients' key. */
function statementsOnRecipientKey(): { Action: string | string[]; policyRoles: string[] }[] {
  return Object.values(ofType('AWS::IAM::Policy'))
    .flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]).map(
        (statement) => ({
          ...statement,
          policyRoles: (policy.Properties.Roles as { Ref: string }[]).map((role) => role.Ref),
        }),
      ),
    )
    .filter((statement) => JSON.stringify(statement.Resource).includes('"RecipientDataKey"'));
}

/** The logical id of a function's execution role. */
function roleOf(name: string): [string] {
  const [, fn] = functionByName(name);
  return [(fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]];
}

describe('RecipientDataKey', () => {
  it('is a customer-managed key with rotation, retained on stack delete', () => {
    const key = resources['RecipientDataKey']!;
    expect(key.Type).toBe('AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
  });

  it('grants Decrypt to ops-recipients alone (the compliance view in clear); recipients-api only seals', () => {
    const [opsRole] = roleOf('ops-recipients');
    const decrypting = statementsOnRecipientKey()
      .filter((statement) => [statement.Action].flat().some((a) => a === 'kms:Decrypt' || a === 'kms:*'))
      .map((statement) => statement.policyRoles);
    expect(decrypting).toEqual([[opsRole]]);
    const [apiRole] = roleOf('recipients-api');
    const sealing = statementsOnRecipientKey().filter((statement) => statement.policyRoles.includes(apiRole));
    expect(sealing.flatMap((statement) => [statement.Action].flat())).toEqual(['kms:GenerateDataKey']);
  });

  it('no function is given the twin-only local master key', () => {
    for (const fn of Object.values(ofType('AWS::Lambda::Function')))
      expect(Object.keys(fn.Properties.Environment?.Variables ?? {})).not.toContain(ENV.recipientLocalMasterKey);
  });
});
