import { GetAuthorizerCommand, UpdateAuthorizerCommand } from '@aws-sdk/client-apigatewayv2';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CreateUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CreateSecretCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { awsTenantPorts, type AwsTenantClients } from '../../../../functions/adapters/identity/aws-tenant-ports';
import {
  createTenant,
  disableTenant,
  syncAudience,
  TenantProvisioningError,
} from '../../../../functions/app/access/tenants';
import { TENANT_ROLES, tenantActor } from '../../../../functions/shared/access-matrix';
import { qualifiedScope } from '../../../../functions/shared/names';
import { runTenantsCli } from '../../../../local/cli/tenants-cli';

// The AWS path of tenant provisioning with injected SDK clients: no network. Each fake answers the
// commands the adapters send and records them, so the test reads what AWS would have been asked.

type Sent = { name: string; input: any };
const NOW = new Date('2026-03-01T10:00:00.000Z');
const OUTPUTS = {
  UserPoolId: 'eu-west-1_pool',
  HttpApiId: 'api123',
  JwtAuthorizerId: 'auth456',
  OperationsTableName: 'ops-table',
};

function fakeAws(
  options: {
    directoryItems?: Array<Record<string, unknown>>;
    audience?: string[];
    failSecretAfter?: number;
    existingSecrets?: string[];
  } = {},
) {
  const sent: Sent[] = [];
  let audience = options.audience ?? ['console-client'];
  let clients = 0;
  let secrets = 0;
  const client = (handle: (command: any) => unknown) => ({
    send: async (command: any) => {
      sent.push({ name: command.constructor.name, input: command.input });
      return handle(command);
    },
  });
  const aws: AwsTenantClients = {
    cloudFormation: client((command) => {
      expect(command).toBeInstanceOf(DescribeStacksCommand);
      return {
        Stacks: [{ Outputs: Object.entries(OUTPUTS).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })) }],
      };
    }) as never,
    cognito: client((command) => {
      expect(command).toBeInstanceOf(CreateUserPoolClientCommand);
      clients += 1;
      return { UserPoolClient: { ClientId: `client${clients}`, ClientSecret: `secret${clients}` } };
    }) as never,
    secretsManager: client((command) => {
      if (command instanceof PutSecretValueCommand)
        return { ARN: `arn:aws:secretsmanager:eu-west-1:1:secret:${command.input.SecretId}` };
      expect(command).toBeInstanceOf(CreateSecretCommand);
      if (options.existingSecrets?.includes(command.input.Name))
        throw Object.assign(new Error('exists'), { name: 'ResourceExistsException' });
      secrets += 1;
      if (options.failSecretAfter !== undefined && secrets > options.failSecretAfter)
        throw Object.assign(new Error('AccessDeniedException'), { name: 'AccessDeniedException' });
      return { ARN: `arn:aws:secretsmanager:eu-west-1:1:secret:${command.input.Name}` };
    }) as never,
    dynamodb: client((command) => {
      if (command instanceof QueryCommand) return { Items: options.directoryItems ?? [] };
      if (command instanceof TransactWriteCommand) return {};
      throw new Error(`unexpected ${command.constructor.name}`);
    }) as never,
    apiGateway: client((command) => {
      if (command instanceof GetAuthorizerCommand)
        return {
          JwtConfiguration: {
            Issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_pool',
            Audience: audience,
          },
        };
      if (command instanceof UpdateAuthorizerCommand) {
        audience = command.input.JwtConfiguration!.Audience!;
        return {};
      }
      throw new Error(`unexpected ${command.constructor.name}`);
    }) as never,
  };
  return { aws, sent, audience: () => audience };
}

const ports = (aws: AwsTenantClients) =>
  awsTenantPorts({ stackName: 'PayoutPlatform-dev', stage: 'dev', clients: aws, now: () => NOW });
const named = (sent: Sent[], name: string) => sent.filter((command) => command.name === name);
const directoryItem = (role: string, clientId: string, status: string) => ({
  pk: 'TENANTS',
  sk: `acme#${role}#${clientId}`,
  tenantId: 'acme',
  role,
  clientId,
  status,
  scopes: [],
  secretLocation: 'arn',
  clientName: `tenant-acme-${role}`,
  createdAt: NOW.toISOString(),
});

describe('tenant provisioning on AWS (injected clients)', () => {
  it("creates one client-credentials app client per role with exactly the role's scopes, a secret each, the mappings and the audience", async () => {
    const { aws, sent, audience } = fakeAws();
    const result = await createTenant(await ports(aws), { tenantId: 'acme' });

    const created = named(sent, 'CreateUserPoolClientCommand').map((command) => command.input);
    expect(created.map((input) => input.ClientName)).toEqual(TENANT_ROLES.map((role) => `tenant-acme-${role}`));
    TENANT_ROLES.forEach((role, index) => {
      expect(created[index]).toMatchObject({
        UserPoolId: 'eu-west-1_pool',
        GenerateSecret: true,
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthScopes: tenantActor(role).scopes.map(qualifiedScope),
      });
    });
    const stored = named(sent, 'CreateSecretCommand').map((command) => command.input);
    expect(stored.map((input) => input.Name)).toEqual(
      TENANT_ROLES.map((role) => `payout-platform/dev/tenants/acme/${role}`),
    );
    expect(JSON.parse(stored[0].SecretString)).toEqual({
      tenant_id: 'acme',
      role: 'backend',
      client_id: 'client1',
      client_secret: 'secret1',
      scopes: tenantActor('backend').scopes.map(qualifiedScope),
    });

    const [transaction] = named(sent, 'TransactWriteCommand');
    const items = transaction!.input.TransactItems.map((item: any) => item.Put);
    expect(items).toHaveLength(6);
    expect(items[0]).toMatchObject({
      TableName: 'ops-table',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: { pk: 'TENANT_CLIENT#client1', sk: 'TENANT_CLIENT', tenantId: 'acme', role: 'backend', status: 'active' },
    });
    expect(items[1].Item).toMatchObject({ pk: 'TENANTS', sk: 'acme#backend#client1' });

    expect(named(sent, 'UpdateAuthorizerCommand')[0]!.input).toMatchObject({
      ApiId: 'api123',
      AuthorizerId: 'auth456',
      JwtConfiguration: { Issuer: expect.stringContaining('cognito-idp') },
    });
    expect(audience()).toEqual(['console-client', 'client1', 'client2', 'client3']);
    expect(result.clients.map((client) => [client.role, client.clientId, client.secretLocation])).toEqual(
      TENANT_ROLES.map((role, index) => [
        role,
        `client${index + 1}`,
        `arn:aws:secretsmanager:eu-west-1:1:secret:payout-platform/dev/tenants/acme/${role}`,
      ]),
    );
  });

  it('--dry-run reads the stack and the directory, and changes nothing', async () => {
    const { aws, sent } = fakeAws();
    const result = await createTenant(await ports(aws), { tenantId: 'acme', dryRun: true });
    expect(result.clients).toHaveLength(3);
    expect(sent.map((command) => command.name)).toEqual(['DescribeStacksCommand', 'QueryCommand']);
  });

  it.each([
    ['a scope outside the role', { tenantId: 'acme', roles: ['approver'], scopes: ['payouts:write'] }, 'invalid_scope'],
    ['an operator scope', { tenantId: 'acme', roles: ['backend'], scopes: ['ops:read'] }, 'invalid_scope'],
    ['an unknown scope', { tenantId: 'acme', roles: ['backend'], scopes: ['payouts:everything'] }, 'invalid_scope'],
    ['an unknown role', { tenantId: 'acme', roles: ['admin'] }, 'role_unknown'],
    ['a malformed tenant id', { tenantId: 'Acme Corp' }, 'tenant_id_invalid'],
  ])('refuses %s before sending anything but the stack read', async (_name, request, code) => {
    const { aws, sent } = fakeAws();
    await expect(createTenant(await ports(aws), request)).rejects.toMatchObject({
      name: 'TenantProvisioningError',
      code,
    });
    expect(sent.map((command) => command.name)).toEqual(['DescribeStacksCommand']);
  });

  it('refuses a role that already has an active client (tenant_exists), but not one whose client was disabled', async () => {
    const { aws } = fakeAws({ directoryItems: [directoryItem('backend', 'old1', 'active')] });
    await expect(createTenant(await ports(aws), { tenantId: 'acme' })).rejects.toMatchObject({ code: 'tenant_exists' });
    const disabled = fakeAws({ directoryItems: [directoryItem('backend', 'old1', 'disabled')] });
    await expect(
      createTenant(await ports(disabled.aws), { tenantId: 'acme', roles: ['backend'] }),
    ).resolves.toMatchObject({ clients: [{ role: 'backend', clientId: 'client1' }] });
  });

  it('a role re-created after a disable puts its new credentials into the same secret (a new version)', async () => {
    const name = 'payout-platform/dev/tenants/acme/backend';
    const { aws, sent } = fakeAws({
      existingSecrets: [name],
      directoryItems: [directoryItem('backend', 'old1', 'disabled')],
    });
    const result = await createTenant(await ports(aws), { tenantId: 'acme', roles: ['backend'] });
    expect(
      named(sent, 'PutSecretValueCommand').map((command) => [
        command.input.SecretId,
        JSON.parse(command.input.SecretString).client_id,
      ]),
    ).toEqual([[name, 'client1']]);
    expect(result.clients[0]!.secretLocation).toBe(`arn:aws:secretsmanager:eu-west-1:1:secret:${name}`);
  });

  it('stops at a failed step, writes no mapping, and names what it created', async () => {
    const { aws, sent } = fakeAws({ failSecretAfter: 1 });
    const failure = await createTenant(await ports(aws), { tenantId: 'acme' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TenantProvisioningError);
    expect(failure).toMatchObject({ code: 'provisioning_incomplete', category: 'human_action_required' });
    expect(
      (failure as TenantProvisioningError).created.map((client) => [
        client.role,
        client.clientId,
        client.secretLocation,
      ]),
    ).toEqual([
      ['backend', 'client1', 'arn:aws:secretsmanager:eu-west-1:1:secret:payout-platform/dev/tenants/acme/backend'],
      ['approver', 'client2', undefined],
    ]);
    expect(named(sent, 'TransactWriteCommand')).toEqual([]);
    expect(named(sent, 'UpdateAuthorizerCommand')).toEqual([]);
  });

  it('disable marks both items of every active client disabled and takes them out of the audience', async () => {
    const { aws, sent, audience } = fakeAws({
      audience: ['console-client', 'c1', 'c2'],
      directoryItems: [directoryItem('backend', 'c1', 'active'), directoryItem('approver', 'c2', 'active')],
    });
    await disableTenant(await ports(aws), { tenantId: 'acme' });
    const updates = named(sent, 'TransactWriteCommand')[0]!.input.TransactItems.map((item: any) => item.Update);
    expect(updates.map((update: any) => update.Key)).toEqual([
      { pk: 'TENANT_CLIENT#c1', sk: 'TENANT_CLIENT' },
      { pk: 'TENANTS', sk: 'acme#backend#c1' },
      { pk: 'TENANT_CLIENT#c2', sk: 'TENANT_CLIENT' },
      { pk: 'TENANTS', sk: 'acme#approver#c2' },
    ]);
    expect(updates[0].ExpressionAttributeValues).toEqual({ ':status': 'disabled', ':at': NOW.toISOString() });
    expect(audience()).toEqual(['console-client']);
  });

  it('sync adds active clients missing from the audience and removes disabled ones, leaving the console client alone', async () => {
    const { aws, audience } = fakeAws({
      audience: ['console-client', 'gone'],
      directoryItems: [directoryItem('backend', 'live', 'active'), directoryItem('approver', 'gone', 'disabled')],
    });
    const result = await syncAudience(await ports(aws));
    expect(result).toEqual({ dryRun: false, added: ['live'], removed: ['gone'] });
    expect(audience()).toEqual(['console-client', 'live']);
  });

  it('the CLI prints invalid_scope and exits 1 for a scope outside the role (no client made)', async () => {
    const { aws, sent } = fakeAws();
    const out: string[] = [];
    const err: string[] = [];
    const code = await runTenantsCli(
      [
        'create',
        'acme',
        '--role',
        'batch-operator',
        '--scopes',
        'batches:retry,payouts:write',
        '--aws',
        '--stage',
        'dev',
      ],
      {
        out: (line) => out.push(line),
        err: (line) => err.push(line),
        connect: async (target) => {
          expect(target).toEqual({ kind: 'aws', stage: 'dev' });
          return ports(aws);
        },
      },
    );
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/^✖ invalid_scope: the batch-operator role may not hold payouts:write/);
    expect(named(sent, 'CreateUserPoolClientCommand')).toEqual([]);
  });

  it('the CLI refuses --aws without a stage (usage, exit 2)', async () => {
    const err: string[] = [];
    const code = await runTenantsCli(['list', '--aws'], {
      out: () => undefined,
      err: (line) => err.push(line),
      connect: async () => {
        throw new Error('must not connect');
      },
    });
    expect(code).toBe(2);
    expect(err[0]).toContain('--stage');
  });
});
