/**
 * One client's POST /batches in the simulation: retried with the same body until it gets an answer that is not
 * "retry" (batch-operations.ts runs them; World keeps them).
 */
export interface BatchSubmission {
  id: number;
  tenantId: string;
  senderBatchId: string;
  items: ReadonlyArray<Record<string, unknown>>;
  /** The batch id of every 202 it got: copies of one request, at once or retried, name one batch. */
  batchIds: string[];
  answers: string[];
  done: boolean;
}
