import { decodeCursor, encodeCursor, InvalidCursorError, type CursorShape } from '../../adapters/cursor';
import { onboardingListPk, RECIPIENT_SK, tenantListPk } from '../../adapters/recipients/recipients-records';
import { assertNever } from '../../domain/assert-never';
import type { OnboardingState } from '../../domain/compliance/contract';
import { ApiError, badRequest, notFound } from '../../http/api-error';
import { callerOf, type Caller } from '../../http/claims';
import type { ApiEvent } from '../../http/http-handler';
import { noQuerySchema, parseQuery } from '../../http/query-parameters';
import { listRecipientsQuerySchema, parseCreateRecipientRequest } from '../../http/recipient-requests';
import { taxFormView } from '../../http/recipient-view';
import { json, type HttpResult } from '../../http/response';
import { parseTaxFormBody } from '../../http/tax-form-request';
import { RECIPIENT_ROUTES, recipientRouteKey, type RecipientRoute } from '../../shared/recipient-routes';
import { captureTaxForm } from './capture-tax-form';
import { createRecipient } from './create-recipient';
import { recipientIdOf, viewOf } from './recipient-reads';
import { recipientNotFound } from './recipient-errors';
import type { RecipientsDeps } from './recipients-deps';

/**
 * The recipients-api function's router, the tenant's routes (shared/recipient-routes.ts): the principal
 * and the route's scope first (403), then the path id (404: an id of the wrong shape names no recipient
 * and is never read), then the query and body, then the use case. The compliance routes are another
 * function's (ops-recipients.ts), the only one granted kms:Decrypt.
 */
const ROUTES = new Map<string, RecipientRoute>(
  RECIPIENT_ROUTES.filter((route) => route.principal === 'tenant').map((route) => [recipientRouteKey(route), route]),
);

export async function recipientsApi(deps: RecipientsDeps, event: ApiEvent, requestId: string): Promise<HttpResult> {
  const route = ROUTES.get(event.routeKey);
  if (route === undefined) throw notFound(`route ${event.routeKey}`);
  const caller = callerOf(event);
  if (!caller.scopes.includes(route.scope)) {
    throw new ApiError({
      status: 403,
      type: 'permission_error',
      code: 'insufficient_scope',
      category: 'terminal',
      message: `this route requires the ${route.scope} scope`,
    });
  }
  return answer(deps, route, caller, event, requestId);
}

async function answer(
  deps: RecipientsDeps,
  route: RecipientRoute,
  caller: Caller,
  event: ApiEvent,
  requestId: string,
): Promise<HttpResult> {
  switch (route.name) {
    case 'create': {
      parseQuery(noQuerySchema, event.queryStringParameters);
      const request = parseCreateRecipientRequest(event, deps.corridors);
      const { item, replayed } = await createRecipient(deps, {
        tenantId: caller.tenantId,
        createdBy: caller.subject,
        request,
      });
      return json(201, viewOf(deps, item), requestId, {
        location: `/recipients/${item.recipientId}`,
        ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
      });
    }
    case 'list':
      return json(200, await listRecipients(deps, caller.tenantId, event), requestId);
    case 'get': {
      const recipientId = recipientIdOf(event);
      parseQuery(noQuerySchema, event.queryStringParameters);
      const item = await deps.recipients.get(caller.tenantId, recipientId);
      if (item === undefined) throw recipientNotFound();
      return json(200, viewOf(deps, item), requestId);
    }
    case 'tax_forms': {
      const recipientId = recipientIdOf(event);
      parseQuery(noQuerySchema, event.queryStringParameters);
      const capture = parseTaxFormBody(event);
      const captured = await captureTaxForm(deps, { tenantId: caller.tenantId, recipientId, capture, requestId });
      const body = { tax_form: taxFormView(captured.form), recipient: viewOf(deps, captured.recipient) };
      return json(201, body, requestId);
    }
    case 'ops_get':
    case 'ops_onboarding':
      throw notFound(`route ${event.routeKey}`);
    default:
      return assertNever(route.name, 'recipient route');
  }
}

const RECIPIENT_PK_PATTERN = /^TENANT#[a-z0-9_-]+#RECIPIENT#rcp_[0-9a-f]{32}$/;
const LIST_SK_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#rcp_[0-9a-f]{32}$/;

function cursorShape(tenantId: string, state: OnboardingState | undefined): CursorShape {
  const index = state === undefined ? 'gsi1' : 'gsi2';
  return {
    attributes: [
      { name: 'pk', role: 'partition', pattern: RECIPIENT_PK_PATTERN },
      { name: 'sk', role: 'sort', pattern: new RegExp(`^${RECIPIENT_SK}$`) },
      { name: `${index}pk`, role: 'partition', pattern: /^TENANT#/ },
      { name: `${index}sk`, role: 'sort', pattern: LIST_SK_PATTERN },
    ],
    partition: {
      name: `${index}pk`,
      value: state === undefined ? tenantListPk(tenantId) : onboardingListPk(tenantId, state),
    },
  };
}

/** GET /recipients?onboarding_state=&limit=&cursor=: newest first; a cursor from another listing is 400. */
async function listRecipients(deps: RecipientsDeps, tenantId: string, event: ApiEvent) {
  const query = parseQuery(listRecipientsQuerySchema, event.queryStringParameters);
  const shape = cursorShape(tenantId, query.onboarding_state);
  let exclusiveStartKey: Record<string, string> | undefined;
  try {
    exclusiveStartKey = query.cursor === undefined ? undefined : decodeCursor(query.cursor, shape);
  } catch (error) {
    if (error instanceof InvalidCursorError)
      throw badRequest('cursor_invalid', 'cursor is not valid for this query; start again without it', 'cursor');
    throw error;
  }
  const page = await deps.recipients.list(tenantId, {
    ...(query.onboarding_state === undefined ? {} : { onboardingState: query.onboarding_state }),
    limit: query.limit,
    ...(exclusiveStartKey === undefined ? {} : { exclusiveStartKey }),
  });
  return {
    data: page.items.map((item) => viewOf(deps, item)),
    next_cursor: page.lastEvaluatedKey === undefined ? null : encodeCursor(page.lastEvaluatedKey),
  };
}
