import { describe, expect, it } from 'vitest';
import raw from '../../../config/corridors.json';
import {
  batchableCorridor,
  CORE_CORRIDOR_CLAIMS,
  corridorMatrixSchema,
  parseCorridorMatrix,
  type Corridor,
} from '../../../functions/domain/corridors';

// Issue 15: every enabled corridor carries its evidence (https page, retrieval date, what it states),
// backs its required fields, cut-off and ETA with a page or lists them as unverified, and states its
// requirements. The schema refuses the rest, and the shipped file passes.

const page = {
  url: 'https://www.fasterpayments.org.uk/sort-code-checker',
  retrieved: '2026-12-02',
  title: 'Sort Code Checker',
  states: 'sort code and account number; 24/7; usually immediate, up to two hours',
  supports: ['required_fields', 'cutoff', 'eta'],
};
const enabled = {
  country: 'GB',
  currency: 'GBP',
  method: 'faster_payments',
  provider: 'sandbox',
  state: 'enabled',
  required_fields: ['sort_code', 'account_number'],
  cutoff: 'none (24/7)',
  eta: 'minutes',
  requirements: { onboarding: [], tax_form: 'not_required' },
  evidence: [page],
  support_tier: { tier: null, why: 'a scheme' },
  account_enablement_required: false,
  unverified: [],
};
const matrixOf = (corridor: Record<string, unknown>) => ({ version: 1, corridors: [corridor] });
const problems = (corridor: Record<string, unknown>): string[] => {
  const result = corridorMatrixSchema.safeParse(matrixOf(corridor));
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('corridor evidence schema', () => {
  it('accepts an enabled corridor with its evidence', () => {
    expect(problems(enabled)).toEqual([]);
  });

  it.each([
    ['no evidence', { evidence: [] }, 'enabled corridor GB/GBP/faster_payments has no evidence'],
    ['no requirements', { requirements: undefined }, 'enabled corridor GB/GBP/faster_payments states no requirements'],
    [
      'a cut-off no page backs and not listed as unverified',
      { evidence: [{ ...page, supports: ['required_fields', 'eta'] }] },
      'no evidence backs cutoff and it is not listed as unverified',
    ],
  ])('refuses an enabled corridor with %s', (_name, change, message) => {
    expect(problems({ ...enabled, ...change }).join('\n')).toContain(message);
  });

  it('accepts an unbacked claim when it is listed as unverified, with why', () => {
    const corridor = {
      ...enabled,
      evidence: [{ ...page, supports: ['required_fields', 'eta'] }],
      unverified: [{ claim: 'cutoff', why: 'set by each PSP' }],
    };
    expect(problems(corridor)).toEqual([]);
  });

  it.each([
    ['a malformed retrieval date', { retrieved: '02/12/2026' }, 'corridors.0.evidence.0.retrieved'],
    ['an impossible retrieval date', { retrieved: '2026-02-30' }, 'corridors.0.evidence.0.retrieved'],
    ['a plain-http URL', { url: 'http://www.fasterpayments.org.uk/' }, 'corridors.0.evidence.0.url'],
    ['a URL that is no URL', { url: 'fasterpayments.org.uk' }, 'corridors.0.evidence.0.url'],
    ['an empty statement', { states: '' }, 'corridors.0.evidence.0.states'],
    ['an unknown claim', { supports: ['fees'] }, 'corridors.0.evidence.0.supports.0'],
    ['an unknown field', { quote: 'x' }, 'corridors.0.evidence.0'],
  ])('refuses evidence with %s', (_name, change, path) => {
    const found = problems({ ...enabled, evidence: [{ ...page, ...change }] });
    expect(found.some((p) => p.startsWith(`${path}:`))).toBe(true);
  });

  it.each([
    ['the evidence list', 'evidence'],
    ['the support tier', 'support_tier'],
    ['the enablement flag', 'account_enablement_required'],
    ['the unverified list', 'unverified'],
  ])('requires %s on every corridor', (_name, field) => {
    const corridor: Record<string, unknown> = { ...enabled, state: 'unsupported' };
    delete corridor[field];
    expect(problems(corridor).some((p) => p.startsWith(`corridors.0.${field}:`))).toBe(true);
  });

  it('a policy-gated corridor must require account enablement; an unsupported one needs no evidence', () => {
    expect(problems({ ...enabled, state: 'policy_gated', evidence: [] })).toEqual([
      'corridors.0: policy_gated corridor GB/GBP/faster_payments must require account enablement',
    ]);
    expect(problems({ ...enabled, state: 'unsupported', evidence: [], requirements: undefined })).toEqual([]);
  });
});

describe('the shipped corridor matrix (config/corridors.json)', () => {
  const matrix = parseCorridorMatrix(raw);
  const enabledCorridors = matrix.corridors.filter((c) => c.state === 'enabled');
  const key = (c: Corridor) => `${c.country}/${c.currency}/${c.method}`;

  it('parses, and every enabled corridor carries evidence retrieved on 2026-12-02 over https', () => {
    expect(enabledCorridors.length).toBeGreaterThan(0);
    for (const corridor of enabledCorridors) {
      expect(corridor.evidence.length, key(corridor)).toBeGreaterThan(0);
      for (const item of corridor.evidence) {
        expect(item.url, key(corridor)).toMatch(/^https:\/\//);
        expect(item.retrieved, key(corridor)).toBe('2026-12-02');
      }
    }
  });

  it('every enabled corridor backs or declares each core claim, and states its requirements', () => {
    for (const corridor of enabledCorridors) {
      const backed = new Set(corridor.evidence.flatMap((e) => e.supports));
      const unverified = new Set(corridor.unverified.map((u) => u.claim));
      for (const claim of CORE_CORRIDOR_CLAIMS)
        expect(backed.has(claim) || unverified.has(claim), `${key(corridor)} ${claim}`).toBe(true);
      expect(corridor.requirements, key(corridor)).toBeDefined();
    }
  });

  it('asks for a tax form in IT/EUR/sepa only, a sandbox corridor, so the gate runs in the twin and the drill', () => {
    const asking = enabledCorridors.filter((c) => c.requirements?.tax_form === 'required');
    expect(asking.map(key)).toEqual(['IT/EUR/sepa']);
    expect(asking[0]!.provider).toBe('sandbox');
    // The simulation and most tests pay DE and GB: a form asked there would hold their payouts.
    expect(asking[0]!.requirements?.basis).toMatch(/W-8BEN/);
  });

  it('the provider corridors cite the provider, the sandbox ones the scheme', () => {
    const hosts = (c: Corridor) => c.evidence.map((e) => new URL(e.url).hostname);
    const byKey = new Map(matrix.corridors.map((c) => [key(c), c]));
    expect(hosts(byKey.get('US/USD/stripe_connect')!).every((h) => h === 'docs.stripe.com')).toBe(true);
    expect(hosts(byKey.get('US/USD/paypal')!).every((h) => h === 'developer.paypal.com')).toBe(true);
    expect(hosts(byKey.get('NL/EUR/bank_transfer')!)).toContain('docs.adyen.com');
    expect(hosts(byKey.get('US/USD/ach')!).every((h) => h === 'www.frbservices.org')).toBe(true);
    expect(hosts(byKey.get('GB/GBP/faster_payments')!)).toEqual(['www.fasterpayments.org.uk']);
    // Adyen and PayPal state that the provider must enable payouts for our account first.
    expect(byKey.get('NL/EUR/bank_transfer')!.account_enablement_required).toBe(true);
    expect(byKey.get('US/USD/paypal')!.account_enablement_required).toBe(true);
  });

  it('a config with an enabled corridor stripped of its evidence fails to parse', () => {
    const stripped = {
      ...raw,
      corridors: raw.corridors.map((c, i) => (i === 0 ? { ...c, evidence: [] } : c)),
    };
    expect(() => parseCorridorMatrix(stripped)).toThrow(/enabled corridor US\/USD\/ach has no evidence/);
  });
});

describe('batchableCorridor: a batch item has no recipient record, so a corridor that asks for one is refused', () => {
  const requirementsOf = (onboarding: string[], taxForm: 'required' | 'not_required') =>
    parseCorridorMatrix(matrixOf({ ...enabled, requirements: { onboarding, tax_form: taxForm } }));
  it.each([
    ['nothing asked', [], 'not_required', undefined],
    ['a tax form', [], 'required', 'tax_form'],
    ['a date of birth', ['date_of_birth'], 'not_required', 'date_of_birth'],
    ['both', ['date_of_birth'], 'required', 'date_of_birth, tax_form'],
  ] as const)('%s', (_case, onboarding, taxForm, asked) => {
    const matrix = requirementsOf([...onboarding], taxForm);
    const pay = () => batchableCorridor(matrix, 'GB', 'GBP', 'faster_payments');
    if (asked === undefined) expect(pay().country).toBe('GB');
    else
      expect(pay).toThrow(
        expect.objectContaining({
          code: 'corridor_requirements_not_batchable',
          category: 'human_action_required',
          message: expect.stringContaining(`asks the recipient for ${asked}`),
        }),
      );
  });

  it('the shipped IT/EUR/sepa (a tax form) is refused; DE/EUR/sepa is batchable', () => {
    const shipped = parseCorridorMatrix(raw);
    expect(() => batchableCorridor(shipped, 'IT', 'EUR', 'sepa')).toThrow(/tax_form/);
    expect(batchableCorridor(shipped, 'DE', 'EUR', 'sepa').provider).toBe('sandbox');
  });

  it('refuses as enabledCorridor does first: policy-gated and unlisted corridors keep their own codes', () => {
    const shipped = parseCorridorMatrix(raw);
    expect(() => batchableCorridor(shipped, 'IN', 'INR', 'imps')).toThrow(
      expect.objectContaining({ code: 'corridor_policy_gated' }),
    );
    expect(() => batchableCorridor(shipped, 'JP', 'JPY', 'zengin')).toThrow(
      expect.objectContaining({ code: 'corridor_not_enabled' }),
    );
  });
});
