// A function's environment as the twin runs it: the template's variables with Refs and GetAtts
// resolved to local names and URLs, then the twin's own (endpoints, dummy credentials, region),
// then config/local.json's `env` (docs/contracts.md, "Environment variables").
import { basename, dirname } from 'node:path';
import type { FunctionSpec } from './model.js';
import { resolveString, type ResolveContext } from './resolve.js';

export function functionEnvironment(
  fn: FunctionSpec,
  context: ResolveContext,
  twinEnvironment: Record<string, string>,
): Record<string, string> {
  const fromTemplate = Object.fromEntries(
    Object.entries(fn.environment).map(([key, value]) => [key, resolveString(value, context)]),
  );
  return {
    ...fromTemplate,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    // What Lambda's runtime sets and Powertools reads (user agent, cold-start detection, log fields).
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    LAMBDA_TASK_ROOT: dirname(fn.modulePath),
    _HANDLER: `${basename(fn.modulePath).replace(/\.[cm]?js$/, '')}.${fn.exportName}`,
    ...twinEnvironment,
  };
}

/** Every variable any function sets, merged: handy for tests that call handlers in-process. */
export function mergedEnvironment(
  functions: FunctionSpec[],
  context: ResolveContext,
  twinEnvironment: Record<string, string>,
): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const fn of functions) {
    const {
      AWS_LAMBDA_FUNCTION_NAME: _name,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: _memory,
      PAYOUT_FUNCTION: _short,
      ...shared
    } = functionEnvironment(fn, context, twinEnvironment);
    Object.assign(merged, shared);
  }
  return merged;
}
