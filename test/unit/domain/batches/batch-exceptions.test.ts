import { describe, expect, it } from 'vitest';
import {
  batchGroupCategory,
  batchGroupExceptionIds,
  failureSourceOfRejection,
  openBatchGroup,
} from '../../../../functions/domain/batches/batch-exceptions';
import { defaultOwnerOf, exceptionIdFor } from '../../../../functions/domain/exceptions';
import { FAILURE_SOURCES, failureSourceOfException } from '../../../../functions/domain/failure-source';

describe('batch group exceptions', () => {
  it.each([
    // [code, param, source]: account fields are the recipient's, whatever their code.
    ['iban_invalid', 'destination.iban', 'recipient'],
    ['destination_field_missing', 'destination.ifsc', 'recipient'],
    ['destination_field_unknown', 'destination.sort_code', 'recipient'],
    ['corridor_not_enabled', undefined, 'platform'],
    ['corridor_policy_gated', undefined, 'compliance'],
    ['corridor_requirements_not_batchable', undefined, 'compliance'],
    ['batch_item_identity_reused', undefined, 'platform'],
    ['item_write_refused', undefined, 'platform'],
    // A provider's code keeps its table's source.
    ['account_closed', undefined, 'recipient'],
    ['provider_unavailable', undefined, 'provider'],
    ['sanctions_screening_match', undefined, 'compliance'],
    // Decided here before any provider saw it: ours, never silently the provider's.
    ['something_new', undefined, 'platform'],
  ] as const)('rejection %s (param %s) → %s', (code, param, source) => {
    expect(failureSourceOfRejection({ code, ...(param === undefined ? {} : { param }) })).toBe(source);
  });

  it.each([
    ['provider', 'provider'],
    ['recipient', 'tenant'],
    ['compliance', 'compliance'],
    ['platform', 'ops'],
  ] as const)('source %s: its own category, owned by %s, and the category names the source back', (source, owner) => {
    const category = batchGroupCategory(source);
    expect(defaultOwnerOf(category)).toBe(owner);
    expect(failureSourceOfException(category)).toBe(source);
  });

  it('one exception id per (batch, source): the same for every item, different per source and batch', () => {
    const ids = batchGroupExceptionIds('bat_01JAAAAAAAAAAAAAAAAAAAAAAA');
    expect(ids.map((g) => g.source)).toEqual([...FAILURE_SOURCES]);
    expect(new Set(ids.map((g) => g.exceptionId)).size).toBe(FAILURE_SOURCES.length);
    const other = batchGroupExceptionIds('bat_01JBBBBBBBBBBBBBBBBBBBBBBB').map((g) => g.exceptionId);
    expect(other.filter((id) => ids.some((g) => g.exceptionId === id))).toEqual([]);
    const opening = openBatchGroup(
      { batchId: 'bat_01JAAAAAAAAAAAAAAAAAAAAAAA', senderBatchId: 's', tenantId: 't', source: 'recipient' },
      '2026-12-01T03:00:00.000Z',
    );
    expect(
      exceptionIdFor({ category: opening.category as 'batch_items_failed_recipient', batchId: opening.batchId! }),
    ).toBe(ids.find((g) => g.source === 'recipient')!.exceptionId);
    expect(opening).toMatchObject({ owner: 'tenant', batchId: 'bat_01JAAAAAAAAAAAAAAAAAAAAAAA' });
    expect(opening.payoutId).toBeUndefined();
  });
});
