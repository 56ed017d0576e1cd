// The batch page's answers (GET /ops/batches…, GET /exceptions?batch_id=, GET /exceptions/{id}/items),
// normalised like contract.ts does for the other views (docs/ops-api.md is their contract).
import { pick } from './format';

type Json = Record<string, unknown>;

/** The tenant's batch operator holds it; an operator token never does (shared/access-matrix.ts). */
export const BATCH_RETRY_SCOPE = 'batches:retry';
/** The operator's cross-tenant reads of batches and payouts. */
export const OPS_READ_SCOPE = 'ops:read';
/** Item statuses in lifecycle order (functions/domain/batches/batch-status.ts). */
export const BATCH_ITEM_STATUSES = [
  'received',
  'rejected',
  'requires_approval',
  'submitted',
  'accepted',
  'pending',
  'paid',
  'reversed',
  'failed',
  'canceled',
] as const;

export interface BatchTotal {
  currency: string;
  amountMinor: number;
  itemCount: number;
}

export interface BatchGroupSummary {
  exceptionId: string;
  failureSource: string;
  owner: string;
  state: string;
  itemCount: number;
}

export interface OpsBatch {
  batchId: string;
  tenantId: string;
  senderBatchId: string;
  status: string;
  itemCount: number;
  counts: Array<[status: string, count: number]>;
  totals: BatchTotal[];
  approvalPending: boolean;
  createdAt: string;
  groups: BatchGroupSummary[];
}

export interface GroupItem {
  senderItemId: string;
  payoutId: string;
  code: string;
  category: string;
  message: string;
  at: string;
}

export interface BatchGroup extends BatchGroupSummary {
  category: string;
  slaDueAt: string;
  assignee: string;
  items: GroupItem[];
  nextCursor: string | null;
}

export interface BatchItem {
  senderItemId: string;
  index: number;
  status: string;
  payoutId: string;
  amountMinor: number;
  currency: string;
  errorCode: string;
  errorCategory: string;
  errorMessage: string;
  retries: number;
}

const str = (record: Json, name: string): string => {
  const value = pick(record, name);
  return value === undefined ? '' : String(value);
};
const int = (record: Json, name: string): number => {
  const value = pick(record, name);
  return typeof value === 'number' ? value : 0;
};
const records = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const cursorOf = (record: Json, name: string): string | null => {
  const value = pick(record, name);
  return typeof value === 'string' && value !== '' ? value : null;
};

export function toOpsBatch(body: unknown): OpsBatch {
  const b = (body ?? {}) as Json;
  const counts = (pick(b, 'counts') ?? {}) as Json;
  const approval = pick(b, 'approval') as Json | undefined;
  return {
    batchId: str(b, 'batch_id'),
    tenantId: str(b, 'tenant_id'),
    senderBatchId: str(b, 'sender_batch_id'),
    status: str(b, 'status'),
    itemCount: int(b, 'item_count'),
    // Lifecycle order first, then any status this page does not know yet.
    counts: [
      ...BATCH_ITEM_STATUSES,
      ...Object.keys(counts).filter((s) => !(BATCH_ITEM_STATUSES as readonly string[]).includes(s)),
    ]
      .filter((status) => typeof counts[status] === 'number')
      .map((status) => [status, counts[status] as number]),
    totals: records(pick(b, 'totals')).map((t) => ({
      currency: str(t, 'currency'),
      amountMinor: int(t, 'amount'),
      itemCount: int(t, 'item_count'),
    })),
    approvalPending: approval !== undefined && str(approval, 'status') === 'pending',
    createdAt: str(b, 'created_at'),
    groups: records(pick(b, 'exceptions')).map(toGroupSummary),
  };
}

function toGroupSummary(e: Json): BatchGroupSummary {
  return {
    exceptionId: str(e, 'exception_id'),
    failureSource: str(e, 'failure_source'),
    owner: str(e, 'owner'),
    state: str(e, 'state'),
    itemCount: int(e, 'item_count'),
  };
}

export function toGroupItems(value: unknown): GroupItem[] {
  return records(value).map((m) => ({
    senderItemId: str(m, 'sender_item_id'),
    payoutId: str(m, 'payout_id'),
    code: str(m, 'code'),
    category: str(m, 'category'),
    message: str(m, 'message'),
    at: str(m, 'at'),
  }));
}

/** GET /exceptions?batch_id=: each group with its first page of items. */
export function toBatchGroups(body: unknown): BatchGroup[] {
  return records(pick((body ?? {}) as Json, 'data')).map((e) => ({
    ...toGroupSummary(e),
    category: str(e, 'category'),
    slaDueAt: str(e, 'sla_due_at'),
    assignee: str(e, 'assignee'),
    items: toGroupItems(pick(e, 'items')),
    nextCursor: cursorOf(e, 'items_next_cursor'),
  }));
}

/** GET /exceptions/{id}/items: the next page of a group. */
export function toGroupItemPage(body: unknown): { items: GroupItem[]; nextCursor: string | null } {
  const b = (body ?? {}) as Json;
  return { items: toGroupItems(pick(b, 'data')), nextCursor: cursorOf(b, 'next_cursor') };
}

/** GET /ops/batches/{id}/items. */
export function toBatchItemPage(body: unknown): { items: BatchItem[]; nextCursor: string | null } {
  const b = (body ?? {}) as Json;
  const items = records(pick(b, 'data')).map((i) => {
    const error = (pick(i, 'error') ?? {}) as Json;
    return {
      senderItemId: str(i, 'sender_item_id'),
      index: int(i, 'index'),
      status: str(i, 'status'),
      payoutId: str(i, 'payout_id'),
      amountMinor: int(i, 'amount'),
      currency: str(i, 'currency'),
      errorCode: str(error, 'code'),
      errorCategory: str(error, 'category'),
      errorMessage: str(error, 'message'),
      retries: int(i, 'retries'),
    };
  });
  return { items, nextCursor: cursorOf(b, 'next_cursor') };
}

/** `12,500.00 EUR` from minor units: the exponent is the browser's ISO 4217 table (JPY 0, BHD 3). */
export function moneyText(amountMinor: number, currency: string): string {
  try {
    const format = new Intl.NumberFormat('en', { style: 'currency', currency, currencyDisplay: 'code' });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(amountMinor / 10 ** digits);
  } catch {
    return `${amountMinor} ${currency} (minor units)`;
  }
}
