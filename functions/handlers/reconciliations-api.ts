import { httpHandler } from '../http/http-handler';
import { noQuerySchema, parseQuery } from '../http/query-parameters';
import { reconciliationsApi, type ReconciliationsApiDependencies } from '../app/reconciliation/reconciliations-api';
import { reconciliationsApiDependencies } from '../wiring/reconciliation';

// Entry for `reconciliations-api` (docs/contracts.md); wiring only. Through httpHandler: the one
// catch every HTTP entry shares. None of its routes takes a query parameter: any is refused by name.

let deps: ReconciliationsApiDependencies | undefined;

export const handler = httpHandler(async (event) => {
  parseQuery(noQuerySchema, event.queryStringParameters);
  deps ??= reconciliationsApiDependencies();
  return reconciliationsApi(deps, event);
});
