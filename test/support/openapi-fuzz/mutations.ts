// Invalid variants of a valid value, each named by what it breaks. A mutation is only a candidate:
// the fuzz test sends it as invalid only when Ajv agrees that the document refuses the result.
import { constrained, isConstraintOnly, type JsonSchema } from './schema-arbitrary';

export type MutationKind =
  | 'missing-required'
  | 'extra-field'
  | 'too-many-properties'
  | 'too-many-items'
  | 'too-few-items'
  | 'wrong-type'
  | 'too-long'
  | 'too-short'
  | 'bad-pattern'
  | 'bad-format'
  | 'bad-enum'
  | 'above-maximum'
  | 'below-minimum'
  | 'not-integer';

export type JsonPath = Array<string | number>;

export interface Mutation {
  kind: MutationKind;
  /** Where in the value, e.g. `destination.iban`; '' for the value itself. */
  at: string;
  apply(value: unknown): unknown;
}

export interface WalkOptions {
  resolve(ref: string): JsonSchema;
  /** Does `value` satisfy `schema`? Picks the anyOf/oneOf member a value belongs to. */
  accepts(schema: JsonSchema, value: unknown): boolean;
}

const ARRAY_ITEMS_MUTATED_MAX = 1_000;
/** Strings that break most patterns, tried in order; one the pattern accepts is skipped. */
const PATTERN_BREAKERS = ['', ' ', 'fuzz not valid', '!!', '%', 'ZZ\u00e9', '0'];
/** Near misses of a format: the shape is right, the calendar is not. */
const FORMAT_NEAR_MISSES: Record<string, string> = { date: '2026-13-01', 'date-time': '2026-02-30T00:00:00.000Z' };

const clone = <T>(value: T): T => structuredClone(value);

function setAt(root: unknown, path: JsonPath, change: (node: unknown) => unknown): unknown {
  if (path.length === 0) return change(clone(root));
  const copy = clone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  node[last] = change(node[last]);
  return copy;
}

function deleteAt(root: unknown, path: JsonPath, key: string): unknown {
  return setAt(root, path, (node) => {
    const { [key]: _removed, ...rest } = node as Record<string, unknown>;
    return rest;
  });
}

/** The schema that actually describes `value`: refs resolved, the matching anyOf/oneOf member. */
function effective(schema: JsonSchema, value: unknown, options: WalkOptions): JsonSchema {
  let current = schema;
  for (let depth = 0; depth < 8; depth++) {
    if (current['$ref'] !== undefined) current = options.resolve(current['$ref']);
    else if (current['anyOf'] ?? current['oneOf']) {
      const members = (current['anyOf'] ?? current['oneOf']) as JsonSchema[];
      const match = members.find((member) => options.accepts(member, value));
      if (match === undefined) return current;
      current = isConstraintOnly(match) && current['type'] === 'object' ? constrained(current, match) : match;
    } else return current;
  }
  return current;
}

const wrongTypeOf = (value: unknown): unknown => {
  if (typeof value === 'string') return 12_345;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return { fuzz: 'not a list' };
  if (value === null) return 'null';
  return ['not', 'an', 'object'];
};

/** Every mutation of `value` at every place the schema constrains it. */
export function mutationsOf(schema: JsonSchema, value: unknown, options: WalkOptions, path: JsonPath = []): Mutation[] {
  const s = effective(schema, value, options);
  const at = path.join('.');
  const here = (kind: MutationKind, change: (node: unknown) => unknown): Mutation => ({
    kind,
    at,
    apply: (root) => setAt(root, path, change),
  });
  const list: Mutation[] = [here('wrong-type', wrongTypeOf)];
  if ('const' in s && typeof s['const'] === 'boolean') list.push(here('bad-enum', () => !s['const']));
  if (Array.isArray(s['enum']))
    list.push(here('bad-enum', () => (typeof value === 'number' ? -987_654 : 'fuzz_not_a_member')));
  if (typeof value === 'string') list.push(...stringMutations(s, value, here));
  if (typeof value === 'number') list.push(...numberMutations(s, value, here));
  if (Array.isArray(value)) {
    if (s['maxItems'] !== undefined && s['maxItems'] < ARRAY_ITEMS_MUTATED_MAX && value.length > 0) {
      list.push(here('too-many-items', () => Array.from({ length: s['maxItems'] + 1 }, () => clone(value[0]))));
    }
    if ((s['minItems'] ?? 0) > 0) list.push(here('too-few-items', () => []));
    value.forEach((item, index) => list.push(...mutationsOf(s['items'] ?? {}, item, options, [...path, index])));
  } else if (value !== null && typeof value === 'object') {
    list.push(...objectMutations(s, value as Record<string, unknown>, options, path, here));
  }
  return list;
}

function stringMutations(
  s: JsonSchema,
  value: string,
  here: (kind: MutationKind, change: (node: unknown) => unknown) => Mutation,
): Mutation[] {
  const list: Mutation[] = [];
  if (s['maxLength'] !== undefined) list.push(here('too-long', () => value.padEnd(s['maxLength'] + 1, 'x')));
  if ((s['minLength'] ?? 0) > 0) list.push(here('too-short', () => ''));
  if (s['pattern'] !== undefined) {
    const pattern = new RegExp(s['pattern'] as string, 'u');
    const breakers = PATTERN_BREAKERS.filter(
      (candidate) => !pattern.test(candidate) && candidate.length <= (s['maxLength'] ?? Infinity),
    );
    // The empty one and a non-empty one: a path segment cannot be empty.
    for (const breaker of [breakers.find((b) => b === ''), breakers.find((b) => b !== '')]) {
      if (breaker !== undefined) list.push(here('bad-pattern', () => breaker));
    }
    const nearMiss = FORMAT_NEAR_MISSES[s['format'] as string];
    if (nearMiss !== undefined) list.push(here('bad-format', () => nearMiss));
  }
  return list;
}

function numberMutations(
  s: JsonSchema,
  value: number,
  here: (kind: MutationKind, change: (node: unknown) => unknown) => Mutation,
): Mutation[] {
  const list: Mutation[] = [];
  if (s['maximum'] !== undefined) list.push(here('above-maximum', () => s['maximum'] + 1));
  if (s['exclusiveMaximum'] !== undefined) list.push(here('above-maximum', () => s['exclusiveMaximum']));
  if (s['minimum'] !== undefined) list.push(here('below-minimum', () => s['minimum'] - 1));
  if (s['exclusiveMinimum'] !== undefined) list.push(here('below-minimum', () => s['exclusiveMinimum']));
  if (s['type'] === 'integer') list.push(here('not-integer', () => value + 0.5));
  return list;
}

function objectMutations(
  s: JsonSchema,
  value: Record<string, unknown>,
  options: WalkOptions,
  path: JsonPath,
  here: (kind: MutationKind, change: (node: unknown) => unknown) => Mutation,
): Mutation[] {
  const list: Mutation[] = [];
  const at = path.join('.');
  for (const key of (s['required'] ?? []) as string[]) {
    if (key in value)
      list.push({
        kind: 'missing-required',
        at: at === '' ? key : `${at}.${key}`,
        apply: (root) => deleteAt(root, path, key),
      });
  }
  if (s['additionalProperties'] === false)
    list.push(here('extra-field', (node) => ({ ...(node as object), fuzz_extra_field: 'x' })));
  if (s['maxProperties'] !== undefined) {
    list.push(
      here('too-many-properties', (node) => ({
        ...(node as object),
        ...Object.fromEntries(Array.from({ length: s['maxProperties'] + 1 }, (_, i) => [`fuzz_key_${i}`, 'x'])),
      })),
    );
  }
  const properties = (s['properties'] ?? {}) as Record<string, JsonSchema>;
  for (const [key, child] of Object.entries(value)) {
    const childSchema =
      properties[key] ?? (typeof s['additionalProperties'] === 'object' ? s['additionalProperties'] : undefined);
    if (childSchema !== undefined) list.push(...mutationsOf(childSchema, child, options, [...path, key]));
  }
  return list;
}
