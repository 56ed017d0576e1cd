import { cruise, type ICruiseOptions, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

// Runs the layering rules of .dependency-cruiser.cjs (DESIGN §4) over the code, and over a fixture
// that breaks them, so a rule that silently stopped matching would be noticed.

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURE_DIR = path.join(PROJECT_ROOT, 'test/infra/fixtures/layering');

let options: ICruiseOptions;

async function violationsIn(baseDir: string, roots: string[]): Promise<IViolation[]> {
  const cwd = process.cwd();
  // dependency-cruiser resolves start paths and rule paths relative to the working directory.
  process.chdir(baseDir);
  try {
    const result = await cruise(roots, options, {}, { tsConfig: extractTSConfig(path.join(PROJECT_ROOT, 'tsconfig.json')) });
    if (typeof result.output === 'string') throw new Error('expected a JSON cruise result');
    return result.output.summary.violations;
  } finally {
    process.chdir(cwd);
  }
}

function describeViolation(violation: IViolation): string {
  return `${violation.rule.name}: ${violation.from} → ${violation.to}`;
}

beforeAll(async () => {
  const fromConfig = await extractDepcruiseOptions(path.join(PROJECT_ROOT, '.dependency-cruiser.cjs'));
  // The config names tsconfig.json relative to the project root; pin it for the fixture run.
  options = { ...fromConfig, tsConfig: { fileName: path.join(PROJECT_ROOT, 'tsconfig.json') } };
});

describe('layering', () => {
  it('functions, lib, bin and local break no layering rule', async () => {
    const violations = await violationsIn(PROJECT_ROOT, ['functions', 'lib', 'bin', 'local']);
    expect(violations.map(describeViolation)).toEqual([]);
  });

  it('the rules catch a leaky domain file, a leaky CDK file and an OpenAPI entry reaching the AWS SDK', async () => {
    const violations = await violationsIn(FIXTURE_DIR, ['functions', 'lib']);
    // The fixture resolves npm packages from the project's node_modules, four folders up.
    const described = violations.map((v) => describeViolation(v).replace(/(\.\.\/)+node_modules\//, 'node_modules/'));
    expect(described.sort()).toEqual(
      [
        'domain-builtin-allowlist: functions/domain/leaky.ts → fs',
        'domain-imports-only-domain: functions/domain/leaky.ts → functions/adapters/io.ts',
        'lib-imports-only-shared-runtime: lib/leaky.ts → functions/adapters/io.ts',
        'openapi-document-without-aws-sdk: functions/handlers/get-openapi.ts → node_modules/@aws-sdk/client-sqs/dist-es/index.js',
      ].sort(),
    );
  });
});
