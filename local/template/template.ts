// Reads the synthesized CloudFormation template out of cdk.out. The twin is derived from this file
// and nothing else, so local and cloud cannot drift (DESIGN §2).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TemplateError } from '../errors.js';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  DependsOn?: string | string[];
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Parameters?: Record<string, { Default?: unknown }>;
}

export interface LoadedTemplate {
  stackName: string;
  templatePath: string;
  cdkOutDir: string;
  template: CfnTemplate;
}

interface ManifestArtifact {
  type: string;
  properties?: { templateFile?: string };
  displayName?: string;
}

/** Stacks in a cloud assembly, from manifest.json (falls back to *.template.json when absent). */
export function listStacks(cdkOutDir: string): Array<{ stackName: string; templatePath: string }> {
  if (!existsSync(cdkOutDir)) throw new TemplateError(`${cdkOutDir} does not exist`);
  const manifestPath = join(cdkOutDir, 'manifest.json');
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { artifacts?: Record<string, ManifestArtifact> };
    const stacks = Object.entries(manifest.artifacts ?? {})
      .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile)
      .map(([stackName, artifact]) => ({
        stackName,
        templatePath: join(cdkOutDir, artifact.properties!.templateFile!),
      }));
    if (stacks.length > 0) return stacks;
  }
  return readdirSync(cdkOutDir)
    .filter((file) => file.endsWith('.template.json'))
    .map((file) => ({ stackName: file.replace(/\.template\.json$/, ''), templatePath: join(cdkOutDir, file) }));
}

/**
 * Picks the stack the twin runs: the one named (config `stackName`), else the only one, else the
 * one whose name says `dev` (stages come through context; dev is what a laptop runs).
 */
export function loadTemplate(cdkOutDir: string, stackName?: string): LoadedTemplate {
  const stacks = listStacks(cdkOutDir);
  const named = stackName ? stacks.find((stack) => stack.stackName === stackName) : undefined;
  const chosen =
    named ??
    (stacks.length === 1 ? stacks[0] : undefined) ??
    stacks.find((stack) => /dev/i.test(stack.stackName)) ??
    stacks[0];
  if (!chosen) throw new TemplateError(`no stack template in ${cdkOutDir}`);
  if (stackName && !named)
    throw new TemplateError(
      `stack ${stackName} is not in ${cdkOutDir} (found ${stacks.map((s) => s.stackName).join(', ')})`,
    );
  const template = JSON.parse(readFileSync(chosen.templatePath, 'utf8')) as CfnTemplate;
  if (!template.Resources) throw new TemplateError(`${chosen.templatePath} has no Resources`);
  return { ...chosen, cdkOutDir, template };
}

/** Newest modification time (ms) of any template in cdk.out; used to decide whether to re-synth. */
export function templatesModifiedAtMs(cdkOutDir: string): number {
  if (!existsSync(cdkOutDir)) return 0;
  return Math.max(
    0,
    ...readdirSync(cdkOutDir)
      .filter((file) => file.endsWith('.template.json'))
      .map((file) => statSync(join(cdkOutDir, file)).mtimeMs),
  );
}

/** Logical ids of every resource of one type, in template order. */
export function resourcesOfType(template: CfnTemplate, type: string): Array<[string, CfnResource]> {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}
