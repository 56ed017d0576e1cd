// DESIGN §4: every sample event in events/ has an invalid sibling (X.json → X.invalid.json), unless
// it is listed below with the reason it has none. Cheap: reads file names and parses JSON only.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const EVENTS_DIR = resolve(import.meta.dirname, '../../events');

/** Fixtures without an invalid sibling, each with the reason. */
export const WITHOUT_INVALID_SIBLING: Readonly<Record<string, string>> = {
  'apigw/get-openapi.json': 'GET /openapi.json is public and reads no input: every request gets the same document',
  'apigw/ops-console.json':
    'GET /ops is public and reads no input: the page is static; its API calls carry their own token',
  'schedule/sweep.json': 'the scheduler sends {} and the sweeper reads nothing from its event',
};

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return jsonFiles(path);
    return entry.name.endsWith('.json') ? [relative(EVENTS_DIR, path)] : [];
  });
}

const files = jsonFiles(EVENTS_DIR).sort();
const valid = files.filter((file) => !file.endsWith('.invalid.json'));
const invalid = files.filter((file) => file.endsWith('.invalid.json'));
const siblingOf = (file: string) => file.replace(/\.json$/, '.invalid.json');

describe('events/ fixtures', () => {
  it('exist, one folder per source', () => {
    expect(valid.length).toBeGreaterThan(10);
    expect(new Set(files.map((file) => file.split('/')[0]))).toEqual(
      new Set(['apigw', 'cognito', 'schedule', 'sqs', 'webhooks']),
    );
  });

  it.each(valid)('%s has an invalid sibling or a reason in the allow-list', (file) => {
    const hasSibling = files.includes(siblingOf(file));
    const reason = WITHOUT_INVALID_SIBLING[file];
    if (reason !== undefined) expect(hasSibling, `${file} has a sibling now: take it off the allow-list`).toBe(false);
    else expect(hasSibling, `${file} needs ${siblingOf(file)} (or an allow-list entry with a reason)`).toBe(true);
  });

  it('the allow-list names only fixtures that exist', () => {
    for (const file of Object.keys(WITHOUT_INVALID_SIBLING)) expect(valid).toContain(file);
  });

  it.each(files)('%s is one readable JSON object, pretty-printed', (file) => {
    const text = readFileSync(join(EVENTS_DIR, file), 'utf8');
    const parsed: unknown = JSON.parse(text);
    expect(parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)).toBe(true);
    expect(text).toBe(`${JSON.stringify(parsed, null, 2)}\n`);
  });

  // An invalid fixture without a valid one is allowed only where the valid event cannot be static.
  it.each(invalid)('%s has a valid counterpart, or one made at call time', (file) => {
    const base = file.replace(/\.invalid\.json$/, '.json');
    if (file === 'apigw/intake-webhook.invalid.json') {
      // The valid delivery carries a signature of the current time: bin/sign-webhook.ts makes it.
      expect(files).toContain('webhooks/sandbox-payout-paid.json');
      return;
    }
    expect(files).toContain(base);
  });
});
