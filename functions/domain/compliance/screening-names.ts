/**
 * Names as the matcher compares them: case, diacritics, punctuation and token order removed, so that
 * "MOREAU, Élodie", "Elodie Moreau" and "élodie  moreau." are the same three tokens in the same order.
 */

/** Letters NFKD does not decompose into ASCII: the usual transliterations of sanctions screening. */
const LETTERS_WITHOUT_DECOMPOSITION: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};

/**
 * Legal forms that say nothing about who an entity is: "NORTHWIND TRADING LLC" and "Northwind Trading Ltd." are one
 * name to a screener. Dropped only when a name has other tokens.
 */
const LEGAL_FORM_TOKENS: ReadonlySet<string> = new Set([
  'llc',
  'ltd',
  'limited',
  'inc',
  'incorporated',
  'corp',
  'corporation',
  'co',
  'company',
  'plc',
  'sa',
  'ag',
  'gmbh',
  'bv',
  'nv',
  'srl',
  'spa',
  'oao',
  'ooo',
  'zao',
  'pjsc',
  'jsc',
  'fze',
  'fzco',
]);

/** Lower case ASCII letters and digits, one space between words. */
export function normaliseText(text: string): string {
  const lower = text.toLowerCase();
  let ascii = '';
  for (const char of lower.normalize('NFKD')) {
    // Combining marks (the accents NFKD split off) go; the letters above are transliterated.
    if (/\p{M}/u.test(char)) continue;
    ascii += LETTERS_WITHOUT_DECOMPOSITION[char] ?? char;
  }
  return ascii
    .replace(/['’`]/g, '') // O'Brien is obrien, not "o brien"
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** The name's tokens, sorted (token order never matters), legal forms dropped. */
export function nameTokens(name: string): string[] {
  const tokens = normaliseText(name)
    .split(' ')
    .filter((token) => token.length > 0);
  const meaningful = tokens.filter((token) => !LEGAL_FORM_TOKENS.has(token));
  return (meaningful.length > 0 ? meaningful : tokens).sort();
}
