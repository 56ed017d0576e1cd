// npm run provider-check -- <provider>: the conformance suite (test/conformance/suite.ts) against the
// provider's real sandbox, when its credentials are in the environment (docs/providers/README.md says which
// and how to get them). Without them: one line saying so, exit 0. The checks that need injected faults skip.
import { spawnSync } from 'node:child_process';
import { ENV } from '../functions/shared/names.js';
import { LIVE_TARGETS, missingVariables } from '../test/conformance/live-subjects.js';

const provider = process.argv[2];
if (provider === undefined || LIVE_TARGETS[provider] === undefined) {
  console.error(`usage: npm run provider-check -- <${Object.keys(LIVE_TARGETS).join('|')}>`);
  process.exit(2);
}
const missing = missingVariables(provider, process.env) ?? [];
if (missing.length > 0) {
  console.log(`provider-check ${provider}: skipped, no sandbox credentials (set ${missing.join(', ')})`);
  process.exit(0);
}
const run = spawnSync('npx', ['vitest', 'run', 'test/conformance/live.test.ts'], {
  stdio: 'inherit',
  env: { ...process.env, [ENV.providerCheck]: provider },
});
process.exit(run.status ?? 1);
