// The twin's view of the stack: every table, queue, bucket, function, route, authorizer, event source
// mapping and schedule of the synthesized template, as plain data. Names here are local names
// (names.ts); environment values stay unresolved until the emulators' endpoints are known.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TemplateError } from '../errors.js';
import * as names from './names.js';
import { referencedLogicalId } from './resolve.js';
import { type CfnResource, type LoadedTemplate, resourcesOfType } from './template.js';

export interface TableSpec {
  logicalId: string;
  name: string;
  keySchema: Array<{ AttributeName: string; KeyType: string }>;
  attributeDefinitions: Array<{ AttributeName: string; AttributeType: string }>;
  globalSecondaryIndexes: Array<{
    IndexName: string;
    KeySchema: Array<{ AttributeName: string; KeyType: string }>;
    Projection: Record<string, unknown>;
  }>;
  ttlAttribute: string | undefined;
}

export interface QueueSpec {
  logicalId: string;
  name: string;
  /** SQS attributes as fauxqs takes them (strings), RedrivePolicy included. */
  attributes: Record<string, string>;
  deadLetterQueueLogicalId: string | undefined;
  maxReceiveCount: number | undefined;
}

export interface BucketSpec {
  logicalId: string;
  name: string;
  versioned: boolean;
}

export interface FunctionSpec {
  logicalId: string;
  name: string;
  /** `PAYOUT_FUNCTION` (create-payout, …), the name people type; the logical id when unset. */
  shortName: string;
  /** Absolute path of the bundled module (cdk.out/asset.<hash>/index.mjs). */
  modulePath: string;
  exportName: string;
  timeoutSeconds: number;
  memoryMb: number;
  /** Environment.Variables as in the template, intrinsics unresolved. */
  environment: Record<string, unknown>;
}

export interface RouteSpec {
  logicalId: string;
  routeKey: string;
  functionLogicalId: string;
  authorizerLogicalId: string | undefined;
  scopes: string[];
}

export interface AuthorizerSpec {
  logicalId: string;
  /** Local app-client ids accepted as `aud` or `client_id`. */
  audiences: string[];
  /** e.g. `$request.header.Authorization`. */
  identitySource: string[];
}

/** A Cognito app client of the template: what the twin's issuer may grant through it. */
export interface UserPoolClientSpec {
  logicalId: string;
  /** Local app-client id (names.userPoolClientId). */
  clientId: string;
  name: string;
  /** AllowedOAuthFlows: `client_credentials`, `code`, `implicit`. */
  flows: string[];
  /** AllowedOAuthScopes, as the template states them (`payout-platform/ops:read`, `openid`, …). */
  allowedScopes: string[];
}

/** A Cognito user pool: its pre-token trigger and groups, which the twin's issuer runs and honours. */
export interface UserPoolSpec {
  logicalId: string;
  /** The pre-token-generation function, when the pool has one. */
  preTokenFunctionLogicalId: string | undefined;
  /** `V1_0`, `V2_0` or `V3_0`. */
  preTokenLambdaVersion: string | undefined;
  groups: string[];
}

export interface EventSourceMappingSpec {
  logicalId: string;
  functionLogicalId: string;
  queueLogicalId: string;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  reportBatchItemFailures: boolean;
  enabled: boolean;
}

export interface ScheduleSpec {
  logicalId: string;
  expression: string;
  timezone: string;
  functionLogicalId: string;
  /** The Input JSON text delivered as the event. */
  input: string | undefined;
  enabled: boolean;
}

export interface TwinModel {
  stackName: string;
  cdkOutDir: string;
  tables: TableSpec[];
  queues: QueueSpec[];
  buckets: BucketSpec[];
  functions: FunctionSpec[];
  routes: RouteSpec[];
  authorizers: AuthorizerSpec[];
  userPools: UserPoolSpec[];
  userPoolClients: UserPoolClientSpec[];
  eventSourceMappings: EventSourceMappingSpec[];
  schedules: ScheduleSpec[];
}

/** Lambda's default timeout and memory when a function does not declare them. */
const LAMBDA_TIMEOUT_SECONDS_DEFAULT = 3;
const LAMBDA_MEMORY_MB_DEFAULT = 128;
/** Lambda's SQS defaults: batch of 10, no batching window. */
const SQS_BATCH_SIZE_DEFAULT = 10;
/** SQS queue attributes fauxqs accepts; others (SqsManagedSseEnabled, tags) have no local meaning. */
const QUEUE_ATTRIBUTES = [
  'VisibilityTimeout',
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'FifoQueue',
  'ContentBasedDeduplication',
];

function props(resource: CfnResource): Record<string, any> {
  return (resource.Properties ?? {}) as Record<string, any>;
}

function tableSpec(logicalId: string, resource: CfnResource): TableSpec {
  const p = props(resource);
  return {
    logicalId,
    name: names.tableName(logicalId),
    keySchema: p.KeySchema,
    attributeDefinitions: p.AttributeDefinitions,
    globalSecondaryIndexes: (p.GlobalSecondaryIndexes ?? []).map((gsi: any) => ({
      IndexName: gsi.IndexName,
      KeySchema: gsi.KeySchema,
      Projection: gsi.Projection ?? { ProjectionType: 'ALL' },
    })),
    ttlAttribute: p.TimeToLiveSpecification?.Enabled === false ? undefined : p.TimeToLiveSpecification?.AttributeName,
  };
}

function queueSpec(logicalId: string, resource: CfnResource): QueueSpec {
  const p = props(resource);
  const attributes: Record<string, string> = {};
  for (const key of QUEUE_ATTRIBUTES) if (p[key] !== undefined) attributes[key] = String(p[key]);
  const deadLetterQueueLogicalId = p.RedrivePolicy
    ? referencedLogicalId(p.RedrivePolicy.deadLetterTargetArn)
    : undefined;
  const maxReceiveCount = p.RedrivePolicy ? Number(p.RedrivePolicy.maxReceiveCount) : undefined;
  return {
    logicalId,
    name: names.queueName(logicalId, resource),
    attributes,
    deadLetterQueueLogicalId,
    maxReceiveCount,
  };
}

function assetModulePath(
  cdkOutDir: string,
  logicalId: string,
  resource: CfnResource,
): { modulePath: string; exportName: string } {
  const p = props(resource);
  const assetPath = resource.Metadata?.['aws:asset:path'];
  const s3Key = typeof p.Code?.S3Key === 'string' ? p.Code.S3Key : undefined;
  const assetDir =
    typeof assetPath === 'string'
      ? join(cdkOutDir, assetPath)
      : s3Key
        ? join(cdkOutDir, `asset.${s3Key.replace(/\.zip$/, '')}`)
        : undefined;
  if (!assetDir)
    throw new TemplateError(`function ${logicalId} has no asset (inline code is not supported by the twin)`);
  const handler = String(p.Handler ?? 'index.handler');
  const dot = handler.lastIndexOf('.');
  const fileStem = handler.slice(0, dot);
  const candidates = ['.mjs', '.js', '.cjs'].map((extension) => join(assetDir, fileStem + extension));
  const modulePath = candidates.find((candidate) => existsSync(candidate)) ?? candidates[0]!;
  return { modulePath, exportName: handler.slice(dot + 1) };
}

function functionSpec(cdkOutDir: string, logicalId: string, resource: CfnResource): FunctionSpec {
  const p = props(resource);
  const environment = (p.Environment?.Variables ?? {}) as Record<string, unknown>;
  const shortName = typeof environment.PAYOUT_FUNCTION === 'string' ? environment.PAYOUT_FUNCTION : logicalId;
  return {
    logicalId,
    name: names.functionName(logicalId),
    shortName,
    ...assetModulePath(cdkOutDir, logicalId, resource),
    timeoutSeconds: Number(p.Timeout ?? LAMBDA_TIMEOUT_SECONDS_DEFAULT),
    memoryMb: Number(p.MemorySize ?? LAMBDA_MEMORY_MB_DEFAULT),
    environment,
  };
}

/** Follows Route.Target "integrations/<id>" → Integration.IntegrationUri → function logical id. */
function routeFunction(loaded: LoadedTemplate, routeId: string, route: Record<string, any>): string {
  const integrationId = referencedLogicalId(route.Target);
  const integration = integrationId ? loaded.template.Resources[integrationId] : undefined;
  const functionId = integration ? referencedLogicalId(props(integration).IntegrationUri) : undefined;
  if (!functionId || loaded.template.Resources[functionId]?.Type !== 'AWS::Lambda::Function') {
    throw new TemplateError(`route ${routeId} (${route.RouteKey}) does not target a Lambda integration`);
  }
  return functionId;
}

export function buildModel(loaded: LoadedTemplate): TwinModel {
  const { template, cdkOutDir } = loaded;
  const of = (type: string) => resourcesOfType(template, type);
  const functionIdOf = (value: unknown) => {
    const id = referencedLogicalId(value);
    return id && template.Resources[id]?.Type === 'AWS::Lambda::Function' ? id : undefined;
  };
  const schedules: ScheduleSpec[] = [];
  for (const [logicalId, resource] of of('AWS::Scheduler::Schedule')) {
    const p = props(resource);
    const functionLogicalId = functionIdOf(p.Target?.Arn);
    if (!functionLogicalId) continue; // universal targets (SQS, Step Functions …) have no local runner
    schedules.push({
      logicalId,
      expression: p.ScheduleExpression,
      timezone: p.ScheduleExpressionTimezone ?? 'UTC',
      functionLogicalId,
      input: p.Target?.Input,
      enabled: p.State !== 'DISABLED',
    });
  }
  for (const [logicalId, resource] of of('AWS::Events::Rule')) {
    const p = props(resource);
    if (!p.ScheduleExpression) continue; // event-pattern rules are not schedules
    for (const target of p.Targets ?? []) {
      const functionLogicalId = functionIdOf(target.Arn);
      if (functionLogicalId)
        schedules.push({
          logicalId,
          expression: p.ScheduleExpression,
          timezone: 'UTC',
          functionLogicalId,
          input: target.Input,
          enabled: p.State !== 'DISABLED',
        });
    }
  }
  const model: TwinModel = {
    stackName: loaded.stackName,
    cdkOutDir,
    tables: [...of('AWS::DynamoDB::Table'), ...of('AWS::DynamoDB::GlobalTable')].map(([id, r]) => tableSpec(id, r)),
    queues: of('AWS::SQS::Queue').map(([id, r]) => queueSpec(id, r)),
    buckets: of('AWS::S3::Bucket').map(([id, r]) => ({
      logicalId: id,
      name: names.bucketName(id),
      versioned: props(r).VersioningConfiguration?.Status === 'Enabled',
    })),
    routes: of('AWS::ApiGatewayV2::Route').map(([id, r]) => {
      const p = props(r);
      const authorized = p.AuthorizationType && p.AuthorizationType !== 'NONE';
      return {
        logicalId: id,
        routeKey: p.RouteKey,
        functionLogicalId: routeFunction(loaded, id, p),
        authorizerLogicalId: authorized ? referencedLogicalId(p.AuthorizerId) : undefined,
        scopes: p.AuthorizationScopes ?? [],
      };
    }),
    authorizers: of('AWS::ApiGatewayV2::Authorizer').map(([id, r]) => {
      const p = props(r);
      const audiences = (p.JwtConfiguration?.Audience ?? []).map((aud: unknown) =>
        typeof aud === 'string' ? aud : names.userPoolClientId(referencedLogicalId(aud) ?? String(aud)),
      );
      return { logicalId: id, audiences, identitySource: p.IdentitySource ?? ['$request.header.Authorization'] };
    }),
    userPools: of('AWS::Cognito::UserPool').map(([id, r]) => {
      const trigger = props(r).LambdaConfig?.PreTokenGenerationConfig;
      const groups = of('AWS::Cognito::UserPoolGroup')
        .filter(([, group]) => referencedLogicalId(props(group).UserPoolId) === id)
        .map(([, group]) => String(props(group).GroupName));
      return {
        logicalId: id,
        preTokenFunctionLogicalId: functionIdOf(trigger?.LambdaArn),
        preTokenLambdaVersion: trigger?.LambdaVersion,
        groups,
      };
    }),
    userPoolClients: of('AWS::Cognito::UserPoolClient').map(([id, r]) => {
      const p = props(r);
      return {
        logicalId: id,
        clientId: names.userPoolClientId(id),
        name: String(p.ClientName ?? id),
        flows: p.AllowedOAuthFlows ?? [],
        allowedScopes: p.AllowedOAuthScopes ?? [],
      };
    }),
    eventSourceMappings: of('AWS::Lambda::EventSourceMapping').flatMap(([id, r]) => {
      const p = props(r);
      const queueLogicalId = referencedLogicalId(p.EventSourceArn);
      const functionLogicalId = referencedLogicalId(p.FunctionName);
      if (!queueLogicalId || template.Resources[queueLogicalId]?.Type !== 'AWS::SQS::Queue' || !functionLogicalId)
        return [];
      return [
        {
          logicalId: id,
          functionLogicalId,
          queueLogicalId,
          batchSize: Number(p.BatchSize ?? SQS_BATCH_SIZE_DEFAULT),
          maxBatchingWindowSeconds: Number(p.MaximumBatchingWindowInSeconds ?? 0),
          reportBatchItemFailures: (p.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
          enabled: p.Enabled !== false,
        },
      ];
    }),
    schedules,
    functions: [],
  };
  // Our functions carry PAYOUT_FUNCTION; CDK's own helpers (log retention, auto-delete, custom
  // resources) do not and only run during a deployment, so the twin leaves them out.
  const triggers = model.userPools.flatMap((pool) =>
    pool.preTokenFunctionLogicalId === undefined ? [] : [{ functionLogicalId: pool.preTokenFunctionLogicalId }],
  );
  const wired = new Set(
    [...model.routes, ...model.eventSourceMappings, ...model.schedules, ...triggers].map(
      (item) => item.functionLogicalId,
    ),
  );
  model.functions = of('AWS::Lambda::Function')
    .filter(([id, r]) => wired.has(id) || typeof (props(r).Environment?.Variables ?? {}).PAYOUT_FUNCTION === 'string')
    .map(([id, r]) => functionSpec(cdkOutDir, id, r));
  return model;
}

/** The hosted-UI (authorization code) app client operators sign in through, if the template has one. */
export function operatorClient(model: TwinModel): UserPoolClientSpec | undefined {
  return model.userPoolClients.find((client) => client.flows.includes('code'));
}
