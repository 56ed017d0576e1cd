import { Duration, RemovalPolicy, Size, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENV, METRICS_NAMESPACE, METRICS_SERVICE_NAME, type FunctionName } from '../functions/shared/names';
import {
  LAMBDA_ARCHITECTURE,
  LAMBDA_EPHEMERAL_STORAGE_MIB_MAX,
  LAMBDA_EPHEMERAL_STORAGE_MIB_MIN,
  LAMBDA_MEMORY_SIZE_MB_MAX,
  LAMBDA_MEMORY_SIZE_MB_MIN,
  LAMBDA_RUNTIME,
  LAMBDA_TIMEOUT_SECONDS_MAX,
  defaultBundlingOptions,
  withNativeModules,
  type NativeModules,
  defaultEnvironment,
} from './defaults/lambda-defaults';
import { assertNoProblems, checkIntegerRange } from './validate-props';

// One Lambda of the platform: entry `functions/handlers/<name>.ts`, secure bundling defaults, its
// own log group and its own role (no AWS managed policy: the role may write to its log group and
// nothing else until a construct grants it more).

export const POWERTOOLS_SERVICE_NAME = METRICS_SERVICE_NAME;
export const POWERTOOLS_METRICS_NAMESPACE = METRICS_NAMESPACE;

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const HANDLERS_DIR = path.join(PROJECT_ROOT, 'functions', 'handlers');

/**
 * How the function is invoked. It decides whether Lambda's asynchronous-failure DLQ applies:
 * only asynchronous invocations (schedules) can lose an event silently.
 */
export type InvocationKind = 'api' | 'queue' | 'cognito' | 'schedule' | 'direct';

const SYNCHRONOUS_INVOCATION_REASON: Record<Exclude<InvocationKind, 'schedule'>, string> = {
  api: 'Invoked synchronously by API Gateway only: a failure is returned to the caller as a 5xx and the caller retries with its idempotency key, so there is no asynchronous event to dead-letter.',
  queue:
    'Invoked synchronously by an SQS event source mapping: failed records stay on the queue and move to its DLQ after maxReceiveCount, so a function-level DLQ would never receive anything.',
  cognito:
    'Invoked synchronously by Cognito while it issues a token: a failure fails that token request, which the client retries; there is no asynchronous event to dead-letter.',
  direct:
    'Invoked synchronously (RequestResponse) by an operator, e.g. npm run audit -- verify: the caller sees the answer or the failure at once; there is no asynchronous event to dead-letter.',
};

const TRACING_REASON =
  'X-Ray is off by default: every Powertools log line carries the payout id and Request-Id, and active tracing would add an xray:Put* grant on Resource::* to every role. Enable Tracing.ACTIVE per stage when a latency investigation needs it.';

export interface PayoutFunctionProps {
  readonly functionName: FunctionName;
  readonly invocation: InvocationKind;
  readonly stage: string;
  readonly memorySizeMb: number;
  readonly timeoutSeconds: number;
  readonly logRetentionDays: logs.RetentionDays;
  readonly environment?: Record<string, string>;
  readonly description?: string;
  /** /tmp size in MiB when the 512 MiB default is too small. */
  readonly ephemeralStorageMib?: number;
  /** Async invocations only (schedules): where failed events go after Lambda's retries. */
  readonly deadLetterQueue?: sqs.IQueue;
  /** Native packages shipped beside the bundle; they also set the function's architecture. */
  readonly nativeModules?: NativeModules;
}

export class PayoutFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly logGroup: logs.LogGroup;
  readonly role: iam.Role;
  readonly timeoutSeconds: number;

  constructor(scope: Construct, id: string, props: PayoutFunctionProps) {
    super(scope, id);
    const problems: string[] = [];
    checkIntegerRange(
      problems,
      'memorySizeMb',
      props.memorySizeMb,
      LAMBDA_MEMORY_SIZE_MB_MIN,
      LAMBDA_MEMORY_SIZE_MB_MAX,
    );
    checkIntegerRange(problems, 'timeoutSeconds', props.timeoutSeconds, 1, LAMBDA_TIMEOUT_SECONDS_MAX);
    if (props.ephemeralStorageMib !== undefined) {
      checkIntegerRange(
        problems,
        'ephemeralStorageMib',
        props.ephemeralStorageMib,
        LAMBDA_EPHEMERAL_STORAGE_MIB_MIN,
        LAMBDA_EPHEMERAL_STORAGE_MIB_MAX,
      );
    }
    for (const [name, value] of Object.entries(props.environment ?? {})) {
      if (typeof value !== 'string') problems.push(`environment ${name} must be a string`);
    }
    if (props.invocation === 'schedule' && !props.deadLetterQueue) {
      problems.push('a scheduled (asynchronously invoked) function needs a deadLetterQueue');
    }
    if (props.invocation !== 'schedule' && props.deadLetterQueue) {
      problems.push(`deadLetterQueue only applies to asynchronous invocations, not '${props.invocation}'`);
    }
    assertNoProblems(`PayoutFunction(${props.functionName})`, problems);

    this.timeoutSeconds = props.timeoutSeconds;
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetentionDays,
      // Logs are diagnostics, not records: they go with the stack (records live in DynamoDB/S3).
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.functionName}`,
    });
    // Scoped to this function's log group instead of AWSLambdaBasicExecutionRole's logs:* on *.
    this.logGroup.grantWrite(this.role);

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: path.join(HANDLERS_DIR, `${props.functionName}.ts`),
      handler: 'handler',
      runtime: LAMBDA_RUNTIME,
      architecture: props.nativeModules?.architecture ?? LAMBDA_ARCHITECTURE,
      memorySize: props.memorySizeMb,
      timeout: Duration.seconds(props.timeoutSeconds),
      description: props.description ?? props.functionName,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      projectRoot: PROJECT_ROOT,
      bundling: props.nativeModules
        ? withNativeModules(defaultBundlingOptions(), props.nativeModules)
        : defaultBundlingOptions(),
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
      ...(props.ephemeralStorageMib ? { ephemeralStorageSize: Size.mebibytes(props.ephemeralStorageMib) } : {}),
      environment: {
        ...defaultEnvironment(),
        [ENV.functionName]: props.functionName,
        [ENV.stage]: props.stage,
        POWERTOOLS_SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE,
        ...props.environment,
      },
    });

    if (props.invocation !== 'schedule') {
      Validations.of(this.function).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason: SYNCHRONOUS_INVOCATION_REASON[props.invocation],
      });
    }
    Validations.of(this.function).acknowledge({ id: 'Serverless-LambdaTracing', reason: TRACING_REASON });
  }
}
