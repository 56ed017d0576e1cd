import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { readPlatformConfig } from '../lib/config';
import { PayoutPlatformStack } from '../lib/payout-platform-stack';

// The CDK app: one stack per stage, chosen with `-c stage=dev|prod` (default dev). No account or
// region here: the stack deploys wherever the caller's credentials and region point.
// cdk-nag's AwsSolutions and Serverless packs run as validation plugins, so an unacknowledged
// error fails the synth.

export function buildApp(app: App = new App()): { app: App; stack: PayoutPlatformStack } {
  const config = readPlatformConfig(app.node);
  const stack = new PayoutPlatformStack(app, `PayoutPlatform-${config.stage}`, {
    config,
    description: `Payout platform (${config.stage})`,
  });
  Tags.of(stack).add('project', 'payout-platform');
  Tags.of(stack).add('stage', config.stage);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, stack };
}

const isEntryPoint = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isEntryPoint) buildApp().app.synth();
