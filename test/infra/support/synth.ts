import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../../../bin/app';
import type { PayoutPlatformStack } from '../../../lib/payout-platform-stack';

// Synthesizes the real app (bin/app.ts) with cdk.json's context, feature flags included, so the
// tests see what `npx cdk synth` produces. Synthesis bundles every Lambda: do it once per file.

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The `context` block of cdk.json (feature flags and default stage settings). */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

export interface SynthOptions {
  readonly context?: Record<string, unknown>;
  /** Skip esbuild (checks that do not look at bundles, such as cdk-nag). */
  readonly skipBundling?: boolean;
}

export interface Synthesized {
  readonly app: App;
  readonly stack: PayoutPlatformStack;
  readonly template: Template;
}

export function synthesizePlatform(options: SynthOptions = {}): Synthesized {
  const app = new App({
    outdir: mkdtempSync(path.join(tmpdir(), 'payout-cdk-')),
    context: {
      ...cdkJsonContext(),
      ...(options.skipBundling ? { 'aws:cdk:bundling-stacks': [] } : {}),
      ...options.context,
    },
  });
  const { stack } = buildApp(app);
  const assembly = app.synth();
  const template = Template.fromJSON(assembly.getStackByName(stack.stackName).template as Record<string, unknown>);
  return { app, stack, template };
}
