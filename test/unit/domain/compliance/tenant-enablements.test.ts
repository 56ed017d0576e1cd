import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCorridorMatrix } from '../../../../functions/domain/corridors';
import {
  enabledCorridorsOf,
  parseTenantEnablements,
  tenantMayUse,
} from '../../../../functions/domain/compliance/tenant-enablements';
import { REPO_ROOT } from '../../../../local/paths';

const readJson = (name: string) => JSON.parse(readFileSync(join(REPO_ROOT, 'config', name), 'utf8')) as unknown;
const matrix = parseCorridorMatrix(readJson('corridors.json'));
const entry = (overrides: Record<string, unknown> = {}) => ({
  tenant_id: 'acme',
  corridor: 'IN/INR/imps',
  enabled_on: '2026-11-30',
  reference: 'provider ticket 1',
  approved_by: 'compliance-1',
  ...overrides,
});

describe('config/tenant-enablements.json', () => {
  it('parses against config/corridors.json', () => {
    const parsed = parseTenantEnablements(readJson('tenant-enablements.json'), matrix);
    expect(enabledCorridorsOf(parsed, 'drill-enabled')).toEqual(['IN/INR/imps']);
  });
});

describe('parseTenantEnablements', () => {
  it('answers which corridors a tenant may use', () => {
    const parsed = parseTenantEnablements({ enablements: [entry()] }, matrix);
    expect(enabledCorridorsOf(parsed, 'acme')).toEqual(['IN/INR/imps']);
    expect(enabledCorridorsOf(parsed, 'globex')).toEqual([]);
    expect(tenantMayUse(parsed, 'acme', { country: 'IN', currency: 'INR', method: 'imps' })).toBe(true);
    expect(tenantMayUse(parsed, 'globex', { country: 'IN', currency: 'INR', method: 'imps' })).toBe(false);
  });

  it.each([
    ['an enabled corridor (it needs no enablement)', [entry({ corridor: 'DE/EUR/sepa' })], /not a policy_gated/],
    ['an unsupported corridor', [entry({ corridor: 'JP/JPY/zengin' })], /not a policy_gated/],
    ['a corridor not in the matrix', [entry({ corridor: 'FR/EUR/swift' })], /not a policy_gated/],
    ['the same tenant and corridor twice', [entry(), entry({ reference: 'again' })], /listed twice/],
    ['a malformed corridor key', [entry({ corridor: 'in-inr' })], /corridor key/],
    ['a missing reference', [entry({ reference: '' })], /reference/],
    ['a date that is not YYYY-MM-DD', [entry({ enabled_on: '30/11/2026' })], /enabled_on/],
    ['an unknown field', [entry({ note: 'x' })], /note/],
  ])('refuses %s', (_name, enablements, message) => {
    expect(() => parseTenantEnablements({ enablements }, matrix)).toThrow(message);
  });
});
