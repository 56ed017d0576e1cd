// Drill: the access matrix (DESIGN §6, issue 10). Every actor of functions/shared/access-matrix.ts
// gets a token the way Cognito would mint it (a tenant's role client, an operator in a role's
// group; jobs get none) and calls every route of lib/routes.ts: each answer must be what its row
// says — allowed (any status but 401/403), 403 or 401. Then the layers behind the issuer: a tenant
// token that (wrongly) carries an operator scope, and an operator token with a tenant scope, are
// refused by the handlers; and a scope the role does not allow is invalid_scope at the issuer.
//
//   npm run drill -- access-matrix
import { ACCESS_MATRIX } from '../functions/shared/access-matrix.js';
import {
  accessOf,
  actorTokenRequest,
  callRoute,
  expectedAccess,
  matrixRoutes,
  type Access,
} from '../test/support/access-probe.js';
import { connectTwin, report, runDrill, type Check } from './_twin.js';

const TENANT = 'drill-matrix';
const log = (line: string) => console.log(`• ${line}`);
const count = (accesses: Access[]) => ({
  allowed: accesses.filter((a) => a === 'allowed').length,
  403: accesses.filter((a) => a === 403).length,
  401: accesses.filter((a) => a === 401).length,
});

async function main(): Promise<boolean> {
  const twin = await connectTwin(log);
  try {
    const routes = matrixRoutes();
    const checks: Check[] = [];
    log(`${ACCESS_MATRIX.length} actors × ${routes.length} routes (GET /access-matrix shows the table)`);
    for (const row of ACCESS_MATRIX) {
      const request = actorTokenRequest(row, TENANT);
      const token = request === undefined ? undefined : await twin.token(request);
      log(
        `${row.actor} (${row.principalType} ${row.role}, ${row.tokenType}${token === undefined ? ', no token' : ''}): ${row.scopes.join(' ') || 'no scopes'}`,
      );
      const expected: Access[] = [];
      const saw: Access[] = [];
      const wrong: string[] = [];
      for (const route of routes) {
        const answer = await callRoute(twin.url, route, token);
        const want = expectedAccess(row, route);
        const got = accessOf(answer.status);
        expected.push(want);
        saw.push(got);
        if (want !== got)
          wrong.push(
            `${route.method} ${route.path}: expected ${want}, saw ${answer.status} ${answer.code ?? ''}`.trim(),
          );
        console.log(
          `    ${want === got ? '✔' : '✖'} ${`${route.method} ${route.path}`.padEnd(40)} expected ${String(want).padEnd(8)} saw ${answer.status}${answer.code === undefined ? '' : ` ${answer.code}`}`,
        );
      }
      checks.push({
        what: `${row.actor}: allowed / 403 / 401 over every route`,
        expected: count(expected),
        saw: count(saw),
      });
      checks.push({ what: `${row.actor}: routes that answered otherwise than its row says`, expected: [], saw: wrong });
    }

    log('layer 3: tokens the pre-token trigger should have stripped, refused by the handlers');
    const backendToken = await twin.token({ tenant: TENANT, role: 'backend' });
    const backendClient = String(
      JSON.parse(Buffer.from(backendToken.split('.')[1]!, 'base64url').toString())['client_id'],
    );
    const tenantWithOpsRead = await twin.forgeToken({
      clientId: backendClient,
      tenant: TENANT,
      scopes: ['ops:read'],
      claims: { principal_type: 'tenant', principal_role: 'backend' },
    });
    const operatorWithPayoutsRead = await twin.forgeToken({
      clientId: twin.operatorClientId ?? 'OpsConsoleClient',
      subject: 'drill-operator',
      scopes: ['payouts:read'],
      claims: { principal_type: 'operator', principal_role: 'ops', username: 'drill-operator' },
    });
    const onOperatorRoute = await callRoute(
      twin.url,
      { method: 'GET', path: '/ops/queues', scope: 'ops:read' },
      tenantWithOpsRead,
    );
    const onTenantRoute = await callRoute(
      twin.url,
      { method: 'GET', path: '/payouts', scope: 'payouts:read' },
      operatorWithPayoutsRead,
    );
    log(`  tenant token carrying ops:read → GET /ops/queues: ${onOperatorRoute.status} ${onOperatorRoute.code}`);
    log(`  operator token carrying payouts:read → GET /payouts: ${onTenantRoute.status} ${onTenantRoute.code}`);
    checks.push({
      what: 'a tenant principal on an operator route',
      expected: [403, 'operator_route_forbidden_for_tenant'],
      saw: [onOperatorRoute.status, onOperatorRoute.code],
    });
    checks.push({
      what: 'an operator principal on a tenant route',
      expected: [403, 'tenant_route_forbidden_for_operator'],
      saw: [onTenantRoute.status, onTenantRoute.code],
    });

    log('bad input: a scope the role does not allow');
    const refusal = await twin.token({ tenant: TENANT, role: 'approver', scopes: ['payouts:write'] }).then(
      () => 'minted',
      (error: { error?: string }) => error.error ?? 'error',
    );
    log(`  approver asking payouts:write → ${refusal}`);
    checks.push({ what: 'an approver asking for payouts:write', expected: 'invalid_scope', saw: refusal });
    return report(checks);
  } finally {
    await twin.stop();
  }
}

runDrill('access-matrix', main);
