// Requests generated from an operation of the document: valid ones (every parameter and the body
// accepted by its schema) and invalid ones (one mutation the document refuses), as fast-check
// arbitraries, so a seed replays the same requests.
import fc from 'fast-check';
import { typedParameter, type Contract, type Operation, type Parameter } from './contract';
import { mutationsOf, type Mutation } from './mutations';
import { arbitraryOf, type ArbitraryOptions } from './schema-arbitrary';

export interface FuzzRequest {
  operation: Operation;
  path: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** undefined: no body; `raw`: bytes sent as they are. */
  body?: { json: unknown } | { raw: string };
  contentType: string;
  /** What makes it invalid; absent for a valid request. */
  mutation?: string;
}

/** Adjusts a valid request, e.g. `dry_run: true` where a real run would spend the fuzz run's own state. */
export type Adjust = (request: FuzzRequest) => FuzzRequest;

const stringOf = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));
/** A request body this far below API Gateway's limit is worth sending over its handler's limit. */
const OVERSIZE_PROBE_BYTES_MAX = 1024 * 1024;

/** Each optional parameter is present half the time, so rules across parameters are met (and broken) often. */
function parameterArbitrary(parameters: Parameter[], options: ArbitraryOptions): fc.Arbitrary<Record<string, unknown>> {
  const model = Object.fromEntries(
    parameters.map((p) => [
      p.name,
      p.required
        ? arbitraryOf(p.schema, options, p.name)
        : fc.option(arbitraryOf(p.schema, options, p.name), { freq: 2, nil: undefined }),
    ]),
  );
  return fc
    .record(model)
    .map((values) => Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)));
}

export function validRequests(
  contract: Contract,
  operation: Operation,
  options: ArbitraryOptions,
  adjust: Adjust = (r) => r,
): fc.Arbitrary<FuzzRequest> {
  const byLocation = (location: Parameter['in']) => operation.parameters.filter((p) => p.in === location);
  const body = operation.requestBody;
  const bodyArbitrary: fc.Arbitrary<unknown> =
    body === undefined
      ? fc.constant(undefined)
      : fc.oneof(
          { arbitrary: arbitraryOf(body.schema, options), weight: 3 },
          ...(body.examples.length > 0 ? [{ arbitrary: fc.constantFrom(...body.examples), weight: 1 }] : []),
          ...(body.required ? [] : [{ arbitrary: fc.constant(undefined), weight: 1 }]),
        );
  return fc
    .record({
      path: parameterArbitrary(byLocation('path'), options),
      query: parameterArbitrary(byLocation('query'), options),
      headers: parameterArbitrary(byLocation('header'), options),
      body: bodyArbitrary,
    })
    .map((parts): FuzzRequest =>
      adjust({
        operation,
        path: mapValues(parts.path, stringOf),
        query: mapValues(parts.query, stringOf),
        // HTTP drops a header value's surrounding whitespace: what is sent is the trimmed value.
        headers: mapValues(parts.headers, (value) => stringOf(value).trim()),
        ...(parts.body === undefined ? {} : { body: { json: parts.body } }),
        contentType: 'application/json',
      }),
    )
    .filter((request) => isValid(contract, request));
}

function mapValues<T, U>(record: Record<string, T>, map: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}

/** Every parameter and the body are what the document accepts. */
export function isValid(contract: Contract, request: FuzzRequest): boolean {
  const { operation } = request;
  for (const parameter of operation.parameters) {
    const raw = parameterValues(request, parameter.in)[parameter.name];
    if (raw === undefined) {
      if (parameter.required) return false;
      continue;
    }
    if (!contract.accepts(parameter.schema, typedParameter(parameter.schema, raw))) return false;
  }
  const given = new Set(operation.parameters.filter((p) => p.in === 'query').map((p) => p.name));
  if (operation.strictQuery && Object.keys(request.query).some((name) => !given.has(name))) return false;
  const body = operation.requestBody;
  if (body === undefined) return request.body === undefined;
  if (request.body === undefined) return !body.required;
  if (!('json' in request.body) || (request.contentType !== 'application/json' && !body.anyContentType)) return false;
  if (Buffer.byteLength(JSON.stringify(request.body.json)) > body.bytesMax) return false;
  return contract.accepts(body.schema, request.body.json);
}

function parameterValues(request: FuzzRequest, location: Parameter['in']): Record<string, string> {
  switch (location) {
    case 'path':
      return request.path;
    case 'query':
      return request.query;
    case 'header':
      return request.headers;
  }
}

/** One valid request, then one of its mutations, kept only when the document refuses the result. */
export function invalidRequests(
  contract: Contract,
  operation: Operation,
  options: ArbitraryOptions,
  adjust?: Adjust,
): fc.Arbitrary<FuzzRequest | undefined> {
  return fc.tuple(validRequests(contract, operation, options, adjust), fc.nat()).map(([valid, pick]) => {
    const candidates = mutationsOfRequest(contract, valid);
    if (candidates.length === 0) return undefined;
    const mutated = candidates[pick % candidates.length]!();
    return isValid(contract, mutated) ? undefined : mutated;
  });
}

type Candidate = () => FuzzRequest;

function mutationsOfRequest(contract: Contract, request: FuzzRequest): Candidate[] {
  const walk = { resolve: contract.resolve, accepts: contract.accepts };
  const { operation } = request;
  const candidates: Candidate[] = [];
  for (const parameter of operation.parameters) {
    const values = parameterValues(request, parameter.in);
    const raw = values[parameter.name];
    const replace =
      (value: string | undefined, label: string): Candidate =>
      () =>
        withParameter(request, parameter, value, label);
    if (raw === undefined) continue;
    // A path without one of its segments is another route, not this one without a parameter.
    if (parameter.required && parameter.in !== 'path')
      candidates.push(replace(undefined, `missing-required ${parameter.in} ${parameter.name}`));
    for (const mutation of mutationsOf(parameter.schema, typedParameter(parameter.schema, raw), walk)) {
      const value = stringOf(mutation.apply(typedParameter(parameter.schema, raw)));
      // A path segment must stay a segment; a header must stay sendable.
      if (parameter.in === 'path' && value === '') continue;
      if (parameter.in === 'header' && !/^[\x21-\x7e\u00a0-\u00ff][\x20-\x7e\u00a0-\u00ff]*$/.test(value)) continue;
      candidates.push(replace(value, `${mutation.kind} ${parameter.in} ${parameter.name}`));
    }
  }
  if (operation.strictQuery)
    candidates.push(() => ({
      ...request,
      query: { ...request.query, fuzz_unknown: '1' },
      mutation: 'unknown-parameter query fuzz_unknown',
    }));
  const body = operation.requestBody;
  if (body !== undefined) {
    if (request.body !== undefined && 'json' in request.body) {
      const json = request.body.json;
      for (const mutation of mutationsOf(body.schema, json, walk))
        candidates.push(bodyMutation(request, json, mutation));
      if (!body.anyContentType)
        candidates.push(() => ({ ...request, contentType: 'text/plain', mutation: 'content-type body text/plain' }));
      if (body.bytesMax <= OVERSIZE_PROBE_BYTES_MAX) {
        const text = JSON.stringify(json);
        candidates.push(() => ({
          ...request,
          body: { raw: text.padEnd(body.bytesMax + 1, ' ') },
          mutation: `oversize body ${body.bytesMax + 1} bytes`,
        }));
      }
    }
    candidates.push(() => ({ ...request, body: { raw: '{"fuzz": ' }, mutation: 'not-json body' }));
    if (body.required) candidates.push(() => withoutBody(request));
  }
  return candidates;
}

function withoutBody(request: FuzzRequest): FuzzRequest {
  const { body: _body, ...rest } = request;
  return { ...rest, mutation: 'missing-required body' };
}

function bodyMutation(request: FuzzRequest, json: unknown, mutation: Mutation): Candidate {
  return () => ({
    ...request,
    body: { json: mutation.apply(json) },
    mutation: `${mutation.kind} body ${mutation.at || '(root)'}`,
  });
}

function withParameter(
  request: FuzzRequest,
  parameter: Parameter,
  value: string | undefined,
  label: string,
): FuzzRequest {
  const location = parameter.in === 'path' ? 'path' : parameter.in === 'query' ? 'query' : 'headers';
  const { [parameter.name]: _old, ...rest } = request[location];
  return { ...request, [location]: value === undefined ? rest : { ...rest, [parameter.name]: value }, mutation: label };
}
