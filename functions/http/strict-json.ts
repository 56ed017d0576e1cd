import { parse as parseJsonTree, type AnyNode } from '@humanwhocodes/momoa';

/**
 * JSON read strictly, from the bytes up: what every body the HTTP edge accepts — API requests and
 * provider webhooks — goes through (body.ts for the API, webhooks/intake.ts for providers).
 *
 * - UTF-8 is decoded with `fatal: true`: invalid bytes are refused, never rewritten to U+FFFD, and a
 *   byte order mark is kept (so JSON.parse refuses it, as RFC 8259 lets a parser do).
 * - JSON.parse decides the syntax; it is the parser every later reader of the body uses.
 * - Nesting is bounded, so no reader recurses without limit.
 * - A key repeated within one object is refused. JSON.parse keeps the last value and other readers
 *   (a proxy, a WAF, a log pipeline, Python's json, Go's encoding/json) may keep the first, so
 *   `{"amount":1000,"amount":99999999}` would be one payment to us and another to them. Keys are
 *   compared decoded: `"a"` and `"\u0061"` are the same key. JSON.parse cannot see duplicates, so
 *   the document is read a second time by momoa (@humanwhocodes/momoa, the JSON parser behind
 *   ESLint's JSON support) for its object members only; test/unit/handlers/strict-json.test.ts
 *   fuzzes that both readers agree on every valid document.
 */
export type StrictJsonFailure =
  | { code: 'body_not_utf8' }
  | { code: 'body_not_json' }
  | { code: 'body_too_deep'; depthMax: number }
  | { code: 'duplicate_json_key'; key: string; path: string; paths: string[] };

export type StrictJsonResult = { ok: true; value: unknown } | { ok: false; failure: StrictJsonFailure };

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function decodeUtf8Strict(bytes: Uint8Array): string | undefined {
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

export function parseStrictJsonBytes(bytes: Uint8Array, depthMax: number): StrictJsonResult {
  const text = decodeUtf8Strict(bytes);
  if (text === undefined) return { ok: false, failure: { code: 'body_not_utf8' } };
  return parseStrictJson(text, depthMax);
}

export function parseStrictJson(text: string, depthMax: number): StrictJsonResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, failure: { code: 'body_not_json' } };
  }
  if (depthOf(value, depthMax) > depthMax) return { ok: false, failure: { code: 'body_too_deep', depthMax } };
  let tree: AnyNode;
  try {
    tree = parseJsonTree(text, { mode: 'json', ranges: false, tokens: false }).body;
  } catch {
    // JSON.parse accepted what momoa refused: the stricter reader wins (the fuzz test finds none).
    return { ok: false, failure: { code: 'body_not_json' } };
  }
  const duplicates = duplicateKeys(tree);
  if (duplicates.length > 0) {
    const first = duplicates[0]!;
    return {
      ok: false,
      failure: { code: 'duplicate_json_key', key: first.key, path: first.path, paths: duplicates.map((d) => d.path) },
    };
  }
  return { ok: true, value };
}

/** Nesting depth of a parsed value (a scalar is 0, `{}` is 1), counted without recursion up to `stopAbove` + 1. */
function depthOf(value: unknown, stopAbove: number): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > stopAbove) return deepest;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** Keys that repeat an earlier key of the same object, in document order, with their dotted paths. */
function duplicateKeys(root: AnyNode): Array<{ key: string; path: string; offset: number }> {
  const found: Array<{ key: string; path: string; offset: number }> = [];
  const stack: Array<{ node: AnyNode; path: string }> = [{ node: root, path: '' }];
  const join = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (node.type === 'Object') {
      const seen = new Set<string>();
      for (const member of node.members) {
        // In JSON mode a member name is always a String node; its value is the decoded key.
        const key = member.name.type === 'String' ? member.name.value : member.name.name;
        if (seen.has(key)) found.push({ key, path: join(path, key), offset: member.loc.start.offset });
        seen.add(key);
        stack.push({ node: member.value, path: join(path, key) });
      }
    } else if (node.type === 'Array') {
      node.elements.forEach((element, index) => stack.push({ node: element.value, path: join(path, String(index)) }));
    }
  }
  return found.sort((a, b) => a.offset - b.offset);
}
