/**
 * Issue 15: the corridor schema refuses an enabled corridor without evidence. Tests that build their own
 * corridor matrix spread this in: a valid evidence block that claims nothing about any real corridor.
 */
export const FIXTURE_CORRIDOR_EVIDENCE = {
  evidence: [
    {
      url: 'https://example.com/corridor',
      retrieved: '2026-12-02',
      title: 'fixture',
      states: 'fixture',
      supports: ['required_fields', 'cutoff', 'eta'],
    },
  ],
  support_tier: { tier: null, why: 'fixture' },
  account_enablement_required: false,
  unverified: [],
};
