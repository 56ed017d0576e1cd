// JSON Schema (the subset zod's toJSONSchema emits for our API) → fast-check arbitrary of values
// the schema accepts. Only a generator: the fuzz test holds every generated value to the schema
// with Ajv before it sends it, so a value this module gets wrong is dropped, never sent as "valid".
import fc from 'fast-check';

export type JsonSchema = Record<string, any>;

export interface ArbitraryOptions {
  /** Known-good values by property or parameter name (`name[]` for the items of an array). */
  hints: Readonly<Record<string, readonly unknown[]>>;
  resolve(ref: string): JsonSchema;
}

/** Bounds that keep generated requests small: the limits themselves are probed by mutations. */
const STRING_CHARS_GENERATED_MAX = 40;
const ARRAY_ITEMS_GENERATED_MAX = 4;
const DICTIONARY_KEYS_GENERATED_MAX = 4;
const INTEGER_ABS_GENERATED_MAX = 1_000_000_000;
const DATE_MIN = new Date('2020-01-01T00:00:00.000Z');
const DATE_MAX = new Date('2030-12-31T23:59:59.999Z');

const codePoints = (value: string): number => [...value].length;

export function arbitraryOf(schema: JsonSchema, options: ArbitraryOptions, name?: string): fc.Arbitrary<unknown> {
  const generated = fromSchema(schema, options, name);
  const hints = name === undefined ? undefined : options.hints[name];
  if (hints === undefined || hints.length === 0) return generated;
  return fc.oneof({ arbitrary: fc.constantFrom(...hints), weight: 2 }, { arbitrary: generated, weight: 1 });
}

function fromSchema(schema: JsonSchema, options: ArbitraryOptions, name: string | undefined): fc.Arbitrary<unknown> {
  if (schema['$ref'] !== undefined) return arbitraryOf(options.resolve(schema['$ref']), options, name);
  if ('const' in schema) return fc.constant(schema['const']);
  if (Array.isArray(schema['enum'])) return fc.constantFrom(...(schema['enum'] as unknown[]));
  const members = (schema['anyOf'] ?? schema['oneOf']) as JsonSchema[] | undefined;
  if (members !== undefined && schema['type'] === 'object' && members.every(isConstraintOnly))
    return fc.oneof(...members.map((member) => objectOf(constrained(schema, member), options)));
  if (members !== undefined) return fc.oneof(...members.map((member) => arbitraryOf(member, options, name)));
  const type = schema['type'];
  if (Array.isArray(type))
    return fc.oneof(...type.map((t: string) => fromSchema({ ...schema, type: t }, options, name)));
  switch (type) {
    case 'string':
      return stringOf(schema);
    case 'integer':
      return integerOf(schema);
    case 'number':
      return fc.double({
        noNaN: true,
        noDefaultInfinity: true,
        min: schema['minimum'] ?? -1e9,
        max: schema['maximum'] ?? 1e9,
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return arrayOf(schema, options, name);
    case 'object':
      return objectOf(schema, options);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/**
 * A oneOf/anyOf member that only says which keys of the object beside it are required or absent
 * (`{ required: ['message_id'] }`, `{ required: ['from', 'to'], properties: { event_ids: false } }`:
 * "exactly one selector") refines that object rather than replacing it.
 */
export function isConstraintOnly(member: JsonSchema): boolean {
  const keys = Object.keys(member).filter((key) => key !== 'required' && key !== 'properties');
  return keys.length === 0 && Object.values(member['properties'] ?? {}).every((property) => property === false);
}

/** The object schema as one constraint-only member narrows it: its keys required, its absent keys gone. */
export function constrained(schema: JsonSchema, member: JsonSchema): JsonSchema {
  const { oneOf: _oneOf, anyOf: _anyOf, ...base } = schema;
  const absent = new Set(Object.keys(member['properties'] ?? {}));
  const properties = Object.fromEntries(
    Object.entries((schema['properties'] ?? {}) as Record<string, JsonSchema>).filter(([key]) => !absent.has(key)),
  );
  const required = [
    ...new Set([...((schema['required'] ?? []) as string[]), ...((member['required'] ?? []) as string[])]),
  ];
  return { ...base, properties, required };
}

function stringOf(schema: JsonSchema): fc.Arbitrary<string> {
  const minLength: number = schema['minLength'] ?? 0;
  const maxLength: number = schema['maxLength'] ?? Math.max(minLength, STRING_CHARS_GENERATED_MAX);
  const within = (value: string) => codePoints(value) >= minLength && codePoints(value) <= maxLength;
  let base: fc.Arbitrary<string>;
  if (schema['format'] === 'date-time')
    base = fc.date({ min: DATE_MIN, max: DATE_MAX, noInvalidDate: true }).map((d) => d.toISOString());
  else if (schema['format'] === 'date')
    base = fc.date({ min: DATE_MIN, max: DATE_MAX, noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  else if (schema['format'] === 'uri') base = fc.webUrl();
  else if (schema['pattern'] !== undefined)
    base = fc.stringMatching(new RegExp(schema['pattern'] as string), { size: 'small' });
  else {
    const length = { minLength, maxLength: Math.min(maxLength, Math.max(minLength, STRING_CHARS_GENERATED_MAX)) };
    // Mostly printable ASCII, sometimes any grapheme (accents, emoji, other scripts).
    base = fc.oneof(
      { arbitrary: fc.string({ ...length, unit: 'grapheme-ascii' }), weight: 3 },
      { arbitrary: fc.string({ ...length, unit: 'grapheme' }), weight: 1 },
    );
  }
  const pattern = schema['pattern'] === undefined ? undefined : new RegExp(schema['pattern'] as string, 'u');
  return base.filter((value) => within(value) && (pattern === undefined || pattern.test(value)));
}

function integerOf(schema: JsonSchema): fc.Arbitrary<number> {
  const min = Math.max(
    schema['minimum'] ?? -INTEGER_ABS_GENERATED_MAX,
    schema['exclusiveMinimum'] === undefined ? -Infinity : schema['exclusiveMinimum'] + 1,
  );
  const max = Math.min(
    schema['maximum'] ?? INTEGER_ABS_GENERATED_MAX,
    schema['exclusiveMaximum'] === undefined ? Infinity : schema['exclusiveMaximum'] - 1,
  );
  const small = fc.integer({
    min: Math.max(min, Math.min(max, -INTEGER_ABS_GENERATED_MAX)),
    max: Math.min(max, Math.max(min, INTEGER_ABS_GENERATED_MAX)),
  });
  // The bounds themselves are where off-by-one limits hide.
  return fc.oneof({ arbitrary: small, weight: 4 }, { arbitrary: fc.constantFrom(min, max), weight: 1 });
}

function arrayOf(schema: JsonSchema, options: ArbitraryOptions, name: string | undefined): fc.Arbitrary<unknown[]> {
  const minLength: number = schema['minItems'] ?? 0;
  const maxLength = Math.min(
    schema['maxItems'] ?? ARRAY_ITEMS_GENERATED_MAX,
    Math.max(minLength, ARRAY_ITEMS_GENERATED_MAX),
  );
  const items = arbitraryOf(schema['items'] ?? {}, options, name === undefined ? undefined : `${name}[]`);
  return fc.array(items, { minLength, maxLength });
}

function objectOf(schema: JsonSchema, options: ArbitraryOptions): fc.Arbitrary<Record<string, unknown>> {
  const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = (schema['required'] ?? []) as string[];
  const declared = fc.record(
    Object.fromEntries(Object.entries(properties).map(([key, property]) => [key, arbitraryOf(property, options, key)])),
    { requiredKeys: required.filter((key) => key in properties) },
  );
  const extra = schema['additionalProperties'];
  if (extra === undefined || extra === false || Object.keys(extra).length === 0 || Object.keys(properties).length > 0) {
    return declared.filter((value) => objectSizeOk(schema, value));
  }
  // A map (metadata, evidence): keys from propertyNames, values from additionalProperties.
  const keys =
    schema['propertyNames'] === undefined
      ? fc.string({ minLength: 1, maxLength: 20 })
      : stringOf(schema['propertyNames']);
  const maxKeys = Math.min(schema['maxProperties'] ?? DICTIONARY_KEYS_GENERATED_MAX, DICTIONARY_KEYS_GENERATED_MAX);
  return fc.dictionary(keys, arbitraryOf(extra, options), { minKeys: schema['minProperties'] ?? 0, maxKeys });
}

function objectSizeOk(schema: JsonSchema, value: Record<string, unknown>): boolean {
  const size = Object.keys(value).length;
  return size >= (schema['minProperties'] ?? 0) && size <= (schema['maxProperties'] ?? Infinity);
}
