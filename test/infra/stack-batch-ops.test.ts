import { beforeAll, describe, expect, it } from 'vitest';
import { functionByName, loadStack, ofType } from './support/stack-fixture';

// Template assertions for batches in ops (issue 13, docs/batches.md): ops-redrive and the sweeper
// read BatchDlq like the other DLQs, with only the rights each needs; process-batch and batches-api
// write the batch group exceptions in OperationsTable.
beforeAll(loadStack);

/** The actions a function's role may take on resources whose reference names `logicalId`. */
function actionsOn(name: string, logicalId: string): string[] {
  const role = functionByName(name)[1].Properties.Role['Fn::GetAtt'][0];
  return Object.values(ofType('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${role}"`))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Array<{ Action: unknown; Resource: unknown }>)
    .filter((statement) => JSON.stringify(statement.Resource).includes(`"${logicalId}"`))
    .flatMap((statement) => [statement.Action].flat() as string[])
    .sort();
}
const variables = (name: string) => functionByName(name)[1].Properties.Environment.Variables;

describe('BatchDlq in ops', () => {
  it('ops-redrive may consume BatchDlq, send to BatchQueue and read its depth; both URLs in its environment', () => {
    expect(actionsOn('ops-redrive', 'BatchDlq')).toEqual(
      expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']),
    );
    expect(actionsOn('ops-redrive', 'BatchQueue')).toEqual(
      expect.arrayContaining(['sqs:SendMessage', 'sqs:GetQueueAttributes']),
    );
    expect(variables('ops-redrive')).toMatchObject({
      BATCH_QUEUE_URL: { Ref: 'BatchQueue' },
      BATCH_DLQ_URL: { Ref: 'BatchDlq' },
    });
  });

  it('the sweeper only peeks BatchDlq: receive and visibility, no delete, no send to BatchQueue', () => {
    const onDlq = actionsOn('sweep', 'BatchDlq');
    expect(onDlq).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility']));
    expect(onDlq).not.toContain('sqs:DeleteMessage');
    expect(actionsOn('sweep', 'BatchQueue')).not.toContain('sqs:SendMessage');
    expect(variables('sweep')).toMatchObject({ BATCH_DLQ_URL: { Ref: 'BatchDlq' } });
  });

  it.each(['process-batch', 'batches-api'])('%s writes the group exceptions in OperationsTable', (name) => {
    expect(actionsOn(name, 'OperationsTable')).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query']),
    );
    expect(variables(name)).toMatchObject({ OPERATIONS_TABLE: { Ref: 'OperationsTable' } });
  });
});
