// Constructs validate all of their props and report every problem at once (AWS Solutions
// Constructs style), so a bad configuration is fixed in one pass rather than one error per synth.

export class InvalidPropsError extends Error {
  constructor(
    readonly constructName: string,
    readonly problems: readonly string[],
  ) {
    super(`${constructName}: invalid props:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'InvalidPropsError';
  }
}

/** Throws one error listing every problem, or returns when there are none. */
export function assertNoProblems(constructName: string, problems: readonly string[]): void {
  if (problems.length > 0) throw new InvalidPropsError(constructName, problems);
}

/** Adds a problem when `value` is not an integer within [min, max]. */
export function checkIntegerRange(problems: string[], name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
}

/** True when `name` is an IANA time zone this runtime knows (EventBridge Scheduler uses the same database). */
export function isIanaTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
