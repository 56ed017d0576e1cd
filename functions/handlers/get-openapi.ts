import { buildOpenApiDocument } from '../http/openapi/openapi-document';
import { httpHandler } from '../http/http-handler';
import { positiveIntegerEnv } from '../shared/env';
import { ENV, PAYOUT_AMOUNT_MAX_MINOR_DEFAULT } from '../shared/names';
import { json } from '../http/response';

// GET /openapi.json — public: the contract, no tenant data. Built once per cold start, with the
// amount maximum this deployment's create-payout enforces (the stack sets the same variable on both).
let document: Record<string, unknown> | undefined;

export const handler = httpHandler(async (_event, requestId) => {
  document ??= buildOpenApiDocument(undefined, { amountMaxMinor: positiveIntegerEnv(ENV.payoutAmountMaxMinor, PAYOUT_AMOUNT_MAX_MINOR_DEFAULT) });
  return json(200, document, requestId, { 'cache-control': 'public, max-age=300' });
});
