// Resolves CloudFormation intrinsics (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split)
// to the twin's local names and URLs. Anything the twin cannot resolve becomes an
// UnsupportedTemplateError rather than a silently wrong string.
import { UnsupportedTemplateError } from '../errors.js';
import * as names from './names.js';
import type { CfnTemplate } from './template.js';

export interface ResolveContext {
  template: CfnTemplate;
  stackName: string;
  /** Base URL of the local SQS endpoint (fauxqs), for queue URLs. */
  sqsEndpointUrl: string;
  /** Base URL of the twin's API, for an HTTP API's ApiEndpoint. */
  apiUrl: string;
  /** The twin's JWT issuer; a Cognito user pool's ProviderURL resolves to it. */
  issuerUrl: string;
}

/** Marks `Ref: AWS::NoValue`: the property is dropped, as CloudFormation does. */
export const NO_VALUE = Symbol('AWS::NoValue');

function pseudoParameter(name: string, context: ResolveContext): string | typeof NO_VALUE | undefined {
  switch (name) {
    case 'AWS::Region':
      return names.LOCAL_REGION;
    case 'AWS::AccountId':
      return names.LOCAL_ACCOUNT_ID;
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::StackName':
      return context.stackName;
    case 'AWS::StackId':
      return `arn:aws:cloudformation:${names.LOCAL_REGION}:${names.LOCAL_ACCOUNT_ID}:stack/${context.stackName}/local`;
    case 'AWS::NoValue':
      return NO_VALUE;
    default:
      return undefined;
  }
}

/** `Ref` of a resource: what CloudFormation returns for its type, in local terms. */
export function refOf(logicalId: string, context: ResolveContext): string | typeof NO_VALUE {
  const pseudo = pseudoParameter(logicalId, context);
  if (pseudo !== undefined) return pseudo;
  const parameter = context.template.Parameters?.[logicalId];
  if (parameter) return String(parameter.Default ?? '');
  const resource = context.template.Resources[logicalId];
  if (!resource) throw new UnsupportedTemplateError(`Ref to unknown logical id ${logicalId}`);
  switch (resource.Type) {
    case 'AWS::DynamoDB::Table':
    case 'AWS::DynamoDB::GlobalTable':
      return names.tableName(logicalId);
    case 'AWS::SQS::Queue':
      return names.queueUrl(context.sqsEndpointUrl, names.queueName(logicalId, resource));
    case 'AWS::S3::Bucket':
      return names.bucketName(logicalId);
    case 'AWS::Lambda::Function':
      return names.functionName(logicalId);
    case 'AWS::Cognito::UserPoolClient':
      return names.userPoolClientId(logicalId);
    case 'AWS::Cognito::UserPool':
      return `${names.LOCAL_REGION}_${logicalId}`;
    case 'AWS::SecretsManager::Secret':
      return `arn:aws:secretsmanager:${names.LOCAL_REGION}:${names.LOCAL_ACCOUNT_ID}:secret:${logicalId}`;
    default:
      // Ids of API Gateway parts, roles, log groups …: the logical id is as good a local id as any.
      return logicalId;
  }
}

/** `Fn::GetAtt` of a resource attribute, in local terms. */
export function getAttOf(logicalId: string, attribute: string, context: ResolveContext): string {
  const resource = context.template.Resources[logicalId];
  if (!resource) throw new UnsupportedTemplateError(`Fn::GetAtt of unknown logical id ${logicalId}`);
  const arnPrefix = `arn:aws`;
  switch (`${resource.Type}.${attribute}`) {
    case 'AWS::DynamoDB::Table.Arn':
    case 'AWS::DynamoDB::GlobalTable.Arn':
      return names.tableArn(names.tableName(logicalId));
    case 'AWS::DynamoDB::Table.StreamArn':
    case 'AWS::DynamoDB::GlobalTable.StreamArn':
      return `${names.tableArn(names.tableName(logicalId))}/stream/local`;
    case 'AWS::SQS::Queue.Arn':
      return names.queueArn(names.queueName(logicalId, resource));
    case 'AWS::SQS::Queue.QueueUrl':
      return names.queueUrl(context.sqsEndpointUrl, names.queueName(logicalId, resource));
    case 'AWS::SQS::Queue.QueueName':
      return names.queueName(logicalId, resource);
    case 'AWS::S3::Bucket.Arn':
      return `${arnPrefix}:s3:::${names.bucketName(logicalId)}`;
    case 'AWS::S3::Bucket.DomainName':
    case 'AWS::S3::Bucket.RegionalDomainName':
      return `${names.bucketName(logicalId)}.s3.localhost`;
    case 'AWS::Lambda::Function.Arn':
      return names.functionArn(names.functionName(logicalId));
    case 'AWS::Cognito::UserPool.Arn':
      return `${arnPrefix}:cognito-idp:${names.LOCAL_REGION}:${names.LOCAL_ACCOUNT_ID}:userpool/${refOf(logicalId, context) as string}`;
    case 'AWS::Cognito::UserPool.ProviderURL':
      return context.issuerUrl.replace(/^https?:\/\//, '');
    case 'AWS::Cognito::UserPool.ProviderName':
      return context.issuerUrl.replace(/^https?:\/\//, '');
    case 'AWS::ApiGatewayV2::Api.ApiEndpoint':
      return context.apiUrl;
    case 'AWS::ApiGatewayV2::Api.ApiId':
      return logicalId;
    default:
      if (attribute === 'Arn') return `${arnPrefix}:local:${names.LOCAL_REGION}:${names.LOCAL_ACCOUNT_ID}:${logicalId}`;
      return `${logicalId}.${attribute}`;
  }
}

function substitute(text: string, variables: Record<string, unknown>, context: ResolveContext): string {
  return text.replace(/\$\{([^}]+)\}/g, (whole, expression: string) => {
    if (expression.startsWith('!')) return `\${${expression.slice(1)}}`; // ${!Literal} escapes
    if (expression in variables) return String(resolve(variables[expression], context));
    const [logicalId, ...attribute] = expression.split('.');
    if (attribute.length > 0) return getAttOf(logicalId!, attribute.join('.'), context);
    const ref = refOf(logicalId!, context);
    if (ref === NO_VALUE) throw new UnsupportedTemplateError(`Fn::Sub of AWS::NoValue in ${whole}`);
    return ref;
  });
}

function resolveIntrinsic(name: string, argument: unknown, context: ResolveContext): unknown {
  switch (name) {
    case 'Ref':
      return refOf(String(argument), context);
    case 'Fn::GetAtt': {
      const [logicalId, attribute] = Array.isArray(argument) ? argument : String(argument).split(/\.(.+)/);
      return getAttOf(String(logicalId), String(attribute), context);
    }
    case 'Fn::Join': {
      const [delimiter, parts] = argument as [string, unknown[]];
      return (resolve(parts, context) as unknown[]).map(String).join(delimiter);
    }
    case 'Fn::Sub': {
      const [text, variables] = Array.isArray(argument) ? argument : [argument, {}];
      return substitute(String(text), (variables ?? {}) as Record<string, unknown>, context);
    }
    case 'Fn::Select': {
      const [index, list] = argument as [unknown, unknown];
      return (resolve(list, context) as unknown[])[Number(resolve(index, context))];
    }
    case 'Fn::Split': {
      const [delimiter, text] = argument as [string, unknown];
      return String(resolve(text, context)).split(delimiter);
    }
    case 'Fn::Base64':
      return Buffer.from(String(resolve(argument, context))).toString('base64');
    case 'Fn::GetAZs':
      return [`${names.LOCAL_REGION}a`, `${names.LOCAL_REGION}b`];
    default:
      throw new UnsupportedTemplateError(`intrinsic ${name} is not supported by the twin`);
  }
}

/** Resolves every intrinsic in a value, recursively. */
export function resolve(value: unknown, context: ResolveContext): unknown {
  if (Array.isArray(value)) return value.map((item) => resolve(item, context)).filter((item) => item !== NO_VALUE);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1 && (entries[0]![0] === 'Ref' || entries[0]![0].startsWith('Fn::'))) {
    return resolveIntrinsic(entries[0]![0], entries[0]![1], context);
  }
  const resolved: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    const result = resolve(item, context);
    if (result !== NO_VALUE) resolved[key] = result;
  }
  return resolved;
}

/** Resolves a value that must end up a string (an env var, a name). */
export function resolveString(value: unknown, context: ResolveContext): string {
  const resolved = resolve(value, context);
  return typeof resolved === 'string' ? resolved : JSON.stringify(resolved);
}

/** The logical id a `Ref`/`Fn::GetAtt` points at, without resolving it (to follow wiring). */
export function referencedLogicalId(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const object = value as Record<string, unknown>;
  if (typeof object.Ref === 'string') return object.Ref;
  const getAtt = object['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return String(getAtt[0]);
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  const join = object['Fn::Join'];
  if (Array.isArray(join))
    for (const part of join[1] as unknown[]) {
      const id = referencedLogicalId(part);
      if (id) return id;
    }
  return undefined;
}
