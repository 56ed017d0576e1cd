import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { failureSourceOfException } from '../../domain/failure-source';
import {
  ExceptionConflictError,
  ExceptionNotFoundError,
  type ExceptionRecord,
  type ExceptionsRepository,
} from '../../adapters/exceptions-repository';
import { InvalidCursorError } from '../../adapters/cursor';
import { noQuerySchema, parseQuery } from '../../http/query-parameters';
import { invalidTextError } from '../../http/request-errors';
import type { CorrectionRecord } from '../../domain/corrections';
import { ExceptionStateError } from '../../domain/exceptions';
import { textRefusalOf } from '../../domain/text';
import {
  assignExceptionBodySchema,
  listExceptionsQuerySchema,
  parseExceptionsRequest,
  resolveExceptionBodySchema,
} from '../../http/exceptions-requests';
import { OPS_BODY_BYTES_MAX } from '../../http/http-limits';
import type { ExceptionList, ExceptionView } from '../../http/ops-schemas';
import { EXCEPTION_ID_PATTERN } from '../../shared/ids';
import { ApiError, badRequest, notFound } from '../../http/api-error';
import { operatorActor, operatorOf, requireScope } from '../../http/operator';
import { json, requestIdOf, type HttpResult } from '../../http/response';
import { parseJsonBody } from '../../http/body';
import { exceptionItems } from './exception-items';
import { batchGroupList, groupItemPages, type BatchGroupsReader, type GroupItemsPage } from './batch-exception-list';

/**
 * GET /exceptions, GET /exceptions/{id}/items (a batch group's members, paged), POST /exceptions/{id}/assign,
 * POST /exceptions/{id}/resolve (docs/ops-api.md).
 */

export interface ExceptionsApiDeps {
  exceptions: ExceptionsRepository;
  /** Read-only: a resolution may name the correction that fixed the exception (ops-corrections writes them). */
  corrections: { get(correctionId: string): Promise<CorrectionRecord | undefined> };
  /** Batch group exceptions (issue 13): found by batch_id, listed with their first items. */
  groups: BatchGroupsReader;
  nowMs(): number;
}

export async function exceptionsApi(
  deps: ExceptionsApiDeps,
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
): Promise<HttpResult> {
  const requestId = requestIdOf(event);
  const operator = operatorOf(event);
  const method = event.requestContext.http.method;
  const path = event.rawPath;
  if (method === 'GET' && path === '/exceptions') {
    requireScope(operator, 'exceptions:read');
    return listExceptions(deps, event, requestId);
  }
  const items = /^\/exceptions\/([^/]+)\/items$/.exec(path);
  if (method === 'GET' && items !== null) {
    requireScope(operator, 'exceptions:read');
    // Tested as sent: an id has nothing to percent-decode, and a malformed escape must not throw.
    const exceptionId = items[1] ?? '';
    if (!EXCEPTION_ID_PATTERN.test(exceptionId)) throw notFound('exception');
    return json(200, await exceptionItems(deps, exceptionId, event.queryStringParameters), requestId);
  }
  const match = /^\/exceptions\/([^/]+)\/(assign|resolve)$/.exec(path);
  if (method !== 'POST' || match === null) throw notFound('route');
  requireScope(operator, 'exceptions:write');
  // As sent, like the items route: an id has nothing to percent-decode, and a bad escape must be a 404, not a 500.
  const exceptionId = match[1] ?? '';
  if (!EXCEPTION_ID_PATTERN.test(exceptionId)) throw notFound('exception');
  parseQuery(noQuerySchema, event.queryStringParameters);
  const change = { exceptionId, actor: operatorActor(operator), requestId, now: new Date(deps.nowMs()) };
  try {
    const changed =
      match[2] === 'assign'
        ? await assignException(deps, event, change, operator.subject)
        : await resolveException(deps, event, change);
    return json(200, exceptionJson(changed, change.now.getTime()), requestId);
  } catch (error) {
    throw apiErrorOfChange(error);
  }
}

async function listExceptions(
  deps: ExceptionsApiDeps,
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  requestId: string,
): Promise<HttpResult> {
  const q = parseExceptionsRequest(listExceptionsQuerySchema, event.queryStringParameters ?? {}, 'query');
  const filters = {
    ...(q.state === undefined ? {} : { state: q.state }),
    ...(q.category === undefined ? {} : { category: q.category }),
    ...(q.owner === undefined ? {} : { owner: q.owner }),
  };
  // A batch has at most one group per failure source: one page, nothing to continue from.
  if (q.batch_id !== undefined && q.cursor !== undefined)
    throw badRequest('invalid_cursor', 'a batch_id listing has one page; start again without a cursor', 'cursor');
  try {
    const page =
      q.batch_id === undefined
        ? await deps.exceptions.list({
            ...filters,
            ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
            limit: q.limit,
          })
        : { items: (await batchGroupList(deps.groups, { batchId: q.batch_id, ...filters })).slice(0, q.limit) };
    const groupItems = await groupItemPages(deps.groups, page.items);
    const now = deps.nowMs();
    const list: ExceptionList = {
      data: page.items.map((e) => exceptionJson(e, now, groupItems.get(e.exceptionId))),
      ...('nextCursor' in page && page.nextCursor !== undefined ? { next_cursor: page.nextCursor } : {}),
    };
    return json(200, list, requestId);
  } catch (error) {
    if (error instanceof InvalidCursorError) {
      throw badRequest('invalid_cursor', 'cursor is not valid for this query; start again without it', 'cursor');
    }
    throw error;
  }
}

/** Who changes which exception, for which request, when. */
interface ExceptionChangeRequest {
  exceptionId: string;
  actor: ReturnType<typeof operatorActor>;
  requestId: string;
  now: Date;
}

async function assignException(
  deps: ExceptionsApiDeps,
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  change: ExceptionChangeRequest,
  operatorSubject: string,
) {
  const body = parseExceptionsRequest(assignExceptionBodySchema, operatorBody(event), 'body');
  return deps.exceptions.assign({
    ...change,
    assignee: body.assignee ?? operatorSubject,
    ...(body.owner === undefined ? {} : { owner: body.owner }),
    ...(body.note === undefined ? {} : { note: body.note }),
  });
}

async function resolveException(
  deps: ExceptionsApiDeps,
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  change: ExceptionChangeRequest,
) {
  const { note, correction_id: correctionId } = parseExceptionsRequest(
    resolveExceptionBodySchema,
    operatorBody(event),
    'body',
  );
  // Resolving needs an explanation: a missing or blank note is its own refusal, and a note of
  // invisible characters only says nothing either.
  if (note === undefined || note.trim() === '')
    throw badRequest('note_required', 'resolving an exception needs a note saying what was done', 'note');
  const invisible = textRefusalOf(note, { multiline: true, requireVisible: true });
  if (invisible !== undefined) throw invalidTextError('note', invisible);
  if (correctionId !== undefined) await checkFixingCorrection(deps, change.exceptionId, correctionId);
  const fixedBy = correctionId === undefined ? {} : { correctionId };
  return deps.exceptions.resolve({ ...change, note, ...fixedBy });
}

/** The repository's refusals of a change, as the API answers them. */
function apiErrorOfChange(error: unknown): unknown {
  if (error instanceof ExceptionNotFoundError) return notFound('exception');
  if (error instanceof ExceptionStateError)
    return new ApiError({
      status: 409,
      type: 'conflict_error',
      code: error.code,
      category: 'terminal',
      message: error.message,
    });
  if (error instanceof ExceptionConflictError)
    return new ApiError({
      status: 409,
      type: 'conflict_error',
      code: 'exception_changed',
      category: 'retryable',
      message: error.message,
    });
  return error;
}

/**
 * The correction a resolution names must exist (400 correction_not_found), be about the exception's
 * payout (400 correction_payout_mismatch) and have been applied (409 correction_not_applied): a
 * proposal or a rejected correction fixed nothing. Checked on consistent reads before the resolve;
 * a correction never leaves `applied`, so the check cannot go stale before the write.
 */
async function checkFixingCorrection(
  deps: ExceptionsApiDeps,
  exceptionId: string,
  correctionId: string,
): Promise<void> {
  const exception = await deps.exceptions.get(exceptionId);
  if (exception === undefined) throw notFound('exception');
  const correction = await deps.corrections.get(correctionId);
  if (correction === undefined)
    throw badRequest('correction_not_found', `correction ${correctionId} does not exist`, 'correction_id');
  if (exception.payoutId === undefined || exception.payoutId !== correction.payoutId) {
    const about = exception.payoutId === undefined ? 'concerns no payout' : `concerns payout ${exception.payoutId}`;
    throw badRequest(
      'correction_payout_mismatch',
      `correction ${correctionId} is about payout ${correction.payoutId}; the exception ${about}`,
      'correction_id',
    );
  }
  if (correction.state !== 'applied') {
    throw new ApiError({
      status: 409,
      type: 'conflict_error',
      code: 'correction_not_applied',
      category: 'human_action_required',
      message: `correction ${correctionId} is ${correction.state}, not applied: it fixed nothing yet`,
      param: 'correction_id',
    });
  }
}

/** An absent body reads as `{}`: an assign with every default. */
const operatorBody = (event: APIGatewayProxyEventV2WithJWTAuthorizer) =>
  parseJsonBody(event, { bytesMax: OPS_BODY_BYTES_MAX, empty: 'empty_object' });

/** Typed by the documented schema (functions/api/ops-schemas.ts): the answer cannot drift from GET /openapi.json. */
export function exceptionJson(e: ExceptionRecord, nowMs: number, groupItems?: GroupItemsPage): ExceptionView {
  return {
    exception_id: e.exceptionId,
    category: e.category,
    owner: e.owner,
    failure_source: failureSourceOfException(e.category),
    state: e.state,
    payout_id: e.payoutId,
    opened_at: e.openedAt,
    sla_due_at: e.slaDueAt,
    sla_breached: e.state !== 'resolved' && Date.parse(e.slaDueAt) < nowMs,
    updated_at: e.updatedAt,
    last_seen_at: e.lastSeenAt,
    occurrences: e.occurrences,
    assignee: e.assignee,
    evidence: e.evidence,
    first_error: e.firstError,
    last_error: e.lastError,
    resolution:
      e.resolution === undefined
        ? undefined
        : {
            note: e.resolution.note,
            by: e.resolution.by,
            at: e.resolution.at,
            ...(e.resolution.correctionId === undefined ? {} : { correction_id: e.resolution.correctionId }),
          },
    ...(e.batchId === undefined ? {} : batchGroupJson(e.batchId, e.itemCount ?? 0, groupItems)),
  };
}

/** A batch group's own fields: its batch, its count and the first page of its items. */
function batchGroupJson(batchId: string, itemCount: number, page: GroupItemsPage | undefined) {
  return {
    batch_id: batchId,
    item_count: itemCount,
    items: (page?.items ?? []).map((m) => ({
      sender_item_id: m.senderItemId,
      payout_id: m.payoutId,
      code: m.code,
      category: m.category,
      message: m.message,
      at: m.at,
    })),
    ...(page?.nextCursor === undefined ? {} : { items_next_cursor: page.nextCursor }),
  };
}
