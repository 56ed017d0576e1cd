// A function that does not fit on a screen hides its steps: past FUNCTION_BODY_LINES_MAX lines it is
// split into named steps. A body that is one `return` of a literal (a route table, a schema) is a
// table, not logic, and is exempt. Measured with the TypeScript parser, so strings and comments
// that look like braces do not fool it.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const FUNCTION_BODY_LINES_MAX = 70;
const ROOT = resolve(import.meta.dirname, '../..');
/** The Lambda code (lib/'s CDK constructors are declarations, read top to bottom); generated/ is a bundled browser app. */
const DIRS = ['functions'];
const SKIPPED_DIR = `functions${sep}generated${sep}`;

type FunctionLike = ts.FunctionLikeDeclaration & { body?: ts.ConciseBody };

const isTable = (body: ts.Block): boolean => {
  const [only, ...rest] = body.statements;
  if (only === undefined || rest.length > 0 || !ts.isReturnStatement(only) || only.expression === undefined)
    return false;
  let expression: ts.Expression = only.expression;
  while (
    ts.isAsExpression(expression) ||
    ts.isSatisfiesExpression(expression) ||
    ts.isParenthesizedExpression(expression)
  )
    expression = expression.expression;
  return ts.isArrayLiteralExpression(expression) || ts.isObjectLiteralExpression(expression);
};

function longFunctions(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && (node as FunctionLike).body !== undefined) {
      const body = (node as FunctionLike).body!;
      if (ts.isBlock(body) && !isTable(body)) {
        const first = source.getLineAndCharacterOfPosition(body.getStart(source)).line;
        const last = source.getLineAndCharacterOfPosition(body.getEnd()).line;
        const lines = last - first + 1;
        const name = (node as ts.FunctionDeclaration).name?.getText(source) ?? '(anonymous)';
        if (lines > FUNCTION_BODY_LINES_MAX)
          found.push(`${relative(ROOT, file)}:${first + 1} ${name} (${lines} lines)`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('function length', () => {
  it(`no function body in functions/ runs past ${FUNCTION_BODY_LINES_MAX} lines`, () => {
    const files = DIRS.flatMap((dir) =>
      (readdirSync(join(ROOT, dir), { recursive: true }) as string[])
        .filter((f) => f.endsWith('.ts') && !join(dir, f).startsWith(SKIPPED_DIR))
        .map((f) => join(ROOT, dir, f)),
    );
    expect(files.length).toBeGreaterThan(50);
    expect(files.flatMap(longFunctions)).toEqual([]);
  });

  it('measures what it claims: a long function is found, a long table is not', () => {
    const filler = Array.from({ length: FUNCTION_BODY_LINES_MAX }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const rows = Array.from({ length: FUNCTION_BODY_LINES_MAX }, (_, i) => `    ${i},`).join('\n');
    const dir = join(ROOT, 'node_modules', '.function-length-fixture');
    const file = join(dir, 'fixture.ts');
    ts.sys.writeFile(file, `function long() {\n${filler}\n}\nfunction table() {\n  return [\n${rows}\n  ];\n}\n`);
    expect(longFunctions(file).map((line) => line.replace(/^.*fixture\.ts:/, ''))).toEqual([
      `1 long (${FUNCTION_BODY_LINES_MAX + 2} lines)`,
    ]);
  });
});
