import { describe, expect, it } from 'vitest';
import { ONBOARDING_STATES } from '../../../../functions/domain/compliance/contract';
import {
  missingRequirements,
  ONBOARDING_EVENTS,
  onboardingTransition,
  type RecipientFacts,
} from '../../../../functions/domain/compliance/onboarding';

// Every state × event, written out independently of onboarding.ts: `>x` moves to x, `=` unchanged, `F` refused.
const EXPECTED: Record<string, readonly string[]> = {
  //                   requirements_met  requirements_missing  verify        reject        reopen
  pending_information: ['>in_review', '=', 'F', '>rejected', 'F'],
  in_review: ['=', '>pending_information', '>verified', '>rejected', '='],
  verified: ['=', '>pending_information', '=', '>rejected', '>in_review'],
  rejected: ['F', 'F', 'F', '=', 'F'],
};

describe('onboardingTransition', () => {
  const cells = ONBOARDING_STATES.flatMap((from) =>
    ONBOARDING_EVENTS.map((event, index) => [from, event, EXPECTED[from]![index]!] as const),
  );
  it('the expectation table covers every state and event', () => {
    expect(Object.keys(EXPECTED)).toEqual([...ONBOARDING_STATES]);
    for (const row of Object.values(EXPECTED)) expect(row).toHaveLength(ONBOARDING_EVENTS.length);
  });
  it.each(cells)('%s + %s → %s', (from, event, expected) => {
    const outcome = onboardingTransition(from, event);
    if (expected === '=') expect(outcome).toEqual({ kind: 'unchanged' });
    else if (expected === 'F') expect(outcome.kind).toBe('refused');
    else expect(outcome).toEqual({ kind: 'moved', to: expected.slice(1) });
  });
});

describe('missingRequirements', () => {
  const person: RecipientFacts = {
    kind: 'individual',
    hasDateOfBirth: false,
    hasRegistrationNumber: false,
    hasAddress: false,
    hasTaxId: false,
    taxForm: 'missing',
  };
  const business: RecipientFacts = { ...person, kind: 'business' };
  it.each([
    ['nothing asked', { onboarding: [], taxFormRequired: false }, person, []],
    ['a tax form, missing', { onboarding: [], taxFormRequired: true }, person, ['tax_form']],
    ['a tax form, expired', { onboarding: [], taxFormRequired: true }, { ...person, taxForm: 'expired' }, ['tax_form']],
    ['a tax form, valid', { onboarding: [], taxFormRequired: true }, { ...person, taxForm: 'valid' }, []],
    [
      'everything, of an individual',
      { onboarding: ['address', 'date_of_birth', 'business_registration', 'tax_id'], taxFormRequired: true },
      person,
      ['tax_form', 'date_of_birth', 'address', 'tax_id'],
    ],
    [
      'everything, of a business',
      { onboarding: ['address', 'date_of_birth', 'business_registration'], taxFormRequired: false },
      business,
      ['business_registration', 'address'],
    ],
    [
      'everything, all present',
      { onboarding: ['address', 'date_of_birth', 'tax_id'], taxFormRequired: true },
      { ...person, hasDateOfBirth: true, hasAddress: true, hasTaxId: true, taxForm: 'valid' },
      [],
    ],
  ] as const)('%s', (_name, policy, facts, expected) => {
    expect(missingRequirements(policy, facts as RecipientFacts)).toEqual(expected);
  });
});
