// wiring/screening.ts: which list source the environment names, and the per-container list cache (its TTL).
import { describe, expect, it } from 'vitest';
import type { ScreeningList } from '../../../functions/domain/compliance/sdn-list';
import { ENV } from '../../../functions/shared/names';
import {
  cachedListProvider,
  SCREENING_LIST_CACHE_TTL_SECONDS,
  screeningListSource,
} from '../../../functions/wiring/screening';

describe('screeningListSource', () => {
  it.each([
    [
      { [ENV.watchmanUrl]: 'http://w:8084', [ENV.screeningListDirectory]: 'd' },
      { kind: 'watchman', baseUrl: 'http://w:8084' },
    ],
    [
      { [ENV.screeningListDirectory]: 'fixtures/screening', [ENV.screeningListBucket]: 'b' },
      { kind: 'directory', directory: 'fixtures/screening' },
    ],
    [
      { [ENV.screeningListBucket]: 'b', [ENV.screeningListPrefix]: 'sdn/' },
      { kind: 's3', bucket: 'b', prefix: 'sdn/' },
    ],
    [
      { [ENV.screeningListBucket]: 'b', [ENV.watchmanUrl]: '' },
      { kind: 's3', bucket: 'b', prefix: '' },
    ],
  ])('%j → %j', (env, expected) => {
    expect(screeningListSource(env)).toEqual(expected);
  });

  it('refuses an environment that names no list', () => {
    expect(() => screeningListSource({})).toThrow(/screening needs a list/);
  });
});

describe('cachedListProvider', () => {
  it('loads once within the TTL, again after it; a failed load is retried', async () => {
    let now = 0;
    let loads = 0;
    let fail = false;
    const provider = cachedListProvider(
      async () => {
        loads++;
        if (fail) throw new Error('s3 down');
        return { version: `v${loads}`, entries: [] } as unknown as ScreeningList;
      },
      () => now,
    );
    expect(await provider.listVersion()).toBe('v1');
    now = SCREENING_LIST_CACHE_TTL_SECONDS * 1000 - 1;
    expect(await provider.listVersion()).toBe('v1');
    expect(loads).toBe(1);
    now = SCREENING_LIST_CACHE_TTL_SECONDS * 1000;
    fail = true;
    await expect(provider.listVersion()).rejects.toThrow('s3 down');
    fail = false;
    expect(await provider.listVersion()).toBe('v3');
    expect((await provider.screen({ name: 'Jane Doe', kind: 'individual' })).matches).toEqual([]);
  });
});
