import { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TenantPorts } from '../../app/access/tenants';
import { STACK_OUTPUTS } from '../../shared/names';
import { TenantDirectory } from '../tenant-directory';
import { JwtAuthorizerAudience } from './api-audience';
import { ClientSecretsManager } from './client-secrets';
import { CognitoAppClients } from './cognito-app-clients';

/** Every client the AWS path talks to; tests inject fakes (no network). */
export interface AwsTenantClients {
  cloudFormation: Pick<CloudFormationClient, 'send'>;
  cognito: Pick<CognitoIdentityProviderClient, 'send'>;
  secretsManager: Pick<SecretsManagerClient, 'send'>;
  dynamodb: Pick<DynamoDBDocumentClient, 'send'>;
  apiGateway: Pick<ApiGatewayV2Client, 'send'>;
}

export function defaultAwsTenantClients(region?: string): AwsTenantClients {
  const config = region === undefined ? {} : { region };
  return {
    cloudFormation: new CloudFormationClient(config),
    cognito: new CognitoIdentityProviderClient(config),
    secretsManager: new SecretsManagerClient(config),
    dynamodb: DynamoDBDocumentClient.from(new DynamoDBClient(config)),
    apiGateway: new ApiGatewayV2Client(config),
  };
}

/** The stack's own account of its user pool, API, authorizer and table (lib/payout-platform-stack.ts outputs). */
export type StackOutputs = Record<keyof typeof STACK_OUTPUTS, string>;

export async function stackOutputs(
  cloudFormation: AwsTenantClients['cloudFormation'],
  stackName: string,
): Promise<StackOutputs> {
  const out = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
  const outputs = new Map((out.Stacks?.[0]?.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue]));
  const missing = Object.values(STACK_OUTPUTS).filter((key) => !outputs.get(key));
  if (missing.length > 0) {
    throw new Error(`stack ${stackName} has no output ${missing.join(', ')} (deploy this version of the stack first)`);
  }
  return Object.fromEntries(
    Object.entries(STACK_OUTPUTS).map(([name, key]) => [name, outputs.get(key)!]),
  ) as StackOutputs;
}

export async function awsTenantPorts(options: {
  stackName: string;
  stage: string;
  clients: AwsTenantClients;
  now?: () => Date;
}): Promise<TenantPorts> {
  const outputs = await stackOutputs(options.clients.cloudFormation, options.stackName);
  return {
    identity: new CognitoAppClients(options.clients.cognito, outputs.userPoolId),
    secrets: new ClientSecretsManager(options.clients.secretsManager),
    directory: new TenantDirectory(options.clients.dynamodb, outputs.operationsTable),
    audience: new JwtAuthorizerAudience(options.clients.apiGateway, outputs.httpApiId, outputs.jwtAuthorizerId),
    secretName: (tenantId, role) => `payout-platform/${options.stage}/tenants/${tenantId}/${role}`,
    now: options.now ?? (() => new Date()),
  };
}
