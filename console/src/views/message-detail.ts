// One dead-lettered message: what it is, why it failed (oldest error first), and its payload.
import type { DlqMessage } from '../contract';
import { h, pre, replace } from '../dom';
import { ageText, text, timeText } from '../format';

export function renderMessageDetail(panel: HTMLElement, message: DlqMessage, onRedrive: () => void): void {
  const facts: Array<[string, string]> = [
    ['Message id', message.messageId],
    ['Queue', text(message.queue)],
    ['Provider', text(message.provider)],
    ['Provider event id', text(message.providerEventId)],
    ['Event type', text(message.eventType)],
    ['Payout id', text(message.payoutId)],
    ['Error category', text(message.errorCategory)],
    ['Receive count', text(message.receiveCount)],
    ['First seen', timeText(message.firstSeenAt)],
    ['Age', ageText(message.ageSeconds)],
    ['Exception', text(message.exceptionId)],
  ];
  replace(
    panel,
    h('h3', { tabindex: -1 }, `Message ${message.messageId}`),
    h('dl', { class: 'facts' }, ...facts.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)])),
    h('h4', {}, 'Error history'),
    message.errors.length === 0
      ? h('p', { class: 'muted' }, 'No error recorded.')
      : h(
          'ol',
          { class: 'errors' },
          ...message.errors.map((e) =>
            h(
              'li',
              {},
              h('time', { datetime: e.at }, timeText(e.at)),
              ' ',
              e.category ? h('span', { class: `category ${e.category}` }, e.category) : null,
              ' ',
              e.message,
            ),
          ),
        ),
    h('h4', {}, 'Payload'),
    pre(message.payload ?? message.raw),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', id: 'detail-redrive', onclick: onRedrive }, 'Redrive this message…'),
    ),
  );
}
