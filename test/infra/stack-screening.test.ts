import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../functions/shared/names';
import { RESCREEN_SCHEDULE_EXPRESSION, SCREENING_LIST_PREFIX } from '../../lib/screening-construct';
import { functionByName, loadStack, ofType, resources } from './support/stack-fixture';

// Issue 15, docs/screening.md: the SDN list's bucket, the rescreen job's two triggers (the manifest's upload through
// EventBridge, no custom resource; a daily schedule) and what screening-api and rescreen may touch.
beforeAll(loadStack);

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
function statementsOf(name: string): Statement[] {
  const role = functionByName(name)[1].Properties.Role['Fn::GetAtt'][0];
  return Object.values(ofType('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${role}"`))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}
const actionsOn = (name: string, resource: string) =>
  statementsOf(name)
    .filter((statement) => JSON.stringify(statement.Resource).includes(`"${resource}"`))
    .flatMap((statement) => [statement.Action].flat());

describe('ScreeningListBucket', () => {
  it('is private, versioned, retained, access-logged, and sends its events to EventBridge (the L1 property)', () => {
    const bucket = resources['ScreeningListBucket']!;
    expect(bucket.Properties.PublicAccessBlockConfiguration).toMatchObject({ BlockPublicAcls: true });
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties.NotificationConfiguration).toEqual({
      EventBridgeConfiguration: { EventBridgeEnabled: true },
    });
    expect(Object.keys(ofType('Custom::S3BucketNotifications'))).toEqual([]);
  });
});

describe('rescreen', () => {
  it('runs when sdn/manifest.json is created, with retries and the schedules DLQ', () => {
    const rules = Object.values(ofType('AWS::Events::Rule')).filter((rule) =>
      JSON.stringify(rule.Properties.Targets ?? []).includes(`"${functionByName('rescreen')[0]}"`),
    );
    expect(rules).toHaveLength(1);
    expect(rules[0]!.Properties.EventPattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: {
        bucket: { name: [{ Ref: 'ScreeningListBucket' }] },
        object: { key: [`${SCREENING_LIST_PREFIX}manifest.json`] },
      },
    });
    const [target] = rules[0]!.Properties.Targets;
    expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': ['ScheduleDlq', 'Arn'] } });
    expect(target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
  });

  it('runs daily by a schedule (the twin has no S3 events)', () => {
    const schedule = Object.values(ofType('AWS::Scheduler::Schedule')).find(
      (s) => s.Properties.Target.Arn['Fn::GetAtt'][0] === functionByName('rescreen')[0],
    );
    expect(schedule?.Properties).toMatchObject({ ScheduleExpression: RESCREEN_SCHEDULE_EXPRESSION });
  });

  it('reads the list under its prefix only, and scans the recipients (screening-api does not)', () => {
    for (const name of ['rescreen', 'screening-api']) {
      const vars = functionByName(name)[1].Properties.Environment.Variables;
      expect(vars[ENV.screeningListBucket]).toEqual({ Ref: 'ScreeningListBucket' });
      expect(vars[ENV.screeningListPrefix]).toBe(SCREENING_LIST_PREFIX);
      const s3Actions = actionsOn(name, 'ScreeningListBucket');
      expect(s3Actions.filter((a) => !a.startsWith('s3:Get') && !a.startsWith('s3:List'))).toEqual([]);
      const objectResources = statementsOf(name)
        .filter((s) => JSON.stringify(s.Resource).includes('"ScreeningListBucket"'))
        .flatMap((s) => [s.Resource].flat())
        .map((r) => JSON.stringify(r))
        .filter((r) => r.includes('/'));
      for (const r of objectResources) expect(r).toContain(`/${SCREENING_LIST_PREFIX}*`);
    }
    expect(actionsOn('rescreen', 'RecipientsTable')).toContain('dynamodb:Scan');
    expect(actionsOn('screening-api', 'RecipientsTable')).not.toContain('dynamodb:Scan');
    expect(actionsOn('screening-api', 'RecipientsTable')).not.toContain('dynamodb:DeleteItem');
  });
});
