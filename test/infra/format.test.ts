import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';

// One formatter (Prettier, .prettierrc.json: 120 columns) for every source file git tracks, so a
// review never argues about layout. `npm run format` fixes what this test finds.

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCE_PATTERN = /\.(ts|mts|mjs|cjs)$/;

describe('formatting', () => {
  it('every tracked source file is as Prettier writes it', async () => {
    const files = execFileSync('git', ['ls-files'], { cwd: PROJECT_ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((file) => SOURCE_PATTERN.test(file));
    const unformatted: string[] = [];
    for (const file of files) {
      const absolute = path.join(PROJECT_ROOT, file);
      const info = await prettier.getFileInfo(absolute, { ignorePath: path.join(PROJECT_ROOT, '.prettierignore') });
      if (info.ignored) continue;
      const options = await prettier.resolveConfig(absolute);
      const source = await readFile(absolute, 'utf8');
      if (!(await prettier.check(source, { ...options, filepath: absolute }))) unformatted.push(file);
    }
    expect(unformatted, 'run `npm run format`').toEqual([]);
  });
});
