import { describe, expect, it } from 'vitest';
import { textField, textRefusalOf, type TextRules } from '../../../functions/domain/text';

// Each rule of domain/text.ts, in its order of precedence, with what it still lets through.
describe('text rules', () => {
  it.each([
    ['NUL', 'a\u0000b', {}, 'control_character', 'U+0000'],
    ['escape (starts terminal sequences)', 'a\u001b[31mb', {}, 'control_character', 'U+001B'],
    ['DEL', 'a\u007fb', {}, 'control_character', 'U+007F'],
    ['C1 next line', 'a\u0085b', {}, 'control_character', 'U+0085'],
    ['line feed in a single-line field', 'a\nb', {}, 'control_character', 'U+000A'],
    ['tab in a single-line field', 'a\tb', {}, 'control_character', 'U+0009'],
    ['vertical tab even in a multi-line field', 'a\u000bb', { multiline: true }, 'control_character', 'U+000B'],
    ['right-to-left override', 'a\u202eb', {}, 'bidi_control', 'U+202E'],
    ['left-to-right embedding', 'a\u202ab', {}, 'bidi_control', 'U+202A'],
    ['first strong isolate', 'a\u2068b', {}, 'bidi_control', 'U+2068'],
    ['pop directional isolate', 'a\u2069b', {}, 'bidi_control', 'U+2069'],
    ['left-to-right mark', 'a\u200eb', {}, 'bidi_control', 'U+200E'],
    ['right-to-left mark', 'a\u200fb', {}, 'bidi_control', 'U+200F'],
    ['Arabic letter mark', 'a\u061cb', {}, 'bidi_control', 'U+061C'],
    ['lone high surrogate', 'a\ud800b', {}, 'lone_surrogate', 'U+D800'],
    ['lone low surrogate', 'a\udc00b', {}, 'lone_surrogate', 'U+DC00'],
    ['reversed surrogate pair', 'a\udc00\ud800', {}, 'lone_surrogate', 'U+DC00'],
    ['replacement character', 'Jos\ufffd', {}, 'replacement_character', 'U+FFFD'],
  ] as const)('refuses %s', (_name, text, rules, reason, codePoint) => {
    expect(textRefusalOf(text, rules as TextRules)).toEqual({ reason, codePoint });
  });

  it.each([
    ['spaces', '   '],
    ['zero-width spaces', '\u200b\u200b'],
    ['a zero-width joiner', '\u200d'],
    ['word joiner and soft hyphen', '\u2060\u00ad'],
    ['Hangul fillers', '\u3164\u115f'],
    ['blank braille', '\u2800\u2800'],
    ['combining marks alone', '\u0301\u0308'],
    ['an ideographic space', '\u3000'],
    ['the empty string', ''],
  ])('a name of %s has no visible character', (_name, text) => {
    expect(textRefusalOf(text, { requireVisible: true })).toEqual({ reason: 'no_visible_character' });
  });

  it.each([
    ['Latin with accents', 'Zoë Ångström-Øre'],
    ['Arabic (right-to-left, no marks needed)', 'أحمد الفارسي'],
    ['Hebrew', 'דוד כהן'],
    ['Devanagari with a zero-width joiner', 'क्\u200dष'],
    ['Persian with a zero-width non-joiner', 'می\u200cخواهم'],
    ['Chinese', '王小明'],
    ['an emoji ZWJ sequence', '👩\u200d💻'],
    ['digits only', '42'],
    ['punctuation only', '—'],
  ])('accepts %s as a name', (_name, text) => {
    expect(textRefusalOf(text.normalize('NFC'), { requireVisible: true })).toBeUndefined();
  });

  it('lets a multi-line field keep LF, CR and TAB', () => {
    expect(textRefusalOf('line one\r\nline two\tend', { multiline: true })).toBeUndefined();
  });

  it('checks in order: a lone surrogate before a control character before a bidi control', () => {
    expect(textRefusalOf('\u202e\u0000\ud800')?.reason).toBe('lone_surrogate');
    expect(textRefusalOf('\u202e\u0000')?.reason).toBe('control_character');
  });
});

describe('textField (the zod schema every request text field uses)', () => {
  const name = textField({ error: 'name_invalid', trim: true, charsMin: 1, charsMax: 5, requireVisible: true });

  it('normalises to NFC before counting, so a decomposed name fits where it would not otherwise', () => {
    expect(name.parse('  Zoe\u0301 ')).toBe('Zo\u00e9');
    expect(name.parse('e\u0301e\u0301e\u0301')).toBe('\u00e9\u00e9\u00e9');
  });

  it('puts invalid_text and the reason in the issue', () => {
    const result = name.safeParse('a\u202eb');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      code: 'custom',
      message: 'invalid_text',
      params: { reason: 'bidi_control', codePoint: 'U+202E' },
    });
  });

  it('answers an empty value with the length code, not "no visible character"', () => {
    expect(name.safeParse('  ').error?.issues[0]?.message).toBe('name_invalid');
  });
});
