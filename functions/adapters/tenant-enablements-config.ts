import raw from '../../config/tenant-enablements.json';
import { parseTenantEnablements, type TenantEnablements } from '../domain/compliance/tenant-enablements';
import { corridorMatrix } from './corridors-config';

/** The tenants' corridor enablements, bundled like the matrix (esbuild inlines the JSON), validated once per cold start. */
let enablements: TenantEnablements | undefined;

export function tenantEnablements(): TenantEnablements {
  enablements ??= parseTenantEnablements(raw, corridorMatrix());
  return enablements;
}
