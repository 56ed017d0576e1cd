// "Backlog and lag" on the overview (GET /status, functions/domain/backlog-lag.ts): how long work
// has waited on the platform itself. Each figure says what it counts; none of them is a payout
// exception (those are under Exceptions, with their cause).
import type { PlatformStatus } from '../contract';
import { h } from '../dom';
import { ageText, timeText } from '../format';

/** A figure's value (its own element, so a reader or a test sees the number alone) and its meaning. */
function figure(id: string, value: string, meaning: string): HTMLElement {
  return h(
    'dd',
    { class: 'explained' },
    h('span', { id, class: 'figure' }, value),
    h('small', { class: 'hint' }, meaning),
  );
}

function unreconciledFigure(status: PlatformStatus): HTMLElement {
  const { createdAt, ageSeconds, examinedFrom, mayBeOlder } = status.oldestUnreconciled;
  const reach = `Days read: ${examinedFrom || '—'} to today (UTC).`;
  const beyond = mayBeOlder
    ? ` ${examinedFrom || 'That first day'} has no successful run either: older days were not read.`
    : '';
  if (createdAt === '')
    return figure('oldest-unreconciled', mayBeOlder ? 'none in the days read' : 'none', `${reach}${beyond}`);
  return figure(
    'oldest-unreconciled',
    `${mayBeOlder ? 'at least ' : ''}${ageText(ageSeconds)}`,
    `Created ${timeText(createdAt)}, on a UTC day whose latest reconciliation run has not succeeded ` +
      `(not run yet, failed, or still running; today is never reconciled before it ends). ${reach}${beyond}`,
  );
}

export function backlogAndLag(status: PlatformStatus): HTMLElement {
  const webhooks = status.webhookBacklog;
  return h(
    'section',
    { id: 'backlog-lag', 'aria-labelledby': 'backlog-lag-heading' },
    h('h4', { id: 'backlog-lag-heading' }, 'Backlog and lag'),
    h(
      'p',
      { class: 'muted' },
      'Backlog delay of the platform (queues, reconciliation), not a payout exception: those are under Exceptions.',
    ),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Oldest unreconciled payout'),
      unreconciledFigure(status),
      h('dt', {}, 'Since the last successful reconciliation'),
      figure(
        'reconciliation-lag',
        ageText(status.secondsSinceLastReconciliation),
        'Time since any reconciliation run last succeeded (the alarm watches the same figure).',
      ),
      h('dt', {}, 'Webhook backlog'),
      figure(
        'webhook-backlog-age',
        webhooks.oldestReceivedAt === '' ? 'none waiting' : ageText(webhooks.ageSeconds),
        webhooks.oldestReceivedAt === ''
          ? 'Every webhook received has been applied or dead-lettered.'
          : `The oldest webhook received (${timeText(webhooks.oldestReceivedAt)}) and not applied yet: ` +
              'queued, being retried or not enqueued yet. A dead-lettered one is an exception instead.',
      ),
    ),
  );
}
