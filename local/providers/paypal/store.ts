// The PayPal stand-in's books: batches, items, the PayPal-Request-Id record and the sender_batch_id
// index. Shapes from PayPal's published spec, paypal/paypal-rest-api-specifications
// openapi/payments_payouts_batch_v1.json (commit ec4d8f3, 2024-02-03; read 2026-12-01).
import type {
  PaypalBatch,
  PaypalBatchHeader,
  PaypalCreatePayoutRequest,
  PaypalItem,
  PaypalItemError,
} from '../../../functions/adapters/providers/paypal-api';

/** PayPal keeps request ids and refuses a reused sender_batch_id for 30 days; the stand-in keeps them for its life. */
export interface StoredAnswer {
  readonly status: number;
  readonly body: unknown;
}

interface MutableItem {
  payout_item_id: string;
  transaction_id: string;
  transaction_status: string;
  payout_item_fee: { currency: string; value: string };
  payout_batch_id: string;
  sender_batch_id: string;
  payout_item: PaypalItem['payout_item'];
  time_processed: string;
  errors?: PaypalItemError;
  canceled?: boolean;
}

interface MutableBatch {
  header: PaypalBatchHeader & { batch_status: string };
  itemIds: string[];
}

/** PayPal ids are 13 upper-case alphanumerics (P7MFYN6YSUE5W); counters keep the stand-in's deterministic. */
function paypalId(prefix: string, n: number): string {
  return `${prefix}${n.toString(36).toUpperCase().padStart(12, '0')}`;
}

export class PaypalBooks {
  private readonly batches = new Map<string, MutableBatch>();
  private readonly items = new Map<string, MutableItem>();
  private readonly bySenderBatchId = new Map<string, string>();
  private readonly answersByRequestId = new Map<string, StoredAnswer>();
  private counter = 0;

  constructor(private readonly nowIso: () => string) {}

  answerFor(requestId: string): StoredAnswer | undefined {
    return this.answersByRequestId.get(requestId);
  }

  remember(requestId: string, answer: StoredAnswer): void {
    this.answersByRequestId.set(requestId, answer);
  }

  forgetRequestIds(): void {
    this.answersByRequestId.clear();
  }

  batchIdForSender(senderBatchId: string): string | undefined {
    return this.bySenderBatchId.get(senderBatchId);
  }

  create(request: PaypalCreatePayoutRequest): PaypalBatchHeader {
    const batchId = paypalId('B', ++this.counter);
    const now = this.nowIso();
    const header = {
      payout_batch_id: batchId,
      batch_status: 'PENDING',
      time_created: now,
      sender_batch_header: { sender_batch_id: request.sender_batch_header.sender_batch_id },
    };
    const batch: MutableBatch = { header, itemIds: [] };
    for (const requested of request.items) {
      const itemId = paypalId('I', ++this.counter);
      const item: MutableItem = {
        payout_item_id: itemId,
        transaction_id: paypalId('T', this.counter),
        transaction_status: 'PENDING',
        payout_item_fee: { currency: requested.amount.currency, value: '0.00' },
        payout_batch_id: batchId,
        sender_batch_id: request.sender_batch_header.sender_batch_id,
        payout_item: { ...requested },
        time_processed: now,
      };
      this.items.set(itemId, item);
      batch.itemIds.push(itemId);
    }
    this.batches.set(batchId, batch);
    this.bySenderBatchId.set(request.sender_batch_header.sender_batch_id, batchId);
    return { ...header };
  }

  batchPage(
    batchId: string,
    page: number,
    pageSize: number,
  ): (PaypalBatch & { total_items: number; total_pages: number }) | undefined {
    const batch = this.batches.get(batchId);
    if (batch === undefined) return undefined;
    const ids = batch.itemIds.slice((page - 1) * pageSize, page * pageSize);
    return {
      batch_header: { ...batch.header, batch_status: this.batchStatus(batch) },
      items: ids.map((id) => this.itemView(this.items.get(id)!)),
      total_items: batch.itemIds.length,
      total_pages: Math.max(1, Math.ceil(batch.itemIds.length / pageSize)),
    };
  }

  item(itemId: string): (PaypalItem & { canceled?: boolean }) | undefined {
    const item = this.items.get(itemId);
    return item === undefined ? undefined : { ...this.itemView(item), ...(item.canceled ? { canceled: true } : {}) };
  }

  setItemState(itemId: string, status: string, error?: PaypalItemError, canceled = false): PaypalItem | undefined {
    const item = this.items.get(itemId);
    if (item === undefined) return undefined;
    item.transaction_status = status;
    item.time_processed = this.nowIso();
    if (error === undefined) delete item.errors;
    else item.errors = error;
    if (canceled) item.canceled = true;
    return this.itemView(item);
  }

  countForSenderItem(senderItemId: string): number {
    return [...this.items.values()].filter((item) => item.payout_item.sender_item_id === senderItemId).length;
  }

  batchIds(): string[] {
    return [...this.batches.keys()];
  }

  /** Every item with its batch's creation time, oldest first: what the stand-in's TRR renders. */
  reportItems(): { item: PaypalItem; createdAt: string; canceled: boolean }[] {
    return [...this.batches.values()].flatMap((batch) =>
      batch.itemIds.map((id) => {
        const item = this.items.get(id)!;
        return { item: this.itemView(item), createdAt: batch.header.time_created!, canceled: item.canceled === true };
      }),
    );
  }

  /** A batch is PENDING until every item left PENDING, then SUCCESS ("processed"), as PayPal derives it. */
  private batchStatus(batch: MutableBatch): string {
    const states = batch.itemIds.map((id) => this.items.get(id)!.transaction_status);
    return states.every((state) => state !== 'PENDING') ? 'SUCCESS' : 'PENDING';
  }

  private itemView(item: MutableItem): PaypalItem {
    const { canceled: _canceled, ...view } = item;
    return structuredClone(view);
  }
}
