// Overview: queue depths first (is anything backing up, is anything dead-lettered?), then the
// last reconciliation run, then the platform status (GET /status) with the reconciliation lag.
import { toQueues } from '../contract';
import { alertRegion, clearFailure, showFailure, type ViewContext } from '../context';
import { h, replace, table } from '../dom';
import { ageText } from '../format';
import { mountPlatformStatusPanel } from './platform-status';
import { mountReconciliationPanel } from './reconciliation';

export function mountOverview(section: HTMLElement, context: ViewContext): () => Promise<void> {
  const failure = alertRegion('queues-error');
  const body = h('div', { id: 'queue-depths' }, h('p', { class: 'muted' }, 'Loading queue depths…'));
  const refreshButton = h('button', { type: 'button', id: 'queues-refresh' }, 'Refresh');
  const reconciliation = h('section', {
    id: 'reconciliation-panel',
    class: 'panel',
    'aria-labelledby': 'reconciliation-heading',
  });
  const platform = h('section', {
    id: 'platform-status-panel',
    class: 'panel',
    'aria-labelledby': 'platform-status-heading',
  });
  replace(
    section,
    h('h2', { id: 'overview-heading' }, 'Overview'),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'queues-heading' },
      h('div', { class: 'panel-head' }, h('h3', { id: 'queues-heading' }, 'Queue depths'), refreshButton),
      failure,
      body,
    ),
    reconciliation,
    platform,
  );

  async function refresh(): Promise<void> {
    try {
      const queues = toQueues(await context.api.get('/ops/queues'));
      clearFailure(failure);
      const rows = queues.map((q) => [
        h(
          'span',
          { class: q.isDlq ? 'queue-name dlq' : 'queue-name' },
          q.name,
          q.isDlq ? h('span', { class: 'tag' }, 'DLQ') : null,
        ),
        h('span', { class: q.isDlq && q.visible > 0 ? 'count bad' : 'count' }, String(q.visible)),
        String(q.inFlight),
        String(q.delayed),
        ageText(q.oldestAgeSeconds),
      ]);
      replace(
        body,
        queues.length === 0
          ? h('p', { class: 'muted' }, 'No queues reported.')
          : table('Messages per queue', ['Queue', 'Waiting', 'In flight', 'Delayed', 'Oldest message'], rows),
      );
      const deadLettered = queues.filter((q) => q.isDlq).reduce((sum, q) => sum + q.visible, 0);
      context.announce(
        deadLettered > 0 ? `${deadLettered} message(s) in dead-letter queues` : 'Dead-letter queues are empty',
      );
    } catch (error) {
      replace(body, h('p', { class: 'muted' }, 'Queue depths are unavailable right now.'));
      showFailure(failure, error);
    }
  }
  const refreshReconciliation = mountReconciliationPanel(reconciliation, context);
  const refreshPlatform = mountPlatformStatusPanel(platform, context);
  const refreshAll = async (): Promise<void> => {
    await Promise.all([refresh(), refreshReconciliation(), refreshPlatform()]);
  };
  refreshButton.addEventListener('click', () => void refresh());
  return refreshAll;
}
