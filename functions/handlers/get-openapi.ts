import { buildOpenApiDocument } from '../http/openapi/openapi-document';
import { httpHandler } from '../http/http-handler';
import { OPENAPI_ROUTES } from '../http/openapi/openapi-routes';
import { accessMatrixView, type AccessMatrixView } from '../shared/access-matrix';
import { positiveIntegerEnv } from '../shared/env';
import { ENV, PAYOUT_AMOUNT_MAX_MINOR_DEFAULT } from '../shared/names';
import { notFound } from '../http/api-error';
import { json } from '../http/response';

// GET /openapi.json and GET /access-matrix — public: the contract and who may use which part of
// it, no tenant data. Each is built once per cold start; the document carries the amount maximum
// this deployment's create-payout enforces (the stack sets the same variable on both).
let document: Record<string, unknown> | undefined;
let matrix: AccessMatrixView | undefined;
const CACHE_CONTROL = { 'cache-control': 'public, max-age=300' };

export const handler = httpHandler(async (event, requestId) => {
  switch (event.routeKey) {
    case 'GET /access-matrix':
      matrix ??= accessMatrixView(OPENAPI_ROUTES);
      return json(200, matrix, requestId, CACHE_CONTROL);
    case 'GET /openapi.json':
      document ??= buildOpenApiDocument(undefined, {
        amountMaxMinor: positiveIntegerEnv(ENV.payoutAmountMaxMinor, PAYOUT_AMOUNT_MAX_MINOR_DEFAULT),
      });
      return json(200, document, requestId, CACHE_CONTROL);
    default:
      throw notFound(`route ${event.routeKey}`);
  }
});
