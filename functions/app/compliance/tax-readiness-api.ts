import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { READINESS_ACTIONS, type ReadinessAction } from '../../domain/compliance/tax-readiness';
import { badRequest, notFound } from '../../http/api-error';
import { PRESIGNED_URL_EXPIRES_SECONDS } from '../../http/http-limits';
import { operatorOf, requireScope } from '../../http/operator';
import { parseQuery } from '../../http/query-parameters';
import { json, requestIdOf, type HttpResult } from '../../http/response';
import { taxReadinessQuerySchema } from '../../http/tax-readiness-schemas';
import { exportTaxReadiness, isConfiguredTaxYear, type TaxReadinessExportDependencies } from './tax-readiness-export';

/**
 * GET /exports/tax-readiness?tax_year=YYYY[&tenant_id=]   (exports:read, finance)
 *
 * Builds the readiness CSV of the year (tax-readiness-export.ts), writes it to the exports bucket and
 * answers a presigned URL, the way finance already takes its nightly exports (GET /exports/{date}).
 * Every refusal comes before any read or write: a parameter the route does not take
 * (`parameter_unknown`), a missing or malformed tax_year (`parameter_invalid`), a tenant id that is
 * not one (`tenant_id_invalid`), a year the thresholds file does not cover
 * (`tax_year_not_configured`) or one that has not started (`tax_year_not_started`).
 */
export interface TaxReadinessApiDependencies extends TaxReadinessExportDependencies {
  readonly presign: (key: string, expiresInSeconds: number) => Promise<string>;
}

export async function taxReadinessApi(
  deps: TaxReadinessApiDependencies,
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
): Promise<HttpResult> {
  const requestId = requestIdOf(event);
  switch (event.routeKey) {
    case 'GET /exports/tax-readiness': {
      requireScope(operatorOf(event), 'exports:read');
      const query = parseQuery(taxReadinessQuerySchema, event.queryStringParameters);
      const taxYear = Number(query.tax_year);
      if (!isConfiguredTaxYear(deps.thresholds, taxYear))
        throw badRequest(
          'tax_year_not_configured',
          `config/tax-thresholds.json has no 1099-NEC and 1042-S threshold for tax year ${taxYear}`,
          'tax_year',
        );
      if (taxYear > deps.now().getUTCFullYear())
        throw badRequest('tax_year_not_started', `tax year ${taxYear} has not started (UTC)`, 'tax_year');
      const exported = await exportTaxReadiness(deps, {
        taxYear,
        ...(query.tenant_id === undefined ? {} : { tenantId: query.tenant_id }),
      });
      const actions = Object.fromEntries(READINESS_ACTIONS.map((action) => [action, 0])) as Record<
        ReadinessAction,
        number
      >;
      for (const row of exported.rows) actions[row.action] += 1;
      return json(
        200,
        {
          tax_year: exported.taxYear,
          tenant_id: exported.tenantId ?? null,
          generated_at: exported.generatedAt,
          thresholds_read_on: deps.thresholds.read_on,
          file: { key: exported.key, url: await deps.presign(exported.key, PRESIGNED_URL_EXPIRES_SECONDS) },
          expires_in_seconds: PRESIGNED_URL_EXPIRES_SECONDS,
          rows: exported.rows.length,
          actions,
          payouts_read: exported.payoutsRead,
          payouts_without_recipient: exported.payoutsWithoutRecipient,
        },
        requestId,
      );
    }
    default:
      throw notFound(`route ${event.routeKey}`);
  }
}
