// HTTP API route selection: the most specific route wins — a literal segment beats a {parameter},
// a {parameter} beats a greedy {proxy+}, an exact method beats ANY, and `$default` catches the rest.
import type { RouteSpec } from '../template/model.js';

export interface RouteMatch {
  route: RouteSpec;
  pathParameters: Record<string, string> | undefined;
}

type Segment =
  { kind: 'literal'; text: string } | { kind: 'parameter'; name: string } | { kind: 'greedy'; name: string };

interface CompiledRoute {
  route: RouteSpec;
  method: string;
  segments: Segment[];
  /** Higher is more specific. */
  specificity: number[];
}

function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment.length > 0);
}

function compile(route: RouteSpec): CompiledRoute {
  if (route.routeKey === '$default')
    return { route, method: 'ANY', segments: [{ kind: 'greedy', name: '' }], specificity: [-1] };
  const [method, path] = route.routeKey.split(' ') as [string, string];
  const segments: Segment[] = splitPath(path).map((text) => {
    const parameter = /^\{(.+?)(\+)?\}$/.exec(text);
    if (!parameter) return { kind: 'literal', text };
    return parameter[2] ? { kind: 'greedy', name: parameter[1]! } : { kind: 'parameter', name: parameter[1]! };
  });
  const greedy = segments.some((segment) => segment.kind === 'greedy');
  const literals = segments.filter((segment) => segment.kind === 'literal').length;
  return {
    route,
    method,
    segments,
    specificity: [greedy ? 0 : 1, literals, segments.length, method === 'ANY' ? 0 : 1],
  };
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  const parameters: Record<string, string> = {};
  for (let index = 0; index < segments.length; index += 1) {
    const segment = segments[index]!;
    if (segment.kind === 'greedy') {
      const rest = parts.slice(index);
      if (rest.length === 0 && segment.name !== '') return undefined; // {proxy+} needs at least one segment
      if (segment.name) parameters[segment.name] = rest.map(decodeURIComponent).join('/');
      return parameters;
    }
    const part = parts[index];
    if (part === undefined) return undefined;
    if (segment.kind === 'literal' && segment.text !== part) return undefined;
    if (segment.kind === 'parameter') parameters[segment.name] = decodeURIComponent(part);
  }
  return parts.length === segments.length ? parameters : undefined;
}

function compare(a: number[], b: number[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    const difference = (b[index] ?? 0) - (a[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

export class RouteTable {
  private readonly compiled: CompiledRoute[];

  constructor(routes: RouteSpec[]) {
    this.compiled = routes.map(compile).sort((a, b) => compare(a.specificity, b.specificity));
  }

  match(method: string, path: string): RouteMatch | undefined {
    const parts = splitPath(path);
    for (const candidate of this.compiled) {
      if (candidate.method !== 'ANY' && candidate.method !== method.toUpperCase()) continue;
      const parameters = matchSegments(candidate.segments, parts);
      if (parameters)
        return { route: candidate.route, pathParameters: Object.keys(parameters).length > 0 ? parameters : undefined };
    }
    return undefined;
  }
}
