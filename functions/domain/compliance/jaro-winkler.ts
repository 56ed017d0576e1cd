/**
 * Jaro-Winkler similarity (Winkler 1990), 0..1, 1 for equal strings.
 *
 * Written here rather than taken from npm: functions/domain imports no package but zod (the layering rules), and
 * the candidates weighed on 2 Dec 2026 were each a poor trade for ~40 lines with published test vectors —
 * `jaro-winkler` (CommonJS only, unreleased for years), `talisman` and `natural` (whole NLP toolkits for one
 * function), `string-comparison` and `@skyra/jaro-winkler` (small and typed, but a dependency the domain would have
 * to be allowed for a function whose vectors we test anyway: test/unit/domain/compliance/jaro-winkler.test.ts).
 *
 * Compared by UTF-16 code unit: callers normalise names first (screening-names.ts), which leaves ASCII.
 */

/** Winkler's prefix scale: each common leading character (up to four) closes 10 % of the remaining gap. */
export const JARO_WINKLER_PREFIX_SCALE = 0.1;
/** Winkler's cap on the common prefix counted. */
export const JARO_WINKLER_PREFIX_CHARS_MAX = 4;

export function jaro(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  // Characters match when equal and no further apart than half the longer string, less one.
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aMatched = new Array<boolean>(a.length).fill(false);
  const bMatched = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i += 1) {
    const from = Math.max(0, i - window);
    const to = Math.min(b.length - 1, i + window);
    for (let j = from; j <= to; j += 1) {
      if (bMatched[j] || a[i] !== b[j]) continue;
      aMatched[i] = true;
      bMatched[j] = true;
      matches += 1;
      break;
    }
  }
  if (matches === 0) return 0;
  let outOfOrder = 0;
  let k = 0;
  for (let i = 0; i < a.length; i += 1) {
    if (!aMatched[i]) continue;
    while (!bMatched[k]) k += 1;
    if (a[i] !== b[k]) outOfOrder += 1;
    k += 1;
  }
  const transpositions = outOfOrder / 2;
  return (matches / a.length + matches / b.length + (matches - transpositions) / matches) / 3;
}

export function jaroWinkler(a: string, b: string): number {
  const similarity = jaro(a, b);
  let prefix = 0;
  const prefixMax = Math.min(JARO_WINKLER_PREFIX_CHARS_MAX, a.length, b.length);
  while (prefix < prefixMax && a[prefix] === b[prefix]) prefix += 1;
  return similarity + prefix * JARO_WINKLER_PREFIX_SCALE * (1 - similarity);
}
