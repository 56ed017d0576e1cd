import { ProviderProtocolError, ProviderRejectedError } from '../../domain/provider-errors';
import {
  DUPLICATE_SENDER_BATCH_ID_FIELD,
  PAYPAL_BATCH_ITEMS_MAX,
  PAYPAL_PAGE_SIZE_MAX,
  PAYPAL_PATHS,
  PAYPAL_REQUEST_ID_HEADER,
  type PaypalBatch,
  type PaypalCreateItem,
  type PaypalCreatePayoutRequest,
  type PaypalCreatePayoutResponse,
  type PaypalErrorBody,
  type PaypalItem,
} from './paypal-api';
import { errorShape, type PaypalHttp } from './paypal-http';

/**
 * PayPal batches: the create (one call, up to PAYPAL_BATCH_ITEMS_MAX items) and the paged read.
 * A single payout is a batch of one; a batch of issue 13 maps one-to-one (docs/providers/paypal.md).
 */
const PROVIDER = 'paypal';
/** Pages read per batch listing: 15,000 items / 1,000 per page, with room for PayPal adding a page. */
export const BATCH_PAGES_MAX = 20;

export interface BatchCreate {
  /** Ours, unique across the PayPal account for 30 days: a payout id, or our internal batch id. */
  readonly senderBatchId: string;
  readonly items: readonly PaypalCreateItem[];
  readonly emailSubject?: string;
}

export interface CreatedBatch {
  readonly payoutBatchId: string;
  readonly batchStatus: string;
  /** True when PayPal answered from an earlier create (a reused sender_batch_id pointing at it). */
  readonly replayed: boolean;
}

/**
 * POST /v1/payments/payouts with the sender_batch_id as PayPal-Request-Id: a repeat within PayPal's
 * 30-day key window returns the first answer. A repeat after the key is gone is refused as a reused
 * sender_batch_id, with a link to the original batch: that batch is ours, so it is the answer too.
 */
export async function createBatch(http: PaypalHttp, create: BatchCreate, timeoutMs: number): Promise<CreatedBatch> {
  if (create.items.length === 0 || create.items.length > PAYPAL_BATCH_ITEMS_MAX)
    throw new RangeError(`a PayPal batch holds 1 to ${PAYPAL_BATCH_ITEMS_MAX} items, not ${create.items.length}`);
  const body: PaypalCreatePayoutRequest = {
    sender_batch_header: {
      sender_batch_id: create.senderBatchId,
      ...(create.emailSubject === undefined ? {} : { email_subject: create.emailSubject }),
    },
    items: create.items,
  };
  const answer = await http.exchange({
    operation: 'submit',
    method: 'POST',
    path: PAYPAL_PATHS.payouts,
    timeoutMs,
    headers: { 'content-type': 'application/json', [PAYPAL_REQUEST_ID_HEADER]: create.senderBatchId },
    body: JSON.stringify(body),
    answers: [400],
  });
  if (answer === 'not_found')
    throw new ProviderProtocolError('paypal answered 404 to a create', { provider: PROVIDER });
  if (answer.status === 400) {
    const original = originalBatchOf(answer.json);
    if (original === undefined) throw rejectionOf(answer.json);
    return { payoutBatchId: original, batchStatus: 'PENDING', replayed: true };
  }
  const header = (answer.json as Partial<PaypalCreatePayoutResponse> | undefined)?.batch_header;
  if (typeof header?.payout_batch_id !== 'string' || typeof header.batch_status !== 'string')
    throw new ProviderProtocolError('paypal answered a create without payout_batch_id', { provider: PROVIDER });
  return { payoutBatchId: header.payout_batch_id, batchStatus: header.batch_status, replayed: false };
}

export interface BatchPage {
  readonly batchStatus: string;
  readonly items: readonly PaypalItem[];
  readonly totalPages?: number;
}

/** One page of GET /v1/payments/payouts/{id}, totals asked for so the pager knows where to stop. */
export async function readBatchPage(
  http: PaypalHttp,
  payoutBatchId: string,
  paging: { readonly page: number; readonly pageSize: number },
  timeoutMs: number,
): Promise<BatchPage> {
  const pageSize = Math.min(Math.max(1, paging.pageSize), PAYPAL_PAGE_SIZE_MAX);
  const query = `?page=${paging.page}&page_size=${pageSize}&total_required=true`;
  const answer = await http.exchange({
    operation: 'status',
    method: 'GET',
    path: `${PAYPAL_PATHS.batch(payoutBatchId)}${query}`,
    timeoutMs,
  });
  if (answer === 'not_found')
    throw new ProviderProtocolError(`paypal holds no batch ${payoutBatchId}`, { provider: PROVIDER, httpStatus: 404 });
  const batch = answer.json as Partial<PaypalBatch> | undefined;
  if (typeof batch?.batch_header?.batch_status !== 'string' || !Array.isArray(batch.items))
    throw new ProviderProtocolError('paypal answered a batch without header and items', { provider: PROVIDER });
  return {
    batchStatus: batch.batch_header.batch_status,
    items: batch.items.map(parseItem),
    ...(typeof batch.total_pages === 'number' ? { totalPages: batch.total_pages } : {}),
  };
}

/** The original batch id from a reused-sender_batch_id refusal's HATEOAS link; else undefined. */
export function originalBatchOf(json: unknown): string | undefined {
  const body = json as Partial<PaypalErrorBody> | undefined;
  const detail = body?.details?.find((candidate) => candidate.field === DUPLICATE_SENDER_BATCH_ID_FIELD);
  const href = [...(detail?.link ?? []), ...(body?.links ?? [])].find((link) =>
    link.href.includes(`${PAYPAL_PATHS.payouts}/`),
  )?.href;
  if (detail === undefined || href === undefined) return undefined;
  const id = decodeURIComponent(href.slice(href.lastIndexOf('/') + 1).split('?')[0] ?? '');
  return /^[A-Za-z0-9_-]{1,30}$/.test(id) ? id : undefined;
}

/** A 400 that is not a reused sender_batch_id: PayPal refusing the batch (VALIDATION_ERROR, …). */
function rejectionOf(json: unknown): ProviderRejectedError {
  const shape = errorShape(json);
  const reasonCode = shape?.error.code ?? 'http_400';
  return new ProviderRejectedError(`paypal answered 400 ${reasonCode}: ${shape?.error.message ?? 'no error body'}`, {
    provider: PROVIDER,
    reasonCode,
    httpStatus: 400,
  });
}

export function parseItem(value: unknown): PaypalItem {
  const item = value as Partial<PaypalItem> | undefined;
  if (typeof item?.payout_item_id !== 'string' || typeof item.payout_item?.amount?.value !== 'string')
    throw new ProviderProtocolError('paypal answered an item without payout_item_id and amount', {
      provider: PROVIDER,
    });
  return item as PaypalItem;
}
