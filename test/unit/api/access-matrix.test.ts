import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ACCESS_MATRIX_DOC_BEGIN,
  ACCESS_MATRIX_DOC_END,
  accessMatrixMarkdown,
} from '../../../functions/http/access-matrix-markdown';
import { accessMatrixSchema } from '../../../functions/http/access-matrix-schema';
import { buildOpenApiDocument } from '../../../functions/http/openapi/openapi-document';
import { OPENAPI_ROUTES } from '../../../functions/http/openapi/openapi-routes';
import { handler } from '../../../functions/handlers/get-openapi';
import { accessMatrixView } from '../../../functions/shared/access-matrix';
import { API_ROUTES } from '../../../lib/routes';
import { REPO_ROOT } from '../../../local/paths';

const event = (routeKey: string) => ({ routeKey, headers: {}, requestContext: { requestId: 'req-matrix' } }) as never;

describe('GET /access-matrix', () => {
  it('answers the matrix without a token, in the documented shape, with every route of lib/routes.ts placed', async () => {
    const result = await handler(event('GET /access-matrix'), {} as never);
    expect(result.statusCode).toBe(200);
    const body = JSON.parse(result.body as string);
    expect(accessMatrixSchema.parse(body)).toEqual(body);
    // lib/routes.ts and the OpenAPI registry are held equal (openapi.test.ts); the view agrees with both.
    expect(body).toEqual(accessMatrixView(Object.values(API_ROUTES).flat()));
    const placed = new Set(
      [...body.public_routes, ...body.actors.flatMap((actor: { routes: unknown[] }) => actor.routes)].map(
        (route: any) => `${route.method} ${route.path}`,
      ),
    );
    for (const route of Object.values(API_ROUTES).flat())
      expect(placed.has(`${route.method} ${route.path}`), route.path).toBe(true);
  });

  it('is in the OpenAPI document, public, with its typed response schema', () => {
    const operation = (buildOpenApiDocument() as any).paths['/access-matrix'].get;
    expect(operation.security).toEqual([]);
    expect(operation.responses['200'].content['application/json'].schema.properties.actors.type).toBe('array');
  });

  it('still answers the OpenAPI document, and 404 for a route it does not serve', async () => {
    expect(JSON.parse((await handler(event('GET /openapi.json'), {} as never)).body as string).openapi).toMatch(/^3\./);
    expect((await handler(event('GET /nope'), {} as never)).statusCode).toBe(404);
  });
});

describe('docs/contracts.md', () => {
  it('shows the access matrix exactly as the code has it', () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'contracts.md'), 'utf8');
    const begin = doc.indexOf(ACCESS_MATRIX_DOC_BEGIN);
    const end = doc.indexOf(ACCESS_MATRIX_DOC_END);
    expect(begin, 'docs/contracts.md has no access-matrix markers').toBeGreaterThanOrEqual(0);
    const expected = accessMatrixMarkdown(accessMatrixView(OPENAPI_ROUTES));
    // On a mismatch, replace the block between the markers with `expected` (the diff shows it).
    expect(doc.slice(begin, end + ACCESS_MATRIX_DOC_END.length)).toBe(expected);
  });
});
