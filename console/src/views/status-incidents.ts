// The incidents ops posted (POST /ops/incidents), as GET /status lists them: open ones first, then
// those resolved recently. Titles are operators' text: shown through textContent like everything else.
import type { PlatformStatus, StatusIncident } from '../contract';
import { h, table } from '../dom';
import { timeText } from '../format';

const cells = (incident: StatusIncident) => [
  incident.title,
  h('span', { class: 'state bad' }, incident.impact),
  incident.components.join(', '),
  timeText(incident.openedAt),
];

export function statusIncidents(status: PlatformStatus): HTMLElement {
  return h(
    'section',
    { id: 'status-incidents', 'aria-labelledby': 'status-incidents-heading' },
    h('h4', { id: 'status-incidents-heading' }, 'Incidents'),
    status.openIncidents.length === 0
      ? h('p', { class: 'muted', id: 'open-incidents' }, 'No open incident.')
      : h(
          'div',
          { id: 'open-incidents' },
          table('Open incidents', ['Title', 'Impact', 'Components', 'Opened'], status.openIncidents.map(cells)),
        ),
    status.resolvedIncidents.length === 0
      ? h('p', { class: 'muted', id: 'resolved-incidents' }, 'None resolved in the last 24 hours.')
      : h(
          'div',
          { id: 'resolved-incidents' },
          table(
            'Recently resolved',
            ['Title', 'Impact', 'Components', 'Opened', 'Resolved'],
            status.resolvedIncidents.map((incident) => [...cells(incident), timeText(incident.resolvedAt)]),
          ),
        ),
  );
}
