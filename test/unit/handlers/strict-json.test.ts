import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUtf8Strict, parseStrictJson, parseStrictJsonBytes } from '../../../functions/http/strict-json';

// The strict reader against JSON.parse: on every valid document they agree on the value, and the
// reader refuses exactly the documents JSON.parse refuses, plus repeated keys and deep nesting.
const DEPTH = 64;

/** JSON.stringify, with every key character written as a \u escape where `escape` says so. */
function stringifyEscapingKeys(value: unknown, escape: (key: string) => boolean): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => stringifyEscapingKeys(v, escape)).join(',')}]`;
  const members = Object.entries(value).map(([key, v]) => {
    const name = escape(key) ? escapedKey(key) : JSON.stringify(key);
    return `${name}:${stringifyEscapingKeys(v, escape)}`;
  });
  return `{${members.join(',')}}`;
}

/** A key with every UTF-16 code unit written as a \u escape (surrogate pairs as two escapes). */
const escapedKey = (key: string): string =>
  `"${Array.from({ length: key.length }, (_, i) => `\\u${key.charCodeAt(i).toString(16).padStart(4, '0')}`).join('')}"`;

// Full Unicode strings (astral characters, lone surrogates included), not just ASCII.
const jsonValue = fc.jsonValue({ maxDepth: 5, stringUnit: 'binary' });

describe('strict JSON reader agrees with JSON.parse', () => {
  it('on every valid document: same value, no refusal', () => {
    fc.assert(
      fc.property(jsonValue, fc.boolean(), (value, spaced) => {
        const text = JSON.stringify(value, null, spaced ? 2 : undefined);
        expect(parseStrictJson(text, DEPTH)).toEqual({ ok: true, value: JSON.parse(text) });
      }),
      { numRuns: 500 },
    );
  });

  it('compares keys decoded: an escaped spelling of a key is the same key', () => {
    fc.assert(
      fc.property(jsonValue, fc.func(fc.boolean()), (value, escape) => {
        const text = stringifyEscapingKeys(value, escape);
        expect(parseStrictJson(text, DEPTH)).toEqual({ ok: true, value: JSON.parse(text) });
      }),
      { numRuns: 300 },
    );
  });

  it('refuses whatever JSON.parse refuses (arbitrary text and mangled documents)', () => {
    const mangled = fc.tuple(jsonValue, fc.nat(), fc.string({ maxLength: 3 })).map(([value, at, insert]) => {
      const text = JSON.stringify(value);
      const i = at % (text.length + 1);
      return text.slice(0, i) + insert + text.slice(i);
    });
    fc.assert(
      fc.property(fc.oneof(fc.string(), mangled), (text) => {
        let parsed: boolean;
        try {
          JSON.parse(text);
          parsed = true;
        } catch {
          parsed = false;
        }
        const result = parseStrictJson(text, DEPTH);
        if (!parsed) expect(result).toEqual({ ok: false, failure: { code: 'body_not_json' } });
        else if (result.ok) expect(result.value).toEqual(JSON.parse(text));
        else expect(result.failure.code).toBe('duplicate_json_key');
      }),
      { numRuns: 1_000 },
    );
  });

  it('finds a key repeated anywhere, however it is spelt, and names its path', () => {
    const key = fc.string({ minLength: 1, maxLength: 6, unit: 'binary' });
    fc.assert(
      fc.property(
        key,
        jsonValue,
        jsonValue,
        fc.boolean(),
        fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 3 }),
        (name, first, second, escaped, nesting) => {
          const repeated = escaped ? escapedKey(name) : JSON.stringify(name);
          let text = `{${JSON.stringify(name)}:${JSON.stringify(first)},${repeated}:${JSON.stringify(second)}}`;
          for (const parent of [...nesting].reverse()) text = `{${JSON.stringify(parent)}:${text}}`;
          const result = parseStrictJson(text, DEPTH);
          expect(result.ok).toBe(false);
          if (!result.ok && result.failure.code === 'duplicate_json_key') {
            expect(result.failure.key).toBe(name);
            expect(result.failure.path).toBe([...nesting, name].join('.'));
          } else {
            throw new Error(`expected duplicate_json_key, got ${JSON.stringify(result)}`);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('strict JSON reader refusals', () => {
  it.each([
    ['a payment whose amount is given twice', '{"amount":1000,"amount":99999999}', 'amount', ['amount']],
    ['inside an array element', '{"items":[{"id":1},{"id":2,"id":3}]}', 'items.1.id', ['items.1.id']],
    ['every duplicate listed, in document order', '{"a":{"x":1,"x":2},"a":3}', 'a.x', ['a.x', 'a']],
    ['the empty key', '{"":1,"":2}', '', ['']],
  ])('duplicate keys: %s', (_name, text, path, paths) => {
    const result = parseStrictJson(text, DEPTH);
    expect(result).toMatchObject({ ok: false, failure: { code: 'duplicate_json_key', path, paths } });
  });

  it('the same key in sibling objects is not a duplicate', () => {
    expect(parseStrictJson('[{"a":1},{"a":2}]', DEPTH)).toEqual({ ok: true, value: [{ a: 1 }, { a: 2 }] });
  });

  it('bounds nesting without recursion (a 100 000-deep document is refused, not a stack overflow)', () => {
    expect(parseStrictJson('{"a":{"b":{}}}', 3)).toEqual({ ok: true, value: { a: { b: {} } } });
    expect(parseStrictJson('{"a":{"b":{"c":1}}}', 2)).toEqual({
      ok: false,
      failure: { code: 'body_too_deep', depthMax: 2 },
    });
    expect(parseStrictJson('['.repeat(100_000) + ']'.repeat(100_000), DEPTH)).toEqual({
      ok: false,
      failure: { code: 'body_too_deep', depthMax: DEPTH },
    });
  });

  it.each([
    ['a lone continuation byte', [0x80]],
    ['an overlong encoding of "/"', [0xc0, 0xaf]],
    ['a UTF-8-encoded surrogate (CESU-8)', [0xed, 0xa0, 0x80]],
    ['a truncated 3-byte sequence', [0xe2, 0x82]],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ])('refuses %s instead of rewriting it to U+FFFD', (_name, bytes) => {
    const body = Buffer.concat([Buffer.from('{"name":"a'), Buffer.from(bytes), Buffer.from('"}')]);
    expect(decodeUtf8Strict(body)).toBeUndefined();
    expect(parseStrictJsonBytes(body, DEPTH)).toEqual({ ok: false, failure: { code: 'body_not_utf8' } });
  });

  it('keeps a byte order mark, so the document is not JSON', () => {
    expect(parseStrictJsonBytes(Buffer.from('\uFEFF{}'), DEPTH)).toEqual({
      ok: false,
      failure: { code: 'body_not_json' },
    });
  });

  it('reads valid multi-byte UTF-8', () => {
    expect(parseStrictJsonBytes(Buffer.from('{"name":"Zoë 👩‍💻 أحمد"}'), DEPTH)).toEqual({
      ok: true,
      value: { name: 'Zoë 👩‍💻 أحمد' },
    });
  });
});
