import type { CfnResource } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * Gives a resource the logical id docs/contracts.md promises: the local twin finds tables, queues
 * and buckets in the synthesized template by these names, so they must not carry CDK's hash.
 */
export function pinLogicalId(construct: Construct, logicalId: string): void {
  (construct.node.defaultChild as CfnResource).overrideLogicalId(logicalId);
}
