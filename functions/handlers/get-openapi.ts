import { buildOpenApiDocument } from '../api/openapi-document';
import { httpHandler } from '../api/http-handler';
import { json } from './http/response';

// GET /openapi.json — public: the contract, no tenant data. Built once per cold start.
let document: Record<string, unknown> | undefined;

export const handler = httpHandler(async (_event, requestId) => {
  document ??= buildOpenApiDocument();
  return json(200, document, requestId, { 'cache-control': 'public, max-age=300' });
});
