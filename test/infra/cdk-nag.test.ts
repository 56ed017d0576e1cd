import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthesizePlatform } from './support/synth';

// cdk-nag (AwsSolutions + Serverless) must pass with no unacknowledged error, and every
// acknowledgement must say why. Bundling is skipped: the rules read the template, not the code.

/** A reason shorter than this cannot explain anything. */
const REASON_LENGTH_MIN = 40;

interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

function acknowledgementsOf(root: IConstruct): Acknowledgement[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id,
          reason,
        })),
      ),
  );
}

let app: App;
let synthError: unknown;

beforeAll(() => {
  try {
    ({ app } = synthesizePlatform({ skipBundling: true }));
  } catch (error) {
    synthError = error;
  }
});

describe('cdk-nag', () => {
  it('synthesizes: the validation plugins report no unacknowledged error', () => {
    expect(synthError).toBeUndefined();
  });

  it('AwsSolutions and Serverless packs find nothing unacknowledged, errors or warnings', () => {
    for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
      const report = pack.validateScope(app);
      expect(report.violations.map((violation) => `${violation.ruleName} @ ${violation.violatingResources[0]?.constructPath}`)).toEqual([]);
    }
  });

  it('every acknowledgement carries a written reason', () => {
    const acknowledgements = acknowledgementsOf(app);
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const acknowledgement of acknowledgements) {
      expect(acknowledgement.reason.trim().length, `${acknowledgement.id} at ${acknowledgement.path}`).toBeGreaterThanOrEqual(
        REASON_LENGTH_MIN,
      );
    }
  });

  it('acknowledges only AwsSolutions / Serverless rules, never a whole IAM5 family', () => {
    for (const { id } of acknowledgementsOf(app)) {
      const ruleId = id.replace(/^Annotation::/i, '');
      expect(ruleId).toMatch(/^(AwsSolutions|Serverless)-/);
      if (ruleId.startsWith('AwsSolutions-IAM5')) expect(ruleId).toMatch(/\[(Action|Resource)::.+\]$/);
    }
  });
});
