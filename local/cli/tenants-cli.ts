// `npm run tenants -- <command>`: tenant provisioning (functions/app/access/tenants.ts) from a
// terminal, against the running twin or, with --aws, a deployed stack. Arguments, output and exit
// codes live here; bin/tenants.ts only wires the ports, so tests run this with their own.
//
//   create <tenant> [--role backend,approver,batch-operator] [--scopes s1,s2] [--dry-run]
//   list [<tenant>]
//   disable <tenant> [--dry-run]
//   sync [--dry-run]          the API audience back in line with the directory (after a deploy)
//   any command: [--json]; [--aws --stage <stage> [--region r] [--stack name]]; [--state-dir DIR] (twin)
import {
  createTenant,
  disableTenant,
  listTenants,
  syncAudience,
  TenantProvisioningError,
  type PlannedClient,
  type TenantPorts,
} from '../../functions/app/access/tenants.js';
import { parseArgs } from './cli-args.js';

export const TENANTS_USAGE = `usage: npm run tenants -- create <tenant> [--role r1,r2] [--scopes s1,s2] [--dry-run]
                      | list [<tenant>] | disable <tenant> [--dry-run] | sync [--dry-run]
       any command: [--json] [--aws --stage <stage> [--region <region>] [--stack <name>]] [--state-dir <dir>]`;

export type TenantsTarget =
  { kind: 'twin'; stateDir?: string } | { kind: 'aws'; stage: string; region?: string; stackName?: string };

export interface TenantsIo {
  out(line: string): void;
  err(line: string): void;
  connect(target: TenantsTarget): Promise<TenantPorts>;
}

class UsageError extends Error {}

type Flags = Record<string, string | true>;
const text = (flags: Flags, name: string): string | undefined =>
  typeof flags[name] === 'string' ? (flags[name] as string) : undefined;
const list = (flags: Flags, name: string): string[] | undefined =>
  text(flags, name)
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);

function targetOf(flags: Flags): TenantsTarget {
  const optional = (flag: string, key: string) =>
    text(flags, flag) === undefined ? {} : { [key]: text(flags, flag)! };
  if (flags['aws'] !== true) return { kind: 'twin', ...optional('state-dir', 'stateDir') };
  const stage = text(flags, 'stage');
  // No default stage: a tenant created in the wrong account is a tenant that can move money there.
  if (stage === undefined) throw new UsageError('--aws needs --stage <stage>');
  return { kind: 'aws', stage, ...optional('region', 'region'), ...optional('stack', 'stackName') };
}

function printClients(io: TenantsIo, clients: PlannedClient[], dryRun: boolean): void {
  for (const client of clients) {
    io.out(`  ${client.role.padEnd(15)} client ${client.clientId ?? `(would be ${client.clientName})`}`);
    io.out(`  ${''.padEnd(15)} scopes ${client.scopes.join(' ')}`);
    io.out(
      `  ${''.padEnd(15)} secret ${client.secretLocation ?? `${client.secretName}${dryRun ? ' (would be stored)' : ''}`}`,
    );
  }
}

async function run(positional: string[], flags: Flags, io: TenantsIo): Promise<number> {
  const [command, tenant, extra] = positional;
  const json = flags['json'] === true;
  const dryRun = flags['dry-run'] === true;
  if (command === undefined || extra !== undefined) throw new UsageError(TENANTS_USAGE);
  const needsTenant = command === 'create' || command === 'disable';
  if (needsTenant && tenant === undefined) throw new UsageError(`${command} needs a tenant id\n${TENANTS_USAGE}`);
  if (!['create', 'list', 'disable', 'sync'].includes(command)) throw new UsageError(TENANTS_USAGE);
  const target = targetOf(flags);
  const ports = await io.connect(target);
  const where = target.kind === 'aws' ? `AWS stage ${target.stage}` : 'the twin';
  switch (command) {
    case 'create': {
      const roles = list(flags, 'role');
      const scopes = list(flags, 'scopes');
      const narrowing = { ...(roles === undefined ? {} : { roles }), ...(scopes === undefined ? {} : { scopes }) };
      const result = await createTenant(ports, { tenantId: tenant!, ...narrowing, dryRun });
      if (json) return (io.out(JSON.stringify(result, null, 2)), 0);
      io.out(
        `${dryRun ? '○ dry run, nothing created:' : '✔'} tenant ${result.tenantId} on ${where}, ${result.clients.length} client(s)`,
      );
      printClients(io, result.clients, dryRun);
      const mappings = `${result.mappingKeys.join(', ')} in the operations table`;
      io.out(
        `  mapping         ${dryRun ? `would write ${mappings}` : `wrote ${mappings}; the clients are in the API audience`}`,
      );
      return 0;
    }
    case 'list': {
      const clients = await listTenants(ports, tenant);
      if (json) return (io.out(JSON.stringify(clients, null, 2)), 0);
      if (clients.length === 0) io.out(`no tenant clients on ${where}${tenant === undefined ? '' : ` for ${tenant}`}`);
      for (const client of clients) {
        const audience =
          client.status === 'active' && !client.inAudience
            ? '  ⚠ not in the API audience (npm run tenants -- sync)'
            : '';
        const columns = [
          client.tenantId.padEnd(20),
          client.role.padEnd(15),
          client.status.padEnd(9),
          client.clientId,
          '',
          client.secretLocation,
        ];
        io.out(`${columns.join(' ')}${audience}`);
      }
      return 0;
    }
    case 'disable': {
      const result = await disableTenant(ports, { tenantId: tenant!, dryRun });
      if (json) return (io.out(JSON.stringify(result, null, 2)), 0);
      const clients = result.disabled.map((r) => `${r.role} ${r.clientId}`).join(', ');
      io.out(
        `${dryRun ? '○ dry run, would disable' : '✔ disabled'} ${result.disabled.length} client(s) of ${result.tenantId} on ${where}: ${clients}`,
      );
      return 0;
    }
    default: {
      const result = await syncAudience(ports, { dryRun });
      if (json) return (io.out(JSON.stringify(result, null, 2)), 0);
      const change = (ids: string[], what: string) => `${ids.length} ${what} (${ids.join(', ') || '—'})`;
      io.out(
        `${dryRun ? '○ dry run:' : '✔'} API audience on ${where}: ${change(result.added, 'added')}, ${change(result.removed, 'removed')}`,
      );
      return 0;
    }
  }
}

/** Exit code: 0 done, 1 refused or failed (the error's code is printed), 2 usage. */
export async function runTenantsCli(argv: string[], io: TenantsIo): Promise<number> {
  const { positional, flags } = parseArgs(argv);
  try {
    return await run(positional, flags, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(error.message);
      return 2;
    }
    if (error instanceof TenantProvisioningError) {
      io.err(`✖ ${error.code}: ${error.message}${error.param === undefined ? '' : ` (--${error.param})`}`);
      if (error.created.length > 0) {
        // None of these can open a route yet: no mapping means no scope, no audience means 401.
        io.err(
          '  created before the failure — if the mapping was written, `npm run tenants -- sync` finishes the audience;',
        );
        io.err('  otherwise delete these app clients:');
        for (const client of error.created) {
          io.err(`  ${client.role} ${client.clientId ?? '?'} ${client.secretLocation ?? '(no secret stored)'}`);
        }
      }
      return 1;
    }
    io.err(`✖ ${(error as Error).message}`);
    return 1;
  }
}
