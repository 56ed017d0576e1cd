import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';

/** The cancellation reason code of each item of a canceled transaction, or undefined for other errors. */
export function cancellationCodes(error: unknown): string[] | undefined {
  if (!(error instanceof TransactionCanceledException) && (error as { name?: string } | null)?.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
  return reasons.map((reason) => reason.Code ?? 'None');
}

/** Full jitter (AWS architecture blog): spreads retries of racing writers instead of re-colliding them. */
export function jitterSleep(delayMsMax: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * delayMsMax)));
}
