// Redrive and replay share one flow: dry run → show what would move → explicit confirmation →
// the real call → show what moved. The real call is never offered before a dry run has answered.
import { toRedriveOutcome } from '../contract';
import { confirmAction } from '../confirm';
import { alertRegion, showFailure, type ViewContext } from '../context';
import { h, replace } from '../dom';

/** Ids listed in the dry-run summary; the count is always exact, the list is a sample. */
const DRY_RUN_IDS_SHOWN_MAX = 10;

/** The server-side filter of `POST /ops/dlq/redrive` (docs/ops-api.md). */
export interface RedriveFilter {
  provider?: string;
  event_type?: string;
  error_category?: string;
  older_than_seconds?: number;
}

export type RedriveRequest =
  | { kind: 'one'; queue: string; messageId: string }
  | { kind: 'filter'; queue: string; filter: RedriveFilter }
  | { kind: 'all'; queue: string }
  | { kind: 'replay'; eventIds: string[]; from?: string; to?: string; provider?: string };

function endpoint(request: RedriveRequest): string {
  return request.kind === 'replay' ? '/ops/replay' : '/ops/dlq/redrive';
}

/** The request bodies of docs/ops-api.md. */
export function requestBody(request: RedriveRequest, dryRun: boolean): Record<string, unknown> {
  switch (request.kind) {
    case 'one':
      return { queue: request.queue, message_id: request.messageId, dry_run: dryRun };
    case 'filter': {
      const filter = Object.fromEntries(Object.entries(request.filter).filter(([, value]) => value !== undefined));
      return { queue: request.queue, filter, dry_run: dryRun };
    }
    case 'all':
      return { queue: request.queue, all: true, dry_run: dryRun };
    case 'replay':
      return {
        ...(request.eventIds.length > 0 ? { event_ids: request.eventIds } : {}),
        ...(request.from ? { from: request.from } : {}),
        ...(request.to ? { to: request.to } : {}),
        ...(request.provider ? { provider: request.provider } : {}),
        dry_run: dryRun,
      };
  }
}

function describe(request: RedriveRequest): { verb: string; noun: string; scope: string } {
  const noun = request.kind === 'replay' ? 'stored event' : 'message';
  const verb = request.kind === 'replay' ? 'Replay' : 'Redrive';
  const scope =
    request.kind === 'one'
      ? `message ${request.messageId}`
      : request.kind === 'filter'
        ? 'every message matching the filter'
        : request.kind === 'all'
          ? `every message in the ${request.queue} DLQ`
          : request.eventIds.length > 0
            ? `event(s) ${request.eventIds.join(', ')}`
            : `events from ${request.from ?? 'the beginning'} to ${request.to ?? 'now'}`;
  return { verb, noun, scope };
}

export async function runDryRunThenConfirm(
  panel: HTMLElement,
  context: ViewContext,
  request: RedriveRequest,
  afterwards: () => Promise<void>,
): Promise<void> {
  const { verb, noun, scope } = describe(request);
  const failure = alertRegion(`${panel.id}-error`);
  const heading = h('h3', { tabindex: -1 }, `${verb}: dry run`);
  replace(panel, heading, failure, h('p', { role: 'status' }, `Dry run for ${scope}…`));
  panel.hidden = false;
  heading.focus();
  try {
    const dry = toRedriveOutcome(await context.api.post(endpoint(request), requestBody(request, true)), true);
    const plural = dry.count === 1 ? '' : 's';
    const summary = `Dry run: ${dry.count} ${noun}${plural} would be ${verb === 'Replay' ? 'replayed' : 'redriven'} (${scope}). Nothing has moved yet.`;
    const sample = dry.messageIds.slice(0, DRY_RUN_IDS_SHOWN_MAX);
    const go = h(
      'button',
      { type: 'button', class: 'danger', id: `${panel.id}-confirm` },
      `${verb} ${dry.count} ${noun}${plural}…`,
    );
    const cancel = h('button', { type: 'button', onclick: () => (panel.hidden = true) }, 'Cancel');
    replace(
      panel,
      heading,
      failure,
      h('p', { role: 'status', class: 'dry-run-summary' }, summary),
      dry.truncated ? h('p', {}, 'More matched than one call moves; run it again afterwards for the rest.') : null,
      sample.length > 0 ? h('ul', { class: 'ids' }, ...sample.map((id) => h('li', {}, h('code', {}, id)))) : null,
      dry.count > 0 ? h('div', { class: 'actions' }, cancel, go) : h('div', { class: 'actions' }, cancel),
    );
    context.announce(summary);
    go.addEventListener('click', async () => {
      const confirmed = await confirmAction({
        title: `${verb} ${dry.count} ${noun}${plural}?`,
        lines: [
          `This will ${verb.toLowerCase()} ${scope}.`,
          'Each move is audited under your name. Replaying the same thing twice changes nothing.',
        ],
        confirmLabel: `${verb} now`,
        ...(dry.count > 1 ? { typeToConfirm: String(dry.count) } : {}),
      });
      if (!confirmed) return;
      go.disabled = true;
      try {
        const done = toRedriveOutcome(await context.api.post(endpoint(request), requestBody(request, false)), false);
        const result = `${verb === 'Replay' ? 'Replayed' : 'Redriven'}: ${done.count} ${noun}${done.count === 1 ? '' : 's'}.`;
        replace(panel, h('h3', { tabindex: -1 }, `${verb}: done`), h('p', { role: 'status', class: 'done' }, result));
        context.announce(result);
        await afterwards();
      } catch (error) {
        go.disabled = false;
        showFailure(failure, error);
      }
    });
  } catch (error) {
    showFailure(failure, error);
  }
}
