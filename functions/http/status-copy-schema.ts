import * as z from 'zod';
import { FAILURE_SOURCES } from '../domain/failure-source';
import { CONFIRMATION_STATES } from '../domain/status-copy';

/** The reader-facing sentence of a status (domain/status-copy.ts) and its thresholds, as shown. */
export const statusCopyFields = {
  confirmation: z
    .enum(CONFIRMATION_STATES)
    .describe('asynchronous: the provider holds it and a webhook or our own status check brings the next step'),
  sentence: z.string().describe('One sentence for a person: is confirmation still asynchronous, when a person looks'),
  recheck_after_seconds: z
    .number()
    .int()
    .nullable()
    .describe('Quiet this long since the last event, we ask the provider ourselves'),
  investigation_after_seconds: z
    .number()
    .int()
    .nullable()
    .describe('Not final this long after creation: automatic retry ends and ops investigate (per corridor)'),
};

export const payoutStatusCopySchema = z.object({
  ...statusCopyFields,
  investigation_from: z.iso
    .datetime()
    .nullable()
    .describe('When ops start investigating if it is still not final: created_at + investigation_after_seconds'),
});

export const failureSourceSchema = z
  .enum(FAILURE_SOURCES)
  .nullable()
  .describe('Who a failed or stalled payout waits on; null when it is neither failed nor stalled');
