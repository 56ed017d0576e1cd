// `npm run --silent token -- --tenant acme --scopes payouts:write,payouts:read [--ttl-seconds N]`
// prints only a bearer token the twin accepts: RS256 with the `.local/issuer` key (created when
// missing), `iss` = the twin's issuer for the configured port, `client_id` = the M2M client's
// local id, scopes qualified as `payout-platform/<scope>`, claim `tenant_id`.
import { parseArgs } from '../local/cli/cli-args.js';
import { loadLocalConfig } from '../local/config.js';
import { issuerUrl, loadOrCreateKeys, signToken, TokenRequestError } from '../local/aws/issuer.js';
import { buildModel, defaultClientId } from '../local/template/model.js';
import { CDK_OUT_DIR, STATE_DIR_DEFAULT, stateDirs } from '../local/paths.js';
import { findRunningTwin } from '../local/cli/running-twin.js';
import { loadTemplate } from '../local/template/template.js';

const USAGE = 'usage: npm run --silent token -- --tenant <tenant> --scopes <scope,scope> [--ttl-seconds N] [--port N]';

async function main(): Promise<void> {
  const { flags } = parseArgs(process.argv.slice(2));
  if (typeof flags.tenant !== 'string' || typeof flags.scopes !== 'string') throw new TokenRequestError(USAGE);
  const dirs = stateDirs(STATE_DIR_DEFAULT);
  const config = loadLocalConfig();
  // A running twin knows its port and client id; otherwise derive them as the twin will.
  const running = findRunningTwin();
  const port = flags.port ? Number(flags.port) : config.port;
  const issuer = flags.port || !running ? issuerUrl(port) : running.issuer;
  const clientId = running?.clientId ?? defaultClientId(buildModel(loadTemplate(CDK_OUT_DIR, config.stackName)));
  const keys = await loadOrCreateKeys(dirs.issuer);
  const ttlSeconds = flags['ttl-seconds'] === undefined ? undefined : Number(flags['ttl-seconds']);
  if (ttlSeconds !== undefined && !Number.isFinite(ttlSeconds)) throw new TokenRequestError(`--ttl-seconds must be a number\n${USAGE}`);
  const scopes = flags.scopes.split(',').map((scope) => scope.trim()).filter(Boolean);
  process.stdout.write(`${await signToken(keys, { tenant: flags.tenant, scopes, clientId, issuer, ...(ttlSeconds === undefined ? {} : { ttlSeconds }) })}\n`);
}

main().catch((error: unknown) => {
  console.error(`✖ ${(error as Error).message}`);
  process.exit(1);
});
