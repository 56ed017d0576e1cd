import type { FaultKind } from './faults';

/**
 * What an in-memory store sees of the simulation: every call passes a yield point (where the
 * scheduler may run another task first, or crash this one) and may ask whether a storage fault
 * fires here. Outside the simulation (the differential test) both are inert.
 */
export interface Gate {
  /** Resolves when the scheduler resumes the task; rejects with SimCrash when it crashes it here. */
  point(label: string): Promise<void>;
  /** Whether the named fault fires at this call. */
  fault(kind: FaultKind, where: string): boolean;
}

export const INERT_GATE: Gate = {
  point: () => Promise.resolve(),
  fault: () => false,
};

/** The process died at a yield point: nothing after it runs, nothing it would have written is written. */
export class SimCrash extends Error {
  constructor(readonly where: string) {
    super(`crashed at ${where}`);
    this.name = 'SimCrash';
  }
}

export const isSimCrash = (error: unknown): boolean =>
  error instanceof SimCrash || (error as { cause?: unknown } | null)?.cause instanceof SimCrash;
