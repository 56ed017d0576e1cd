import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../../functions/http/openapi/openapi-document';

// The generated document through Redocly's `recommended` ruleset (the installed @redocly/cli, no
// network), and the Spectral-style rules Redocly leaves off: every operation is tagged, described
// and named; servers are listed; no success body is an unspecified object.
const document = buildOpenApiDocument() as any;
const dir = mkdtempSync(join(tmpdir(), 'openapi-lint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const REDOCLY_CLI = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const operations = Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => METHODS.includes(method))
    .map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
);

interface RedoclyReport {
  totals: { errors: number; warnings: number };
  problems: Array<{ ruleId: string; severity: string; message: string; location: Array<{ pointer: string }> }>;
}

describe('GET /openapi.json passes the linters', () => {
  it('Redocly recommended: 0 errors and 0 warnings', () => {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document, null, 2));
    const run = spawnSync(
      process.execPath,
      [REDOCLY_CLI, 'lint', '--extends', 'recommended', '--format', 'json', file],
      {
        encoding: 'utf8',
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
        timeout: 60_000,
      },
    );
    const report = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as RedoclyReport;
    const problems = report.problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
    expect(problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    expect(run.status).toBe(0);
    // The CLI's own 60 s timeout is the guard: vitest's 5 s default failed it at 9 s on a loaded machine.
  }, 90_000);

  it('lists servers: the twin and the templated API Gateway URL', () => {
    const urls = (document.servers as Array<{ url: string }>).map((s) => s.url);
    expect(urls).toContain('http://127.0.0.1:3000');
    expect(urls.some((url) => url.includes('{apiId}.execute-api.{region}.amazonaws.com'))).toBe(true);
  });

  it.each(operations)('$key has an operationId, summary, description and defined tags', ({ op }) => {
    const defined = new Set((document.tags as Array<{ name: string; description: string }>).map((t) => t.name));
    expect(op.operationId).toMatch(/^[a-z][A-Za-z]+$/);
    expect(op.summary.length).toBeGreaterThan(0);
    expect(op.description.length).toBeGreaterThan(20);
    expect(op.tags.length).toBeGreaterThan(0);
    for (const tag of op.tags) expect(defined.has(tag)).toBe(true);
  });

  it.each(operations)('$key: every success body is typed and every error has the error body', ({ op }) => {
    for (const [status, response] of Object.entries(op.responses as Record<string, any>)) {
      const [mediaType, content] = Object.entries(response.content as Record<string, { schema: any }>)[0]!;
      expect(response.headers['Request-Id']).toBeDefined();
      if (status.startsWith('2')) {
        // No bare `{ type: 'object' }`: a contract check must be able to fail.
        const typed = content.schema.properties !== undefined || content.schema.type === 'string';
        expect(typed, `${status} ${mediaType}`).toBe(true);
      } else {
        const refs = JSON.stringify(content.schema);
        expect(refs, status).toContain('#/components/schemas/Error');
      }
    }
  });

  it.each(operations)('$key: every path parameter has a pattern or an enum', ({ op }) => {
    for (const parameter of (op.parameters ?? []).filter((p: any) => p.in === 'path')) {
      expect(JSON.stringify(parameter.schema), parameter.name).toMatch(/"(pattern|enum|const)"/);
    }
  });
});
