// "Platform status" on the overview: the public status page's components (GET /status, the same
// derivation as the alarms), the backlog and lag figures, and the incidents ops posted. A lag here
// is a backlog delay of the platform, not a payout exception: those are in the exceptions view.
import { toPlatformStatus } from '../contract';
import { alertRegion, clearFailure, showFailure, type ViewContext } from '../context';
import { h, replace, table } from '../dom';
import { backlogAndLag } from './backlog-lag';
import { statusIncidents } from './status-incidents';

export const STATUS_PATH = '/status';

export function mountPlatformStatusPanel(panel: HTMLElement, context: ViewContext): () => Promise<void> {
  const failure = alertRegion('platform-status-error');
  const body = h('div', { id: 'platform-status' }, h('p', { class: 'muted' }, 'Loading the platform status…'));
  replace(panel, h('h3', { id: 'platform-status-heading' }, 'Platform status'), failure, body);

  return async () => {
    try {
      const status = toPlatformStatus(await context.api.get(STATUS_PATH));
      clearFailure(failure);
      const rows = status.components.map((c) => [
        c.component,
        h('span', { class: c.state === 'operational' ? 'state' : 'state bad' }, c.state),
        c.reasons.join('; ') || '—',
      ]);
      replace(
        body,
        h('dl', { class: 'facts' }, h('dt', {}, 'Overall'), h('dd', { id: 'platform-status-state' }, status.state)),
        backlogAndLag(status),
        table('Components', ['Component', 'State', 'Why'], rows),
        statusIncidents(status),
      );
    } catch (error) {
      replace(body, h('p', { class: 'muted' }, 'The platform status is unavailable right now.'));
      showFailure(failure, error);
    }
  };
}
