// Integration-test support: DynamoDB Local + fauxqs on free ports with every table, queue (with its
// redrive policy) and bucket of the synthesized template created.
//
//   const emulators = await startEmulators();            // in beforeAll (hookTimeout covers Java)
//   emulators.names.tables.PayoutsTable                  // 'PayoutsTable'
//   emulators.env.PAYOUTS_TABLE, emulators.env.AWS_ENDPOINT_URL_DYNAMODB …
//   Object.assign(process.env, emulators.env)            // to run a handler in-process
//   await emulators.stop();                              // in afterAll: stops the Java process
//
// cdk.out is synthesized only when missing (a synth costs a minute; TWIN_SYNTH=always forces one).
import { existsSync } from 'node:fs';
import { startEmulatorsFor, type EmulatorClients, type ResolvedNames } from '../../local/emulators/emulators.js';
import { mergedEnvironment } from '../../local/template/environment.js';
import { buildModel, type TwinModel } from '../../local/template/model.js';
import { CDK_OUT_DIR } from '../../local/paths.js';
import { synthesize } from '../../local/template/synth.js';
import { loadTemplate } from '../../local/template/template.js';

export interface StartedEmulators {
  clients: EmulatorClients;
  names: ResolvedNames;
  /** Every function's template environment resolved locally, plus endpoints, region and dummy credentials. */
  env: Record<string, string>;
  endpoints: { dynamodb: string; sqs: string; s3: string };
  model: TwinModel;
  stop(): Promise<void>;
}

export async function loadModel(options: { cdkOutDir?: string } = {}): Promise<TwinModel> {
  const cdkOutDir = options.cdkOutDir ?? CDK_OUT_DIR;
  if (!options.cdkOutDir && (process.env.TWIN_SYNTH === 'always' || !existsSync(cdkOutDir)))
    await synthesize({ onlyIfStale: false });
  return buildModel(loadTemplate(cdkOutDir));
}

/** `stateDir` keeps data between runs (in memory when absent, the usual choice in tests). */
export async function startEmulators(
  options: { stateDir?: string; cdkOutDir?: string } = {},
): Promise<StartedEmulators> {
  const model = await loadModel(options);
  const emulators = await startEmulatorsFor(model, options.stateDir ? { stateDir: options.stateDir } : {});
  const context = {
    template: loadTemplate(model.cdkOutDir, model.stackName).template,
    stackName: model.stackName,
    sqsEndpointUrl: emulators.sqsEndpointUrl,
    apiUrl: 'http://127.0.0.1:0',
    issuerUrl: 'http://127.0.0.1:0/.twin/issuer',
  };
  return {
    clients: emulators.clients,
    names: emulators.names,
    env: { ...mergedEnvironment(model.functions, context, emulators.awsEnvironment), ...emulators.awsEnvironment },
    endpoints: { dynamodb: emulators.dynamodbEndpointUrl, sqs: emulators.sqsEndpointUrl, s3: emulators.s3EndpointUrl },
    model,
    stop: emulators.stop,
  };
}
