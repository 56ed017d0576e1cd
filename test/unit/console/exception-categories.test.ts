import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXCEPTION_CATEGORIES } from '../../../functions/domain/exceptions';
import { REPO_ROOT } from '../../../local/paths';

// The console's category filter is a hand-kept list (the console bundle does not import the domain):
// a category the API can open but the filter cannot pick is one ops at 3 a.m. cannot find.
describe('console exception category filter', () => {
  it('offers every category the API opens, and none it does not', () => {
    const source = readFileSync(join(REPO_ROOT, 'console/src/views/exceptions.ts'), 'utf8');
    const block = /const CATEGORIES = \[([\s\S]*?)\] as const;/.exec(source)?.[1] ?? '';
    const offered = [...block.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]);
    expect([...offered].sort()).toEqual([...EXCEPTION_CATEGORIES].sort());
  });
});
