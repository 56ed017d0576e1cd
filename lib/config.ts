import * as logs from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { PAYOUT_AMOUNT_MAX_MINOR_DEFAULT } from '../functions/shared/names';
import { assertNoProblems, isIanaTimeZone } from './validate-props';

// Stage configuration, read from CDK context (`-c stage=prod`). No account or region is ever
// hard-coded: the stack is environment-agnostic and deploys wherever the credentials point.

export const STAGES = ['dev', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

export const DEFAULT_STAGE: Stage = 'dev';
export const DEFAULT_RECONCILE_TIMEZONE = 'UTC';
/** `.invalid` is reserved (RFC 2606): an unconfigured stage can never call a real host. */
export const DEFAULT_SANDBOX_PROVIDER_URL = 'https://sandbox-provider.invalid';

/**
 * Where the nightly matching runs (docs/reconciliation.md, "Past one Lambda"): `lambda`, DuckDB in
 * the reconcile function (every stage today); `athena` adds the S3 day partitions, their Glue
 * tables and an Athena workgroup for days past what one 15-minute function can match.
 */
export const RECONCILIATION_ENGINES = ['lambda', 'athena'] as const;
export type ReconciliationEngine = (typeof RECONCILIATION_ENGINES)[number];
export const DEFAULT_RECONCILIATION_ENGINE: ReconciliationEngine = 'lambda';

/** Default API throttling: sized for a handful of platform backends, raised per stage when needed. */
const THROTTLE_RATE_PER_SECOND: Record<Stage, number> = { dev: 50, prod: 500 };
const THROTTLE_BURST_REQUESTS: Record<Stage, number> = { dev: 100, prod: 1000 };
const LOG_RETENTION_DAYS: Record<Stage, logs.RetentionDays> = {
  dev: logs.RetentionDays.ONE_MONTH,
  prod: logs.RetentionDays.ONE_YEAR,
};

export interface PlatformConfig {
  readonly stage: Stage;
  readonly reconcileTimezone: string;
  readonly sandboxProviderUrl: string;
  readonly throttleRatePerSecond: number;
  readonly throttleBurstRequests: number;
  readonly logRetentionDays: logs.RetentionDays;
  readonly payoutAmountMaxMinor: number;
  readonly reconciliationEngine: ReconciliationEngine;
}

function isStage(value: string): value is Stage {
  return (STAGES as readonly string[]).includes(value);
}

function isReconciliationEngine(value: string): value is ReconciliationEngine {
  return (RECONCILIATION_ENGINES as readonly string[]).includes(value);
}

function contextString(node: Node, key: string, fallback: string): string {
  const value: unknown = node.tryGetContext(key);
  return value === undefined || value === null || value === '' ? fallback : String(value);
}

/** Reads and validates every context value at once; throws listing all problems. */
export function readPlatformConfig(node: Node): PlatformConfig {
  const problems: string[] = [];
  const stage = contextString(node, 'stage', DEFAULT_STAGE);
  const reconcileTimezone = contextString(node, 'reconcileTimezone', DEFAULT_RECONCILE_TIMEZONE);
  const sandboxProviderUrl = contextString(node, 'sandboxProviderUrl', DEFAULT_SANDBOX_PROVIDER_URL);
  const payoutAmountMaxMinor = Number(
    contextString(node, 'payoutAmountMaxMinor', String(PAYOUT_AMOUNT_MAX_MINOR_DEFAULT)),
  );

  const reconciliationEngine = contextString(node, 'reconciliationEngine', DEFAULT_RECONCILIATION_ENGINE);
  if (!isStage(stage)) problems.push(`context stage must be one of ${STAGES.join(', ')}, got '${stage}'`);
  if (!isIanaTimeZone(reconcileTimezone))
    problems.push(`context reconcileTimezone is not an IANA time zone: '${reconcileTimezone}'`);
  if (!/^https:\/\/[^\s/]+/.test(sandboxProviderUrl)) {
    problems.push(`context sandboxProviderUrl must be an https URL, got '${sandboxProviderUrl}'`);
  }
  if (!Number.isSafeInteger(payoutAmountMaxMinor) || payoutAmountMaxMinor <= 0) {
    problems.push(`context payoutAmountMaxMinor must be a positive integer, got '${payoutAmountMaxMinor}'`);
  }
  if (!isReconciliationEngine(reconciliationEngine)) {
    problems.push(
      `context reconciliationEngine must be one of ${RECONCILIATION_ENGINES.join(', ')}, got '${reconciliationEngine}'`,
    );
  }
  assertNoProblems('PlatformConfig', problems);

  const validStage = stage as Stage;
  return {
    stage: validStage,
    reconcileTimezone,
    sandboxProviderUrl,
    throttleRatePerSecond: THROTTLE_RATE_PER_SECOND[validStage],
    throttleBurstRequests: THROTTLE_BURST_REQUESTS[validStage],
    logRetentionDays: LOG_RETENTION_DAYS[validStage],
    payoutAmountMaxMinor,
    reconciliationEngine: reconciliationEngine as ReconciliationEngine,
  };
}
