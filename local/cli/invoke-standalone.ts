// `npm run invoke` when no twin is running: like `sam local invoke`, start only what one function
// needs — DynamoDB Local + fauxqs on the `.local/` state (tables, queues and buckets created) and the
// sandbox provider — run the function once in a worker, stop everything.
import { loadLocalConfig } from '../config.js';
import { startEmulatorsFor } from '../emulators/emulators.js';
import { functionEnvironment } from '../template/environment.js';
import { issuerUrl } from '../aws/issuer.js';
import { LambdaRuntime } from '../aws/lambda-runtime.js';
import { buildModel } from '../template/model.js';
import { CDK_OUT_DIR, STATE_DIR_DEFAULT, stateDirs } from '../paths.js';
import { startSandboxProvider } from '../sandbox/sandbox-process.js';
import { synthesize } from '../template/synth.js';
import { loadTemplate } from '../template/template.js';

export async function invokeStandalone(
  functionName: string,
  event: unknown,
  options: { synth: boolean; log(line: string): void },
): Promise<unknown> {
  const config = loadLocalConfig();
  if (options.synth) await synthesize({ onlyIfStale: true, log: options.log });
  const loaded = loadTemplate(CDK_OUT_DIR, config.stackName);
  const model = buildModel(loaded);
  const fn = model.functions.find((candidate) => [candidate.shortName, candidate.logicalId].includes(functionName));
  if (!fn)
    throw new Error(
      `no function ${functionName}; known: ${model.functions.map((candidate) => candidate.shortName).join(', ')}`,
    );
  const dirs = stateDirs(STATE_DIR_DEFAULT);
  const apiUrl = `http://127.0.0.1:${config.port}`;
  const [emulators, sandbox] = await Promise.all([
    startEmulatorsFor(model, { stateDir: dirs.root }),
    startSandboxProvider({ port: 0, stateDir: dirs.sandbox, webhookUrl: `${apiUrl}/webhooks/sandbox` }),
  ]);
  const runtime = new LambdaRuntime([
    {
      spec: fn,
      environment: functionEnvironment(
        fn,
        {
          template: loaded.template,
          stackName: loaded.stackName,
          sqsEndpointUrl: emulators.sqsEndpointUrl,
          apiUrl,
          issuerUrl: issuerUrl(config.port),
        },
        { ...emulators.awsEnvironment, SANDBOX_PROVIDER_URL: sandbox.url, ...config.env },
      ),
    },
  ]);
  try {
    return await runtime.invoke(fn.logicalId, event);
  } finally {
    await runtime.stop();
    await Promise.allSettled([emulators.stop(), sandbox.stop()]);
  }
}
