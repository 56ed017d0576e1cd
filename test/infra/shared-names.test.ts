import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ENV, PROVIDER_NAMES } from '../../functions/shared/names';

// Names two sides must agree on are typed once, in functions/shared/names.ts: an environment
// variable set by lib/ and read by a handler, a provider name in a list. These checks read the
// sources (TypeScript's parser, not a regex over text) so a literal typed beside the shared one
// fails here instead of drifting. The metric names have their own, behavioural, tie:
// test/infra/metric-alarms.test.ts.

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHARED_NAMES = path.join('functions', 'shared', 'names.ts');
/** Environment variables the libraries we use read themselves (Powertools, the AWS SDK): their names are theirs. */
const LIBRARY_VARIABLE = /^(POWERTOOLS_|AWS_|NODE_OPTIONS$)/;
const VARIABLE_NAME = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/;

function sourceFiles(dir: string): string[] {
  return (readdirSync(path.join(PROJECT_ROOT, dir), { recursive: true }) as string[])
    .filter((file) => file.endsWith('.ts'))
    .map((file) => path.join(dir, file))
    .filter((file) => file !== SHARED_NAMES && !file.startsWith(path.join('functions', 'generated')));
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(path.join(PROJECT_ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
}

function walk(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node);
  ts.forEachChild(node, (child) => walk(child, visit));
}

const where = (source: ts.SourceFile, node: ts.Node): string =>
  `${source.fileName}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}: ${node.getText(source)}`;

/** `process.env['X']`, `process.env.X`, `env['X']`, `requiredEnv('X')`, and `X:` keys of an `environment: {…}` object. */
function literalVariableNames(source: ts.SourceFile): string[] {
  const found: string[] = [];
  const isVariable = (name: string) => VARIABLE_NAME.test(name) && !LIBRARY_VARIABLE.test(name);
  walk(source, (node) => {
    if (
      ts.isElementAccessExpression(node) &&
      ts.isStringLiteral(node.argumentExpression) &&
      isVariable(node.argumentExpression.text)
    ) {
      if (/(^|\.)env$/.test(node.expression.getText(source))) found.push(where(source, node));
    }
    if (
      ts.isPropertyAccessExpression(node) &&
      node.expression.getText(source) === 'process.env' &&
      isVariable(node.name.text)
    ) {
      found.push(where(source, node));
    }
    if (ts.isCallExpression(node) && /Env$/.test(node.expression.getText(source))) {
      const [first] = node.arguments;
      if (first !== undefined && ts.isStringLiteral(first) && isVariable(first.text)) found.push(where(source, node));
    }
    if (
      ts.isPropertyAssignment(node) &&
      node.name.getText(source) === 'environment' &&
      ts.isObjectLiteralExpression(node.initializer)
    ) {
      for (const property of node.initializer.properties) {
        const name =
          property.name === undefined || ts.isComputedPropertyName(property.name)
            ? undefined
            : property.name.getText(source).replace(/['"]/g, '');
        if (name !== undefined && isVariable(name)) found.push(where(source, property));
      }
    }
  });
  return found;
}

describe('environment variable names', () => {
  it('no handler, use case, adapter or CDK file spells one: they come from ENV', () => {
    const offenders = [...sourceFiles('functions'), ...sourceFiles('lib')].flatMap((file) =>
      literalVariableNames(parse(file)),
    );
    expect(offenders).toEqual([]);
  });

  it("no file anywhere (the twin and CLIs included) holds one of ENV's names as a string literal", () => {
    const names = new Set<string>(Object.values(ENV));
    const offenders = [
      ...sourceFiles('functions'),
      ...sourceFiles('lib'),
      ...sourceFiles('local'),
      ...sourceFiles('bin'),
    ].flatMap((file) => {
      const source = parse(file);
      const found: string[] = [];
      walk(source, (node) => {
        if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && names.has(node.text))
          found.push(where(source, node));
      });
      return found;
    });
    expect(offenders).toEqual([]);
  });

  it('ENV names each variable once', () => {
    const names = Object.values(ENV);
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
  });
});

describe('provider names', () => {
  it('no file but functions/shared/names.ts lists them', () => {
    // An array literal holding two or more provider names is a second list of them.
    const offenders = [
      ...sourceFiles('functions'),
      ...sourceFiles('lib'),
      ...sourceFiles('local'),
      ...sourceFiles('bin'),
    ].flatMap((file) => {
      const source = parse(file);
      const found: string[] = [];
      walk(source, (node) => {
        if (!ts.isArrayLiteralExpression(node)) return;
        const named = node.elements.filter(
          (e) => ts.isStringLiteral(e) && (PROVIDER_NAMES as readonly string[]).includes(e.text),
        );
        if (named.length >= 2) found.push(where(source, node));
      });
      return found;
    });
    expect(offenders).toEqual([]);
  });
});
