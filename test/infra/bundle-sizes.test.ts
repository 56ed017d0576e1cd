// Every function's bundle, as CDK's esbuild wrote it to cdk.out, under its named budget (issue 12):
// bytes, not import times, so the check is exact on a loaded machine. `npm run bench -- bundles`
// prints the same sizes beside the import times.
import { readFileSync, statSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_BYTES_MAX, PRE_TOKEN_BUNDLE_BYTES_MAX } from '../../lib/defaults/lambda-defaults';
import { CDK_OUT_DIR } from '../../local/paths.js';
import { buildModel, type TwinModel } from '../../local/template/model.js';
import { synthesize } from '../../local/template/synth.js';
import { loadTemplate } from '../../local/template/template.js';

const PRE_TOKEN_FUNCTION = 'cognito-pre-token';
/** Module names of the SDK's default credential chain that the bundles swap for the environment link. */
const CREDENTIAL_CHAIN_MARKERS = ['credential-provider-ini', 'credential-provider-sso', 'nested-clients'];

let model: TwinModel;

beforeAll(async () => {
  await synthesize({ onlyIfStale: true });
  model = buildModel(loadTemplate(CDK_OUT_DIR));
});

const budgetOf = (shortName: string) =>
  shortName === PRE_TOKEN_FUNCTION ? PRE_TOKEN_BUNDLE_BYTES_MAX : BUNDLE_BYTES_MAX;

describe('bundle sizes', () => {
  it('finds every function of the template, the pre-token trigger among them', () => {
    expect(model.functions.length).toBeGreaterThan(10);
    expect(model.functions.map((fn) => fn.shortName)).toContain(PRE_TOKEN_FUNCTION);
  });

  it('holds every bundle under its budget', () => {
    const over = model.functions
      .map((fn) => ({ fn: fn.shortName, bytes: statSync(fn.modulePath).size, max: budgetOf(fn.shortName) }))
      .filter(({ bytes, max }) => bytes > max);
    expect(over).toEqual([]);
  });

  it('bundles no part of the SDK credential chain beyond the environment link', () => {
    const carrying = model.functions
      .filter((fn) => {
        const map = readFileSync(`${fn.modulePath}.map`, 'utf8');
        return CREDENTIAL_CHAIN_MARKERS.some((marker) => map.includes(marker));
      })
      .map((fn) => fn.shortName);
    expect(carrying).toEqual([]);
  });
});
