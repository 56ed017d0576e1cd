// `npm run --silent token -- --tenant acme --role backend|approver|batch-operator [--scopes a,b]`
// `npm run --silent token -- --operator ada --role ops|finance|compliance [--scopes a,b]`
//   [--ttl-seconds N] [--state-dir DIR]
// prints only a bearer token, minted by the running twin the way Cognito would: the role's app
// client (a tenant's is provisioned on first use) and its allowed scopes, then the pre-token
// trigger, which stamps the principal. `--scopes` may narrow the role; a scope the role does not
// allow fails with invalid_scope, as Cognito does. Roles and scopes: GET /access-matrix.
import { OPERATOR_ROLES, TENANT_ROLES } from '../functions/shared/access-matrix.js';
import { parseArgs } from '../local/cli/cli-args.js';
import { findRunningTwin } from '../local/cli/running-twin.js';
import { requestTwinToken, TwinTokenError } from '../local/cli/twin-tokens.js';
import { STATE_DIR_DEFAULT } from '../local/paths.js';

const USAGE = [
  `usage: npm run --silent token -- --tenant <tenant> --role ${TENANT_ROLES.join('|')} [--scopes <scope,scope>] [--ttl-seconds N]`,
  `       npm run --silent token -- --operator <name> --role ${OPERATOR_ROLES.join('|')} [--scopes <scope,scope>] [--ttl-seconds N]`,
].join('\n');

async function main(): Promise<void> {
  const { flags } = parseArgs(process.argv.slice(2));
  const text = (name: string) => (typeof flags[name] === 'string' ? (flags[name] as string) : undefined);
  const tenant = text('tenant');
  const operator = text('operator');
  const role = text('role');
  if ((tenant === undefined) === (operator === undefined) || role === undefined)
    throw new TwinTokenError('usage', USAGE);
  const ttlSeconds = text('ttl-seconds') === undefined ? undefined : Number(text('ttl-seconds'));
  if (ttlSeconds !== undefined && !Number.isFinite(ttlSeconds)) {
    throw new TwinTokenError('usage', `--ttl-seconds must be a number\n${USAGE}`);
  }
  const scopes = text('scopes')
    ?.split(',')
    .map((scope) => scope.trim())
    .filter(Boolean);
  const running = findRunningTwin(text('state-dir') ?? STATE_DIR_DEFAULT);
  if (running === undefined) {
    throw new TwinTokenError(
      'twin_not_running',
      'no running twin: start it with `npm start` (tokens come from its issuer)',
    );
  }
  const options = {
    role,
    ...(scopes === undefined ? {} : { scopes }),
    ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
  };
  const token = await requestTwinToken(
    running.url,
    tenant !== undefined ? { tenant, ...options } : { operator: operator!, ...options },
  );
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  const code = error instanceof TwinTokenError ? `${error.error}: ` : '';
  console.error(`✖ ${code}${(error as Error).message}`);
  process.exit(1);
});
