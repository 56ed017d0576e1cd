import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../bin/app';
import { cdkJsonContext, synthesizePlatform } from './support/synth';

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

interface Finding {
  readonly ruleId: string;
  readonly constructPath: string;
}

/** What the packs report when nothing is acknowledged (the app is built with acknowledge() muted). */
function unacknowledgedFindings(): Finding[] {
  const mute = vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => undefined);
  try {
    const bare = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
    buildApp(bare);
    return [new AwsSolutionsChecks(), new ServerlessChecks()].flatMap((pack) =>
      pack.validateScope(bare).violations.flatMap((violation) =>
        violation.violatingResources.map((resource) => ({
          ruleId: violation.ruleName,
          constructPath: resource.constructPath ?? '',
        })),
      ),
    );
  } finally {
    mute.mockRestore();
  }
}

let app: App;
let synthError: unknown;
let prodSynthError: unknown;

beforeAll(() => {
  try {
    ({ app } = synthesizePlatform({ skipBundling: true }));
  } catch (error) {
    synthError = error;
  }
  try {
    synthesizePlatform({ skipBundling: true, context: { stage: 'prod' } });
  } catch (error) {
    prodSynthError = error;
  }
});

describe('cdk-nag', () => {
  it('synthesizes dev and prod: the validation plugins report no unacknowledged error', () => {
    expect(synthError).toBeUndefined();
    expect(prodSynthError).toBeUndefined();
  });

  it('AwsSolutions and Serverless packs find nothing unacknowledged, errors or warnings', () => {
    for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
      const report = pack.validateScope(app);
      expect(
        report.violations.map(
          (violation) => `${violation.ruleName} @ ${violation.violatingResources[0]?.constructPath}`,
        ),
      ).toEqual([]);
    }
  });

  it('every acknowledgement carries a written reason', () => {
    const acknowledgements = acknowledgementsOf(app);
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const acknowledgement of acknowledgements) {
      expect(
        acknowledgement.reason.trim().length,
        `${acknowledgement.id} at ${acknowledgement.path}`,
      ).toBeGreaterThanOrEqual(REASON_LENGTH_MIN);
    }
  });

  it('acknowledges only AwsSolutions / Serverless rules, never a whole IAM5 family', () => {
    for (const { id } of acknowledgementsOf(app)) {
      const ruleId = id.replace(/^Annotation::/i, '');
      expect(ruleId).toMatch(/^(AwsSolutions|Serverless)-/);
      if (ruleId.startsWith('AwsSolutions-IAM5')) expect(ruleId).toMatch(/\[(Action|Resource)::.+\]$/);
    }
  });

  it('every acknowledgement silences a real finding at or below where it is made (none is stale)', () => {
    const findings = unacknowledgedFindings();
    for (const { id, path } of acknowledgementsOf(app)) {
      const ruleId = id.replace(/^Annotation::/i, '');
      const silenced = findings.filter(
        (finding) =>
          finding.ruleId === ruleId && (finding.constructPath === path || finding.constructPath.startsWith(`${path}/`)),
      );
      expect(silenced.length, `${ruleId} at ${path}`).toBeGreaterThan(0);
    }
  });
});
