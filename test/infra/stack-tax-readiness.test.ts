import { beforeAll, describe, expect, it } from 'vitest';
import { functionByName, loadStack, ofType } from './support/stack-fixture';

// Issue 15: the readiness export's function may only read what the export needs (lib/reconciliation-construct.ts):
// Query on PAYOUTS_TABLE's gsi2, BatchGetItem of RecipientsTable, the tenant directory's partition, and the
// exports bucket's tax-readiness/ prefix. Never the recipients' key, never a Scan, never a table write.
beforeAll(loadStack);

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };

function statementsOf(name: string): Statement[] {
  const [, fn] = functionByName(name);
  const role = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return Object.values(ofType('AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

describe('tax-readiness-export', () => {
  it('reads gsi2, the recipient records and the directory, and writes only under tax-readiness/', () => {
    const statements = statementsOf('tax-readiness-export');
    const dynamo = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.map((s) => [s.Action, JSON.stringify(s.Resource)])).toEqual([
      ['dynamodb:Query', expect.stringMatching(/"PayoutsTable[^"]*","Arn"\]\},"\/index\/gsi2"/)],
      ['dynamodb:BatchGetItem', expect.stringContaining('RecipientsTable')],
      ['dynamodb:Query', expect.stringContaining('OperationsTable')],
    ]);
    expect(JSON.stringify(dynamo[2]!.Condition)).toContain('"dynamodb:LeadingKeys":["TENANTS"]');
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions.some((a) => a.startsWith('kms:'))).toBe(false);
    const s3 = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')));
    for (const statement of s3) {
      const objects = [statement.Resource].flat().filter((r) => JSON.stringify(r).includes('/'));
      for (const resource of objects) expect(JSON.stringify(resource)).toContain('/tax-readiness/*');
    }
    expect(s3.flatMap((s) => [s.Action].flat())).toContain('s3:PutObject');
  });
});
