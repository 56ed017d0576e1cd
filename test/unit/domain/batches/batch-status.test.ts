import { describe, expect, it } from 'vitest';
import {
  BATCH_ITEM_STATUSES,
  deriveBatchStatus,
  itemOutcome,
  type BatchItemCounts,
  type BatchStatus,
} from '../../../../functions/domain/batches/batch-status';

describe('item outcome', () => {
  it.each([
    ['received', 'not_started'],
    ['rejected', 'failed'],
    ['requires_approval', 'in_flight'],
    ['submitted', 'in_flight'],
    ['accepted', 'in_flight'],
    ['pending', 'in_flight'],
    ['paid', 'succeeded'],
    ['reversed', 'failed'],
    ['failed', 'failed'],
    ['canceled', 'canceled'],
  ] as const)('%s → %s', (status, outcome) => {
    expect(itemOutcome(status)).toBe(outcome);
  });

  it('covers every item status (the table above is the whole list)', () => {
    expect(BATCH_ITEM_STATUSES).toHaveLength(10);
  });
});

describe('derived batch status', () => {
  const cases: ReadonlyArray<[string, BatchItemCounts, BatchStatus]> = [
    ['nothing counted yet', {}, 'received'],
    ['every item received', { received: 15_000 }, 'received'],
    ['one item fanned out', { received: 9, submitted: 1 }, 'processing'],
    ['one item rejected, the rest waiting', { received: 9, rejected: 1 }, 'processing'],
    ['all in flight', { submitted: 3, accepted: 3, pending: 4 }, 'processing'],
    ['all paid but one pending', { paid: 9, pending: 1 }, 'processing'],
    ['paid but one awaiting approval', { paid: 9, requires_approval: 1 }, 'processing'],
    ['all paid', { paid: 10 }, 'completed'],
    ['paid and one failed', { paid: 99, failed: 1 }, 'completed_with_failures'],
    ['paid and one rejected', { paid: 99, rejected: 1 }, 'completed_with_failures'],
    ['paid and one reversed', { paid: 99, reversed: 1 }, 'completed_with_failures'],
    ['paid and one canceled', { paid: 99, canceled: 1 }, 'completed_with_failures'],
    ['all failed', { failed: 5 }, 'completed_with_failures'],
    ['all rejected', { rejected: 5 }, 'completed_with_failures'],
    ['all canceled', { canceled: 5 }, 'canceled'],
    ['canceled and failed', { canceled: 4, failed: 1 }, 'completed_with_failures'],
    ['zero counts are ignored', { paid: 3, failed: 0, received: 0 }, 'completed'],
  ];
  it.each(cases)('%s → %s', (_name, counts, expected) => {
    expect(deriveBatchStatus(counts)).toBe(expected);
  });

  it('is final only when every item is final, for one item of each status', () => {
    for (const status of BATCH_ITEM_STATUSES) {
      const derived = deriveBatchStatus({ paid: 1, [status]: 1 });
      const final = !['not_started', 'in_flight'].includes(itemOutcome(status));
      expect(['completed', 'completed_with_failures', 'canceled'].includes(derived), status).toBe(final);
    }
  });
});
