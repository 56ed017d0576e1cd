import { describe, expect, it } from 'vitest';
import type { RecipientFacts, OnboardingPolicy } from '../../../../functions/domain/compliance/onboarding';
import { initialOnboarding, onboardingAfterChange } from '../../../../functions/domain/compliance/recipient-onboarding';

const person: RecipientFacts = {
  kind: 'individual',
  hasDateOfBirth: false,
  hasRegistrationNumber: false,
  hasAddress: false,
  hasTaxId: false,
  taxForm: 'missing',
};
const NOTHING: OnboardingPolicy = { onboarding: [], taxFormRequired: false };
const DOB_AND_FORM: OnboardingPolicy = { onboarding: ['date_of_birth'], taxFormRequired: true };

describe('initialOnboarding', () => {
  it.each([
    ['a policy asking nothing', NOTHING, person, { state: 'verified', requirements: [] }],
    [
      'a policy asking what is missing',
      DOB_AND_FORM,
      person,
      { state: 'pending_information', requirements: ['tax_form', 'date_of_birth'] },
    ],
    [
      'a policy asking only what the create carried',
      { onboarding: ['date_of_birth'], taxFormRequired: false },
      { ...person, hasDateOfBirth: true },
      { state: 'in_review', requirements: [] },
    ],
    [
      'a business under a date-of-birth policy (not its kind)',
      { onboarding: ['date_of_birth'], taxFormRequired: false },
      { ...person, kind: 'business' },
      { state: 'in_review', requirements: [] },
    ],
  ] as const)('%s', (_name, policy, facts, expected) => {
    expect(initialOnboarding(policy, facts)).toEqual(expected);
  });
});

describe('onboardingAfterChange', () => {
  it('the last requirement met moves pending_information to in_review', () => {
    const facts = { ...person, hasDateOfBirth: true, taxForm: 'valid' } as const;
    expect(onboardingAfterChange('pending_information', DOB_AND_FORM, facts)).toEqual({
      state: 'in_review',
      requirements: [],
    });
  });
  it('a requirement still missing keeps pending_information with the fresh list', () => {
    const facts = { ...person, taxForm: 'valid' } as const;
    expect(onboardingAfterChange('pending_information', DOB_AND_FORM, facts)).toEqual({
      state: 'pending_information',
      requirements: ['date_of_birth'],
    });
  });
  it('a rejected recipient stays rejected (the state machine refuses the event)', () => {
    expect(
      onboardingAfterChange('rejected', DOB_AND_FORM, { ...person, taxForm: 'valid', hasDateOfBirth: true }),
    ).toEqual({ state: 'rejected', requirements: [] });
  });
  it('a verified recipient whose form lapsed goes back to pending_information', () => {
    expect(
      onboardingAfterChange('verified', DOB_AND_FORM, { ...person, hasDateOfBirth: true, taxForm: 'expired' }),
    ).toEqual({
      state: 'pending_information',
      requirements: ['tax_form'],
    });
  });
});
