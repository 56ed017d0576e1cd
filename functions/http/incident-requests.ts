import * as z from 'zod';
import { COMPONENT_STATES, statusComponents } from '../domain/status-page';
import { PROVIDER_NAMES } from '../shared/names';
import {
  INCIDENT_COMPONENTS_MAX,
  INCIDENT_ID_PREFIX,
  INCIDENT_IMPACTS,
  INCIDENT_MESSAGE_CHARS_MAX,
  INCIDENT_STATES,
  INCIDENT_TITLE_CHARS_MAX,
  type Incident,
  type IncidentImpact,
} from '../domain/incidents';
import { textField } from '../domain/text';
import type { ApiError } from './api-error';
import { requestErrorOf } from './request-errors';

/**
 * Bodies of POST /ops/incidents and POST /ops/incidents/{incidentId}/resolve, strict at every
 * level, and the incident as the API and GET /status show it. Components are checked against the
 * status page's own list (statusComponents), so an incident can never name a component the page
 * does not show.
 */
/** `inc_` + 32 hex characters of the hash of (operator, route, Idempotency-Key): incidents-api.ts says why. */
export const INCIDENT_ID_HEX_CHARS = 32;
export const INCIDENT_ID_PATTERN = new RegExp(`^${INCIDENT_ID_PREFIX}[0-9a-f]{${INCIDENT_ID_HEX_CHARS}}$`);
export const incidentIdParameterSchema = z
  .string()
  .regex(INCIDENT_ID_PATTERN)
  .describe('inc_ + 32 hex characters; any other value answers 404 (it cannot name an incident)');

/** The components an incident may name: exactly those GET /status shows. */
const STATUS_COMPONENT_NAMES = statusComponents(PROVIDER_NAMES) as [string, ...string[]];

const title = textField({ error: 'invalid_title', charsMin: 1, charsMax: INCIDENT_TITLE_CHARS_MAX, trim: true });
const message = textField({
  error: 'invalid_message',
  charsMin: 1,
  charsMax: INCIDENT_MESSAGE_CHARS_MAX,
  trim: true,
  multiline: true,
});

export const openIncidentBodySchema = z
  .object({
    title: title.describe('One line, shown as the incident’s heading'),
    message: message.describe('The first update: what is known, what is affected'),
    components: z
      .array(z.enum(STATUS_COMPONENT_NAMES, { error: 'invalid_components' }), { error: 'invalid_components' })
      .min(1, { error: 'invalid_components' })
      .max(INCIDENT_COMPONENTS_MAX, { error: 'invalid_components' })
      .describe('Status components (GET /status): api, webhook_intake, submission:<provider>, reconciliation'),
    impact: z.enum(INCIDENT_IMPACTS, { error: 'invalid_impact' }).describe('The least state its components show'),
  })
  .strict();

export const resolveIncidentBodySchema = z
  .object({ message: message.describe('The closing update: what happened, that it is over') })
  .strict();

export interface OpenIncidentRequest {
  title: string;
  message: string;
  components: string[];
  impact: IncidentImpact;
}

const MESSAGES: Record<string, (param: string) => string> = {
  invalid_title: () => `title must be 1 to ${INCIDENT_TITLE_CHARS_MAX} characters`,
  invalid_message: () => `message must be 1 to ${INCIDENT_MESSAGE_CHARS_MAX} characters`,
  invalid_components: () =>
    `components must be a list of 1 to ${INCIDENT_COMPONENTS_MAX} of ${STATUS_COMPONENT_NAMES.join(', ')}`,
  invalid_impact: () => `impact must be one of ${INCIDENT_IMPACTS.join(', ')}`,
};

function validated<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw requestErrorOf(result.error.issues, body, { kind: 'body', messages: MESSAGES }) as ApiError;
}

export function parseOpenIncident(body: Record<string, unknown>): OpenIncidentRequest {
  const request = validated(openIncidentBodySchema, body);
  return { ...request, components: [...new Set(request.components)].sort() };
}

export function parseResolveIncident(body: Record<string, unknown>): { message: string } {
  return validated(resolveIncidentBodySchema, body);
}

const updateSchema = z.object({
  at: z.iso.datetime(),
  state: z.enum(INCIDENT_STATES),
  message: z.string(),
});

export const incidentViewSchema = z.object({
  incident_id: z.string(),
  title: z.string(),
  impact: z.enum(COMPONENT_STATES.filter((s) => s !== 'operational') as ['degraded', 'outage']),
  components: z.array(z.string()),
  state: z.enum(INCIDENT_STATES),
  opened_at: z.iso.datetime(),
  resolved_at: z.iso.datetime().nullable(),
  updates: z.array(updateSchema).describe('Oldest first: the opening message, then the closing one'),
});
export type IncidentView = z.infer<typeof incidentViewSchema>;

/** The public view: who posted an update is kept in the audit trail, not shown on the status page. */
export function incidentView(incident: Incident): IncidentView {
  return {
    incident_id: incident.incidentId,
    title: incident.title,
    impact: incident.impact,
    components: [...incident.components],
    state: incident.state,
    opened_at: incident.openedAt,
    resolved_at: incident.resolvedAt,
    updates: incident.updates.map((u) => ({ at: u.at, state: u.state, message: u.message })),
  };
}
