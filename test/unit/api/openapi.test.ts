import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../../functions/http/openapi/openapi-document';
import { OPENAPI_ROUTES } from '../../../functions/http/openapi/openapi-routes';
import { API_ROUTES } from '../../../lib/routes';

describe('GET /openapi.json document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const document = buildOpenApiDocument('http://127.0.0.1:3000');
    const result = await new Validator().validate(document as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document['openapi']).toBe('3.1.0');
  });

  it('lists exactly the routes of lib/routes.ts (contracts.md), each with its scope', () => {
    const fromCdk = Object.entries(API_ROUTES)
      .flatMap(([fn, routes]) => routes.map((r) => `${r.method.toLowerCase()} ${r.path} ${fn} ${r.scope ?? 'none'}`))
      .sort();
    const documented = OPENAPI_ROUTES.map((r) => `${r.method} ${r.path} ${r.functionName} ${r.scope ?? 'none'}`).sort();
    expect(documented).toEqual(fromCdk);
  });

  it('documents the create body as strict, with the server-owned fields absent and amount an integer', () => {
    const document = buildOpenApiDocument() as any;
    const body = document.paths['/payouts'].post.requestBody.content['application/json'].schema;
    expect(body.additionalProperties).toBe(false);
    expect(body.properties.amount).toMatchObject({ type: 'integer', exclusiveMinimum: 0 });
    for (const field of ['status', 'tenant', 'fee', 'provider_reference'])
      expect(body.properties[field]).toBeUndefined();
    expect(body.properties.metadata.maxProperties).toBe(20);
    expect(document.paths['/payouts'].post.parameters.find((p: any) => p.name === 'Idempotency-Key').required).toBe(
      true,
    );
  });
});
