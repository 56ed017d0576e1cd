import { z } from 'zod';
import { dynamoDocumentClient, requiredEnv } from '../adapters/aws-clients';
import { readBalances } from '../adapters/ledger-balances';
import { httpHandler } from '../api/http-handler';
import { parseQuery } from '../api/query-parameters';
import { balancesQuerySchema } from '../api/schemas';
import { assertBalanced, summarizeBalances } from '../domain/ledger';
import { ENV } from '../shared/names';
import { operatorOf, requireScope } from './http/operator';
import { json } from './http/response';

// GET /ledger/balances?currency=USD[&tenant_id=acme] (reconciliation:read, operators only): every account of every tenant in
// one currency, read so that they sum to zero (see ledger-balances.ts), with the sum shown.

const client = dynamoDocumentClient();
const ledgerTable = requiredEnv(ENV.ledgerTable);
const querySchema = balancesQuerySchema.extend({ tenant_id: z.string().regex(/^[a-z0-9][a-z0-9_-]{1,62}$/, { error: 'tenant_id_invalid' }).optional() });

export const handler = httpHandler(async (event, requestId) => {
  requireScope(operatorOf(event), 'reconciliation:read');
  const query = parseQuery(querySchema, event.queryStringParameters);
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
    },
    requestId,
  );
});
