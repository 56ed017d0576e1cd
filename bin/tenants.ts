// `npm run tenants -- create|list|disable|sync …` (local/cli/tenants-cli.ts has the commands and
// docs/contracts.md "Tenant provisioning" the story). This file wires the ports: the running twin
// (its issuer over HTTP, its DynamoDB Local, secrets under its state directory), or with --aws the
// deployed stack of --stage (Cognito, Secrets Manager, DynamoDB, API Gateway, found through the
// stack's outputs; credentials and region from the usual AWS environment).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsTenantPorts, defaultAwsTenantClients } from '../functions/adapters/identity/aws-tenant-ports.js';
import type { TenantPorts } from '../functions/app/access/tenants.js';
import { httpRegistryPorts, twinTenantPorts } from '../local/aws/tenant-ports.js';
import { findRunningTwin } from '../local/cli/running-twin.js';
import { runTenantsCli, type TenantsTarget } from '../local/cli/tenants-cli.js';
import { DUMMY_CREDENTIALS } from '../local/emulators/dynamodb.js';
import { STATE_DIR_DEFAULT } from '../local/paths.js';
import { LOCAL_REGION, tableName } from '../local/template/names.js';

async function connect(target: TenantsTarget): Promise<TenantPorts> {
  if (target.kind === 'aws') {
    const stackName = target.stackName ?? `PayoutPlatform-${target.stage}`;
    return awsTenantPorts({ stackName, stage: target.stage, clients: defaultAwsTenantClients(target.region) });
  }
  const running = findRunningTwin(target.stateDir ?? STATE_DIR_DEFAULT);
  if (running === undefined)
    throw new Error('no running twin: start it with `npm start` (or pass --aws --stage <stage>)');
  const endpoint = running.endpoints['AWS_ENDPOINT_URL_DYNAMODB']!;
  const dynamodb = new DynamoDBClient({ region: LOCAL_REGION, credentials: DUMMY_CREDENTIALS, endpoint });
  return twinTenantPorts({
    registry: httpRegistryPorts(running.url),
    documentClient: DynamoDBDocumentClient.from(dynamodb),
    operationsTable: tableName('OperationsTable'),
    stateDir: running.stateDir,
  });
}

runTenantsCli(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  connect,
}).then(
  // Exit once stdout is flushed: a pipe's writes are asynchronous and a large answer was cut short.
  (code) => process.stdout.write('', () => process.exit(code)),
  (error: unknown) => {
    console.error(`✖ ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
