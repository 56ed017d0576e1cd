import { httpHandler } from '../http/http-handler';
import { taxReadinessApi, type TaxReadinessApiDependencies } from '../app/compliance/tax-readiness-api';
import { taxReadinessApiDependencies } from '../wiring/tax-readiness';

// Entry for `tax-readiness-export` (GET /exports/tax-readiness, docs/compliance.md); wiring only.
// Through httpHandler: the one catch every HTTP entry shares. The route parses its own query.

let deps: TaxReadinessApiDependencies | undefined;

export const handler = httpHandler(async (event) => {
  deps ??= taxReadinessApiDependencies();
  return taxReadinessApi(deps, event);
});
