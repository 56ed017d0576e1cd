/**
 * A positive integer from the environment, or `fallback` when unset. Anything else is a deployment
 * bug, so it crashes the cold start instead of silently running with another limit.
 */
export function positiveIntegerEnv(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got '${raw}'`);
  return value;
}
