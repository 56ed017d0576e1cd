import { describe, expect, it } from 'vitest';
import { LocalListScreeningProvider } from '../../../../functions/adapters/screening/local-list-provider';
import { loadSdnListFromDirectory } from '../../../../functions/adapters/screening/sdn-list-sources';

describe('LocalListScreeningProvider', () => {
  it('screens against the loaded list and says its version', async () => {
    const list = await loadSdnListFromDirectory('fixtures/screening');
    const provider = new LocalListScreeningProvider(async () => list);
    const result = await provider.screen({ name: 'Ivan Zarkov', kind: 'individual' });
    expect(result.provider).toBe('local_list');
    expect(result.listVersion).toBe(list.version);
    expect(result.matches.map((m) => m.sourceId)).toEqual(['9001']);
    expect(await provider.listVersion()).toBe(list.version);
  });

  it('loads once, and tries again after a failed load', async () => {
    const list = await loadSdnListFromDirectory('fixtures/screening');
    let calls = 0;
    const provider = new LocalListScreeningProvider(async () => {
      calls += 1;
      if (calls === 1) throw new Error('S3 is down');
      return list;
    });
    await expect(provider.listVersion()).rejects.toThrow('S3 is down');
    await provider.listVersion();
    await provider.screen({ name: 'Jane Doe', kind: 'individual' });
    expect(calls).toBe(2);
  });
});
