import { TENANT_ID_PATTERN } from '../shared/access-matrix';
import type { GetItem } from './signed-get-item';

// The one item of the tenant ↔ app client mapping that the pre-token trigger reads per token
// (tenant-directory.ts writes it, beside the directory item), kept apart from the directory so the
// trigger's bundle holds no SDK client: it reads through signed-get-item.ts.

export const TENANT_CLIENT_PK_PREFIX = 'TENANT_CLIENT#';
export const TENANT_CLIENT_SK = 'TENANT_CLIENT';

export type TenantClientStatus = 'active' | 'disabled';

/** What the pre-token trigger needs of a client: its tenant, its role and whether it is still on. */
export interface TenantClientMapping {
  tenantId: string;
  /** Unchecked here: the trigger refuses a role the matrix does not know. */
  role: string;
  status: TenantClientStatus;
}

export const mappingKey = (clientId: string) => ({ pk: `${TENANT_CLIENT_PK_PREFIX}${clientId}`, sk: TENANT_CLIENT_SK });

/** Reads back what the directory wrote; anything malformed is not a mapping (the trigger then fails closed). */
export function mappingOf(item: Record<string, unknown> | undefined): TenantClientMapping | undefined {
  const tenantId = item?.['tenantId'];
  const role = item?.['role'];
  const status = item?.['status'];
  if (typeof tenantId !== 'string' || !TENANT_ID_PATTERN.test(tenantId)) return undefined;
  if (typeof role !== 'string' || (status !== 'active' && status !== 'disabled')) return undefined;
  return { tenantId, role, status };
}

/** The mapping of one app client, read consistently so a disable counts from the next token on. */
export function tenantMappingReader(getItem: GetItem, tableName: string) {
  return async (clientId: string): Promise<TenantClientMapping | undefined> =>
    mappingOf(await getItem(tableName, mappingKey(clientId)));
}
