import * as z from 'zod';
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
  }),
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
