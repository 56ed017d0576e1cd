import type { Context } from 'aws-lambda';
import type { ActionKeyLock } from '../../adapters/action-keys';
import type { CorrectionRecord } from '../../domain/corrections';
import { correctionView } from '../../http/correction-view';
import type { IdempotentAction } from '../actions/idempotent-action';
import { executeCorrectionAction } from './actions';
import type { ActionResult, CorrectionActionInput, CorrectionsDeps, RunCorrectionAction } from './action-types';

/**
 * The corrections actions inside the idempotency primitive (app/actions/idempotent-action.ts), with
 * create's semantics: the same key and body replays the stored answer (Idempotent-Replayed: true);
 * the same key with another body → 422 idempotency_key_reused naming the fields; a duplicate while
 * the first runs → 409 idempotency_request_in_progress + Retry-After. The key is the operator's,
 * per route and resource (corrections-api.ts builds the scope). The action key lock rides in the
 * action's own transaction (corrections-repository.ts), so a key applies at most one action.
 */
export function idempotentCorrections(deps: CorrectionsDeps, action: IdempotentAction): RunCorrectionAction {
  return (input: CorrectionActionInput, context: Context) =>
    action(
      {
        scope: input.scope,
        fields: input.fields,
        requestId: input.requestId,
        run: ({ lock }) => executeCorrectionAction(deps, input, lock),
        replay: (lock) => replayOf(deps, input, lock),
      },
      context,
    );
}

/**
 * The answer to a retry of an action this key already applied whose stored answer is gone (the
 * Powertools record expired, or the process died between the commit and the record): the
 * correction as it stands now, found by the request that applied it (the lock names it).
 */
async function replayOf(
  deps: CorrectionsDeps,
  input: CorrectionActionInput,
  lock: ActionKeyLock,
): Promise<ActionResult> {
  const record = await appliedBy(deps, input, lock.requestId);
  if (record === undefined) throw new Error(`action key ${lock.scope} is held, but its correction is not found`);
  return { statusCode: input.action === 'propose' ? 201 : 200, body: correctionView(record) };
}

async function appliedBy(
  deps: CorrectionsDeps,
  input: CorrectionActionInput,
  requestId: string,
): Promise<CorrectionRecord | undefined> {
  switch (input.action) {
    case 'propose': {
      // A payout has few corrections; its list is read until the proposal of that request turns up.
      let cursor: string | undefined;
      do {
        const page = await deps.corrections.list({
          payoutId: input.payoutId,
          limit: 200,
          ...(cursor === undefined ? {} : { cursor }),
        });
        const found = page.items.find((c) => c.proposedRequestId === requestId);
        if (found !== undefined) return found;
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      return undefined;
    }
    case 'approve':
    case 'reject':
      return deps.corrections.get(input.correctionId);
  }
}
