import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { FunctionName } from '../functions/shared/names';
import { FUNCTION_SIZES } from './function-sizes';
import type { NativeModules } from './defaults/lambda-defaults';
import { PayoutFunction, type InvocationKind } from './payout-function';

// Builds a PayoutFunction with the stage-wide settings, so capability constructs only say what is
// particular to each function (its environment and its grants).

export interface FunctionFactoryProps {
  readonly stage: string;
  readonly logRetentionDays: logs.RetentionDays;
}

export interface CreateFunctionOptions {
  readonly invocation: InvocationKind;
  readonly environment?: Record<string, string>;
  readonly description: string;
  readonly deadLetterQueue?: sqs.IQueue;
  readonly ephemeralStorageMib?: number;
  readonly nativeModules?: NativeModules;
}

export class FunctionFactory {
  constructor(private readonly props: FunctionFactoryProps) {}

  create(scope: Construct, id: string, functionName: FunctionName, options: CreateFunctionOptions): PayoutFunction {
    return new PayoutFunction(scope, id, {
      functionName,
      stage: this.props.stage,
      logRetentionDays: this.props.logRetentionDays,
      ...FUNCTION_SIZES[functionName],
      ...options,
    });
  }
}
