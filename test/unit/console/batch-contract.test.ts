// The batch page's reading of GET /ops/batches… and the group item pages, and its 3 a.m. sentences.
import { describe, expect, it } from 'vitest';
import {
  BATCH_ITEM_STATUSES as CONSOLE_STATUSES,
  moneyText,
  toGroupItemPage,
  toOpsBatch,
} from '../../../console/src/batch-contract';
import { failureHeadline, sourceAdvice } from '../../../console/src/views/batch-guidance';
import { batchIdInHash } from '../../../console/src/views/batch';
import { BATCH_ITEM_STATUSES } from '../../../functions/domain/batches/batch-status';
import { FAILURE_SOURCES } from '../../../functions/domain/failure-source';

describe('batch page contract', () => {
  it('knows every item status the server has, in the same order', () => {
    expect([...CONSOLE_STATUSES]).toEqual([...BATCH_ITEM_STATUSES]);
  });

  it('reads a batch: counts in lifecycle order, totals, groups, the tenant', () => {
    const batch = toOpsBatch({
      batch_id: 'bat_1',
      tenant_id: 'acme',
      sender_batch_id: 'payroll',
      status: 'completed_with_failures',
      item_count: 3,
      counts: { paid: 2, rejected: 1, someday_status: 4 },
      totals: [{ currency: 'JPY', amount: 1500, item_count: 3 }],
      approval: { status: 'pending' },
      exceptions: [
        { exception_id: 'exc_1', failure_source: 'recipient', owner: 'tenant', state: 'open', item_count: 1 },
      ],
    });
    expect(batch.counts).toEqual([
      ['rejected', 1],
      ['paid', 2],
      ['someday_status', 4],
    ]);
    expect(batch).toMatchObject({ tenantId: 'acme', approvalPending: true, totals: [{ amountMinor: 1500 }] });
    expect(batch.groups[0]).toMatchObject({ exceptionId: 'exc_1', owner: 'tenant', itemCount: 1 });
  });

  it('reads a group page; an empty or missing cursor means the end', () => {
    expect(toGroupItemPage({ data: [{ sender_item_id: 'a' }], next_cursor: null })).toMatchObject({
      items: [{ senderItemId: 'a' }],
      nextCursor: null,
    });
    expect(toGroupItemPage({ data: [], next_cursor: '' }).nextCursor).toBeNull();
    expect(toGroupItemPage({ data: [], next_cursor: 'abc' }).nextCursor).toBe('abc');
  });

  it.each([
    [47_800, 'EUR', 'EUR 478.00'],
    [1_500, 'JPY', 'JPY 1,500'],
    [1_234, 'BHD', 'BHD 1.234'],
    [5, 'EURO', '5 EURO (minor units)'], // not an ISO 4217 code: the figure as sent, unit named
  ])('money %i %s → %s', (minor, currency, shown) => {
    expect(moneyText(minor, currency).replace(/\u00a0/g, ' ')).toBe(shown);
  });

  it.each([
    ['#batch/bat_01ABC', 'bat_01ABC'],
    ['#batch', ''],
    ['#batch/', ''],
  ])('hash %s names batch %j', (hash, batchId) => {
    expect(batchIdInHash(hash)).toBe(batchId);
  });

  it('says how many failed, from where, owned by whom; nothing when no group is open', () => {
    const groups = [
      { exceptionId: 'a', failureSource: 'recipient', owner: 'tenant', state: 'open', itemCount: 3 },
      { exceptionId: 'b', failureSource: 'platform', owner: 'ops', state: 'assigned', itemCount: 1 },
      { exceptionId: 'c', failureSource: 'provider', owner: 'provider', state: 'resolved', itemCount: 0 },
    ];
    expect(failureHeadline(groups, 10)).toBe(
      '4 of 10 items failed: 3 recipient details (owner: tenant), 1 our platform (owner: ops).',
    );
    expect(failureHeadline(groups.slice(2), 10)).toBe('');
  });

  it.each(FAILURE_SOURCES)('has advice for the %s failure source', (source) => {
    expect(sourceAdvice(source, 'acme')).not.toContain('Unknown failure source');
  });
});
