// `npx tsx bin/sandbox.ts [--port 4010] [--host 0.0.0.0] [--state-dir DIR] [--webhook-url URL]
//                        [--step-seconds 5] [--submit-hang-ms 15000]`
// The sandbox provider on its own, outside the twin: for a staging stack (put it behind an HTTPS
// load balancer and give its URL to the CDK app as sandboxProviderUrl) or to poke at by hand.
// docs/sandbox-provider.md lists its API and test triggers.
import { join } from 'node:path';
import { parseArgs } from '../local/cli/cli-args.js';
import { STATE_DIR_DEFAULT } from '../local/paths.js';
import { startSandboxProvider } from '../local/sandbox/sandbox-process.js';

const { flags } = parseArgs(process.argv.slice(2));
const text = (name: string): string | undefined =>
  typeof flags[name] === 'string' ? (flags[name] as string) : undefined;
const number = (name: string): number | undefined => (text(name) === undefined ? undefined : Number(text(name)));

const sandbox = await startSandboxProvider({
  port: number('port') ?? 4010,
  host: text('host'),
  stateDir: text('state-dir') ?? join(STATE_DIR_DEFAULT, 'sandbox-standalone'),
  webhookUrl: text('webhook-url'),
  stepSeconds: number('step-seconds'),
  submitHangMs: number('submit-hang-ms'),
});
console.log(JSON.stringify({ sandbox: sandbox.url, triggers: `${sandbox.url}/v1/test/triggers` }));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void sandbox.stop().then(() => process.exit(0));
  });
}
