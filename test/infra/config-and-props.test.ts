import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RECONCILE_TIMEZONE, DEFAULT_SANDBOX_PROVIDER_URL, readPlatformConfig } from '../../lib/config';
import { QueueWithDlq } from '../../lib/queue-with-dlq';
import { InvalidPropsError } from '../../lib/validate-props';

// Configuration and construct props are validated before anything is built, and every problem is
// reported at once. No synthesis here, so these run in milliseconds.

function problemsOf(action: () => unknown): readonly string[] {
  try {
    action();
  } catch (error) {
    if (error instanceof InvalidPropsError) return error.problems;
    throw error;
  }
  throw new Error('expected InvalidPropsError');
}

describe('readPlatformConfig', () => {
  it('defaults to dev, UTC and the unroutable sandbox URL', () => {
    const config = readPlatformConfig(new App().node);
    expect(config).toMatchObject({
      stage: 'dev',
      reconcileTimezone: DEFAULT_RECONCILE_TIMEZONE,
      sandboxProviderUrl: DEFAULT_SANDBOX_PROVIDER_URL,
    });
    expect(DEFAULT_RECONCILE_TIMEZONE).toBe('UTC');
    expect(DEFAULT_SANDBOX_PROVIDER_URL).toBe('https://sandbox-provider.invalid');
  });

  it('reads stage, time zone and sandbox URL from context', () => {
    const app = new App({
      context: {
        stage: 'prod',
        reconcileTimezone: 'America/New_York',
        sandboxProviderUrl: 'https://sandbox.example.test',
      },
    });
    expect(readPlatformConfig(app.node)).toMatchObject({
      stage: 'prod',
      reconcileTimezone: 'America/New_York',
      sandboxProviderUrl: 'https://sandbox.example.test',
    });
  });

  it('reports every bad context value at once', () => {
    const app = new App({
      context: {
        stage: 'qa',
        reconcileTimezone: 'Mars/Olympus',
        sandboxProviderUrl: 'http://plain',
        payoutAmountMaxMinor: '-1',
      },
    });
    const problems = problemsOf(() => readPlatformConfig(app.node));
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/stage.*qa[\s\S]*Mars\/Olympus[\s\S]*https[\s\S]*payoutAmountMaxMinor/);
  });
});

describe('QueueWithDlq props', () => {
  it('reports every invalid prop at once', () => {
    const stack = new Stack(new App(), 'PropsTest');
    const consumer = new lambda.Function(stack, 'Consumer', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('export const handler = async () => ({});'),
    });
    const problems = problemsOf(
      () =>
        new QueueWithDlq(stack, 'Bad', {
          queueLogicalId: 'Same',
          dlqLogicalId: 'Same',
          consumer,
          consumerTimeoutSeconds: 0,
          batchSize: 0,
          maxBatchingWindowSeconds: 301,
        }),
    );
    expect(problems).toHaveLength(4);
  });
});
