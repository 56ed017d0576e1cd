import * as z from 'zod';
import { findCorridor, type CorridorMatrix } from '../corridors';
import { corridorEnablementKey } from './gates';

/**
 * Which tenants' provider accounts are enabled for which `policy_gated` corridors (config/tenant-enablements.json,
 * issue 15). A payout through a policy-gated corridor its tenant is not enabled for is created with a
 * `corridor_enablement` hold (gates.ts), owned by ops, and the hold's release is refused until the tenant is listed
 * here (holds.ts routeReleaseRefusal): the enablement is the provider's and compliance's decision, recorded with its
 * reference, not an operator's click. Adding one is a reviewed change to this file and a deploy.
 */
const CORRIDOR_KEY = /^[A-Z]{2}\/[A-Z]{3}\/[a-z_]+$/;

export const tenantEnablementSchema = z.strictObject({
  tenant_id: z.string().min(1),
  corridor: z.string().regex(CORRIDOR_KEY, 'a corridor key: COUNTRY/CURRENCY/method, e.g. IN/INR/imps'),
  enabled_on: z.iso.date().describe('When the provider enabled the account for the corridor (YYYY-MM-DD)'),
  reference: z.string().min(1).describe("The provider's enablement record or ticket, for the evidence pack"),
  approved_by: z.string().min(1).describe('Who in compliance approved the tenant for the corridor'),
});

export const tenantEnablementsSchema = z.strictObject({
  $comment: z.string().optional(),
  enablements: z.array(tenantEnablementSchema),
});

export type TenantEnablement = z.infer<typeof tenantEnablementSchema>;
export type TenantEnablements = z.infer<typeof tenantEnablementsSchema>;

/** Parses the file against the matrix; a bad file is a deployment bug, reported with every problem at once. */
export function parseTenantEnablements(raw: unknown, matrix: CorridorMatrix): TenantEnablements {
  const result = tenantEnablementsSchema.safeParse(raw);
  if (!result.success) throw new Error(`config/tenant-enablements.json is invalid:\n${z.prettifyError(result.error)}`);
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const enablement of result.data.enablements) {
    const [country, currency, method] = enablement.corridor.split('/') as [string, string, string];
    const corridor = findCorridor(matrix, country, currency, method);
    // Only a policy-gated corridor takes an enablement: an enabled one needs none, an unsupported one cannot be.
    if (corridor?.state !== 'policy_gated')
      problems.push(`${enablement.tenant_id} → ${enablement.corridor}: not a policy_gated corridor of the matrix`);
    const key = `${enablement.tenant_id}#${enablement.corridor}`;
    if (seen.has(key)) problems.push(`${enablement.tenant_id} → ${enablement.corridor}: listed twice`);
    seen.add(key);
  }
  if (problems.length > 0) throw new Error(`config/tenant-enablements.json is invalid:\n${problems.join('\n')}`);
  return result.data;
}

/** The corridor keys (`IN/INR/imps`, as corridorEnablementKey) the tenant is enabled for. */
export function enabledCorridorsOf(enablements: TenantEnablements, tenantId: string): readonly string[] {
  return enablements.enablements.filter((e) => e.tenant_id === tenantId).map((e) => e.corridor);
}

/** Whether the tenant may use the corridor now: enabled corridors always, policy-gated ones once listed. */
export function tenantMayUse(
  enablements: TenantEnablements,
  tenantId: string,
  corridor: Parameters<typeof corridorEnablementKey>[0],
): boolean {
  return enabledCorridorsOf(enablements, tenantId).includes(corridorEnablementKey(corridor));
}
