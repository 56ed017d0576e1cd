import { dynamoDocumentClient, requiredEnv } from '../adapters/aws-clients';
import { readBalances } from '../adapters/ledger-balances';
import { httpHandler } from '../http/http-handler';
import { parseQuery } from '../http/query-parameters';
import { ledgerBalancesQuerySchema } from '../http/parameter-schemas';
import type { balancesResponseSchema } from '../http/schemas';
import type * as z from 'zod';
import { assertBalanced, summarizeBalances } from '../domain/ledger';
import { ENV } from '../shared/names';
import { operatorOf, requireScope } from '../http/operator';
import { json } from '../http/response';

// GET /ledger/balances?currency=USD[&tenant_id=acme] (reconciliation:read, operators only): every account of every tenant in
// one currency, read so that they sum to zero (see ledger-balances.ts), with the sum shown.

const client = dynamoDocumentClient();
const ledgerTable = requiredEnv(ENV.ledgerTable);

export const handler = httpHandler(async (event, requestId) => {
  requireScope(operatorOf(event), 'reconciliation:read');
  const query = parseQuery(ledgerBalancesQuerySchema, event.queryStringParameters);
  const { balances, truncated } = await readBalances(client, ledgerTable, query.currency, query.tenant_id);
  const { totals, sumMinor } = summarizeBalances(balances);
  // Not zero means a transaction was booked unbalanced or read torn: a bug to crash on, not to show.
  assertBalanced([sumMinor]);
  return json(
    200,
    {
      currency: query.currency,
      accounts: balances.map((b) => ({ tenant_id: b.tenantId, account: b.account, balance: b.balanceMinor })),
      totals,
      sum: sumMinor,
      truncated,
      read_at: new Date().toISOString(),
    } satisfies z.infer<typeof balancesResponseSchema>,
    requestId,
  );
});
