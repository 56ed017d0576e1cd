import { Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';

// Stack-wide cdk-nag acknowledgements for wildcards that CDK's least-privilege grant helpers
// produce on purpose. Each names one exact finding (cdk-nag v3 has no prefix matching), so a new
// kind of wildcard still fails the synth until someone writes down why it is acceptable.
// Resource-specific acknowledgements live next to their resource.

export interface StackFindingsProps {
  /** Tables with global secondary indexes (grants on them add `<table>/index/*`). */
  readonly indexedTables: readonly dynamodb.Table[];
  /** Buckets some function reads or writes objects in. */
  readonly objectBuckets: readonly s3.Bucket[];
  /** Functions invoked by EventBridge Scheduler. */
  readonly scheduledFunctions: readonly lambda.Function[];
}

/** S3 action wildcards of grantRead / grantPut / grantReadWrite, with what each one covers. */
const S3_ACTION_WILDCARDS: Record<string, string> = {
  's3:GetObject*': 'GetObject plus its version, ACL, tagging and retention reads of the same objects',
  's3:GetBucket*': 'bucket location and versioning metadata the SDK reads before object calls',
  's3:List*': 'listing keys under a date prefix (exports, reports) within this one bucket',
  's3:Abort*': "aborting this function's own multipart uploads of large webhook bodies and reports",
  's3:DeleteObject*': 'replacing a regenerated export or report object (versioning keeps the old one)',
};

export function acknowledgeStackFindings(stack: Stack, props: StackFindingsProps): void {
  const validations = Validations.of(stack);
  for (const table of props.indexedTables) {
    validations.acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(table)}.Arn>/index/*]`,
      reason: `grantReadData/grantReadWriteData on ${logicalIdOf(table)} include its own global secondary indexes and no other table.`,
    });
  }
  for (const bucket of props.objectBuckets) {
    validations.acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(bucket)}.Arn>/*]`,
      reason: `Object keys in ${logicalIdOf(bucket)} are generated per payout, event or date, so access is granted on the objects of this one bucket only.`,
    });
  }
  for (const [action, covers] of Object.entries(S3_ACTION_WILDCARDS)) {
    validations.acknowledge({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: `CDK's S3 grant helper uses ${action} for ${covers}; the resource is always one named bucket of this stack.`,
    });
  }
  for (const fn of props.scheduledFunctions) {
    validations.acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(fn)}.Arn>:*]`,
      reason: `The EventBridge Scheduler role may invoke ${logicalIdOf(fn)} and its versions/aliases (the :* suffix); it can invoke no other function.`,
    });
  }
}

/** The logical id as rendered in the template (an overridden one included). */
function logicalIdOf(construct: dynamodb.Table | s3.Bucket | lambda.Function): string {
  const resource = construct.node.defaultChild as CfnResource;
  return Stack.of(construct).resolve(resource.logicalId) as string;
}
