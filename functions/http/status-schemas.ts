import * as z from 'zod';
import { UNRECONCILED_LOOKBACK_DAYS } from '../domain/backlog-lag';
import { RESOLVED_INCIDENTS_SHOWN_MAX, RESOLVED_INCIDENTS_SHOWN_SECONDS } from '../domain/incidents';
import { COMPONENT_STATES } from '../domain/status-page';
import { incidentViewSchema } from './incident-requests';

/** GET /status: the public status page's answer (domain/status-page.ts derives it). */
const state = z.enum(COMPONENT_STATES);

export const statusResponseSchema = z.object({
  state: state.describe('The worst component state'),
  components: z.array(
    z.object({
      component: z.string().describe('api, webhook_intake, submission:<provider> or reconciliation'),
      state,
      reasons: z.array(z.string()).describe('Why it is not operational, one sentence per signal; empty when it is'),
    }),
  ),
  reconciliation: z.object({
    last_success_at: z.iso.datetime().nullable().describe('When the last reconciliation run succeeded; null: never'),
    seconds_since_last_success: z.number().int().nullable(),
    oldest_unreconciled_payout: z
      .object({
        created_at: z.iso
          .datetime()
          .nullable()
          .describe('created_at of the oldest payout of a UTC day whose latest run did not succeed; null: none'),
        age_seconds: z.number().int().nonnegative().nullable(),
        examined_from: z.iso
          .date()
          .describe(`The first UTC day read (the last ${UNRECONCILED_LOOKBACK_DAYS}, today included)`),
        may_be_older: z
          .boolean()
          .describe('The first day read has no successful run either: an older payout may wait beyond the days read'),
      })
      .describe('Backlog delay, not an exception: payouts waiting for a successful run of their day'),
  }),
  webhook_backlog: z
    .object({
      oldest_received_at: z.iso
        .datetime()
        .nullable()
        .describe('When the oldest webhook neither applied nor dead-lettered was received; null: none waits'),
      age_seconds: z.number().int().nonnegative().nullable(),
    })
    .describe('Backlog delay of webhook intake; a dead-lettered webhook is an exception instead, not counted'),
  incidents: z.object({
    open: z.array(incidentViewSchema).describe('Open incidents, oldest first'),
    recently_resolved: z
      .array(incidentViewSchema)
      .describe(
        `Resolved in the last ${RESOLVED_INCIDENTS_SHOWN_SECONDS} s, newest first, at most ${RESOLVED_INCIDENTS_SHOWN_MAX}`,
      ),
  }),
  updated_at: z.iso.datetime().describe('When the signals were read (answers are cached for a few seconds)'),
});
export type StatusResponse = z.infer<typeof statusResponseSchema>;
