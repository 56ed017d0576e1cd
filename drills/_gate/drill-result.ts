// What one drill hands the launch gate (`npm run drill -- all`): its steps, each check with what it
// expected and what it saw, and anything it attaches for the evidence pack (a traced payout, SLA
// measurements). A drill writes it to the file named by DRILL_RESULT_FILE; run alone, it only prints.

/** Names the JSON file a drill's process writes its result to (set by the `all` runner). */
export const DRILL_RESULT_FILE_ENV = 'DRILL_RESULT_FILE';

export interface CheckResult {
  what: string;
  expected: unknown;
  saw: unknown;
  pass: boolean;
}

export interface DrillResult {
  drill: string;
  passed: boolean;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  /** The drill's narration, in order: the lines it printed as `• …`. */
  steps: string[];
  checks: CheckResult[];
  /** Named facts a drill adds to the pack (e.g. `trace`, `sla`). */
  attachments: Record<string, unknown>;
  /** Set when the drill crashed or wrote no result: what the runner saw instead. */
  error?: string;
  exit_code?: number | null;
}

/** Same rule as the printed checklist: the expected and seen values serialise identically. */
export function checkPasses(expected: unknown, saw: unknown): boolean {
  return JSON.stringify(expected) === JSON.stringify(saw);
}
