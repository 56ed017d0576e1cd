// Starts every provider stand-in (stand-ins.ts) for the twin and writes the functions' credentials file:
// the developer's config/provider-credentials.local.json (gitignored) or the checked-in example, with
// each provider's base_url pointed at its stand-in. The file lives in the twin's state directory, mode 0600.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../paths.js';
import { STAND_INS } from './stand-ins.js';
import type { StartedTwinStandIn } from './twin-stand-in.js';

const LOCAL_CREDENTIALS_FILE = join(REPO_ROOT, 'config', 'provider-credentials.local.json');

export interface ProviderStandIns {
  readonly byProvider: Readonly<Record<string, StartedTwinStandIn>>;
  /** PROVIDER_CREDENTIALS_FILE for the functions. */
  readonly credentialsFile: string;
  stop(): Promise<void>;
}

export async function startProviderStandIns(options: {
  apiUrl: string;
  webhookSecretsFile: string;
  stateDir: string;
  nowMs: () => number;
}): Promise<ProviderStandIns> {
  const credentials = existsSync(LOCAL_CREDENTIALS_FILE)
    ? (JSON.parse(readFileSync(LOCAL_CREDENTIALS_FILE, 'utf8')) as Record<string, Record<string, string>>)
    : {};
  const webhookSecretsFile = resolve(REPO_ROOT, options.webhookSecretsFile);
  const started = await Promise.all(
    STAND_INS.map((standIn) =>
      standIn.start({ apiUrl: options.apiUrl, webhookSecretsFile, credentials, nowMs: options.nowMs }),
    ),
  );
  const credentialsFile = join(options.stateDir, 'provider-credentials.json');
  const entries = Object.fromEntries(started.map((standIn) => [standIn.provider, standIn.credentials]));
  writeFileSync(credentialsFile, JSON.stringify(entries, null, 2), { mode: 0o600 });
  return {
    byProvider: Object.fromEntries(started.map((standIn) => [standIn.provider, standIn])),
    credentialsFile,
    stop: async () => void (await Promise.allSettled(started.map((standIn) => standIn.stop()))),
  };
}
