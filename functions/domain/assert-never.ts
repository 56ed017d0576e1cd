/**
 * Exhaustiveness guard for `switch` statements over closed unions. A new status or event that is
 * not handled fails the type check, and if it reaches run time anyway it crashes loudly: a
 * programmer error, not an operating error (TigerBeetle's split, DESIGN §5).
 */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unhandled ${what}: ${JSON.stringify(value)}`);
}
