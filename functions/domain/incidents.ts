import type { ComponentState } from './status-page';
import { DomainError } from './domain-error';

/**
 * Status-page incidents (issue 11 §3): what an operator posts when the signals alone do not tell
 * the story (a provider's outage announced before our queues show it, an API problem no metric
 * sees). Pure: the ids, the clock and the stored record come from the caller.
 *
 * An incident is opened with a title, a first message, the components it affects and its impact,
 * and resolved once, with a closing message. While open it sets each of its components at least
 * to its impact on GET /status (status-page.ts); once resolved it stays on the page for
 * RESOLVED_INCIDENTS_SHOWN_SECONDS, as public status pages show the last day's history.
 */
export const INCIDENT_IMPACTS = ['degraded', 'outage'] as const satisfies readonly ComponentState[];
export type IncidentImpact = (typeof INCIDENT_IMPACTS)[number];
export const INCIDENT_STATES = ['open', 'resolved'] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];

export const INCIDENT_ID_PREFIX = 'inc_';
export const INCIDENT_TITLE_CHARS_MAX = 120;
export const INCIDENT_MESSAGE_CHARS_MAX = 2_000;
export const INCIDENT_COMPONENTS_MAX = 20;
/** How long a resolved incident stays on the status page: a day, like most public status pages. */
export const RESOLVED_INCIDENTS_SHOWN_SECONDS = 24 * 3_600;
/** At most this many resolved incidents are shown (newest first); open ones are always all shown. */
export const RESOLVED_INCIDENTS_SHOWN_MAX = 20;
/** Open incidents read per status page; more than this at once would be a page no reader could use. */
export const OPEN_INCIDENTS_READ_MAX = 50;

export interface IncidentUpdate {
  readonly at: string;
  readonly state: IncidentState;
  readonly message: string;
  readonly by: string;
}

export interface Incident {
  readonly incidentId: string;
  readonly title: string;
  readonly impact: IncidentImpact;
  readonly components: readonly string[];
  readonly state: IncidentState;
  readonly openedAt: string;
  readonly resolvedAt: string | null;
  /** The opening message first, the closing one last. */
  readonly updates: readonly IncidentUpdate[];
  /** Hashes of the requests that opened and resolved it, for the Idempotency-Key check. */
  readonly openRequestHash: string;
  readonly resolveRequestHash: string | null;
  readonly version: number;
}

export interface OpenIncidentInput {
  readonly incidentId: string;
  readonly title: string;
  readonly message: string;
  readonly components: readonly string[];
  readonly impact: IncidentImpact;
  readonly by: string;
  readonly at: string;
  readonly requestHash: string;
}

export function openIncident(input: OpenIncidentInput): Incident {
  return {
    incidentId: input.incidentId,
    title: input.title,
    impact: input.impact,
    // Sorted and unique: the same components in another order are the same incident.
    components: [...new Set(input.components)].sort(),
    state: 'open',
    openedAt: input.at,
    resolvedAt: null,
    updates: [{ at: input.at, state: 'open', message: input.message, by: input.by }],
    openRequestHash: input.requestHash,
    resolveRequestHash: null,
    version: 1,
  };
}

/** Resolving an incident that is already resolved: the first closing message stands. */
export class IncidentAlreadyResolvedError extends DomainError {
  constructor(incidentId: string) {
    super('incident_already_resolved', 'terminal', `incident ${incidentId} is already resolved`);
    this.name = 'IncidentAlreadyResolvedError';
  }
}

export function resolveIncident(
  incident: Incident,
  input: { message: string; by: string; at: string; requestHash: string },
): Incident {
  if (incident.state === 'resolved') throw new IncidentAlreadyResolvedError(incident.incidentId);
  return {
    ...incident,
    state: 'resolved',
    resolvedAt: input.at,
    updates: [...incident.updates, { at: input.at, state: 'resolved', message: input.message, by: input.by }],
    resolveRequestHash: input.requestHash,
    version: incident.version + 1,
  };
}

/** What the status page derives from the open incidents: one (component, impact) per pair. */
export function incidentSignals(open: readonly Incident[]): Array<{ component: string; impact: IncidentImpact }> {
  return open.flatMap((incident) => incident.components.map((component) => ({ component, impact: incident.impact })));
}
