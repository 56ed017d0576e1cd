// The Adyen stand-in's books: transfers, the idempotency records, and the transfer webhooks.
//
// Source: Adyen/adyen-openapi json/TransferService-v4.json and json/BalancePlatformTransferNotification-v4.json
// (commit aa014f0, 2026-07-01; read 2026-12-01): Transfer/TransferData shapes, `events` with accounting
// statuses, `sequenceNumber` "starts from 1 and increases with each new webhook for a specific transfer";
// https://docs.adyen.com/development-resources/api-idempotency (read 2026-12-01): "If the Adyen payments
// platform already processed the request, the response to the first attempt will be returned", keys up to
// 64 characters, at least 31 days. The stand-in keeps them for its lifetime.
import { randomBytes } from 'node:crypto';
import type { AdyenTransfer, AdyenTransferInfo } from '../../../functions/adapters/providers/adyen-api';

export interface StoredAnswer {
  readonly status: number;
  readonly body: string;
}

export interface TransferNotification {
  readonly type: 'balancePlatform.transfer.created' | 'balancePlatform.transfer.updated';
  readonly body: string;
}

/** Adyen's transfer ids are 16 upper-case alphanumerics (`1W1UG35U8A9J5ZLG` in the spec's examples). */
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export function newTransferId(): string {
  return Array.from(randomBytes(16), (byte) => ID_ALPHABET[byte % ID_ALPHABET.length]).join('');
}

export class AdyenBooks {
  private readonly transfers = new Map<string, AdyenTransfer>();
  private readonly idempotency = new Map<string, StoredAnswer>();
  private readonly idempotencyKeyOf = new Map<string, string>();
  private readonly outbox: TransferNotification[] = [];

  constructor(
    private readonly balancePlatform: string,
    private readonly now: () => Date,
  ) {}

  answerFor(idempotencyKey: string): StoredAnswer | undefined {
    return this.idempotency.get(idempotencyKey);
  }

  remember(idempotencyKey: string, answer: StoredAnswer): void {
    this.idempotency.set(idempotencyKey, answer);
  }

  /** Records a bank transfer as Adyen does on POST /transfers: `received`, then its created webhook. */
  create(info: AdyenTransferInfo, idempotencyKey: string | undefined): AdyenTransfer {
    const at = this.isoNow();
    const transfer: AdyenTransfer = {
      id: newTransferId(),
      status: 'received',
      amount: { ...info.amount },
      category: info.category,
      direction: 'outgoing',
      reference: info.reference,
      reason: 'pending',
      creationDate: at,
      createdAt: at,
      updatedAt: at,
      balanceAccount: { id: info.balanceAccountId },
      counterparty: info.counterparty,
      events: [{ id: `EV${newTransferId()}`, type: 'accounting', status: 'received', bookingDate: at }],
      sequenceNumber: 1,
      type: 'bankTransfer',
    };
    this.transfers.set(transfer.id, transfer);
    if (idempotencyKey !== undefined) this.idempotencyKeyOf.set(transfer.id, idempotencyKey);
    this.notify('balancePlatform.transfer.created', transfer);
    return transfer;
  }

  get(transferId: string): AdyenTransfer | undefined {
    return this.transfers.get(transferId);
  }

  /** Every transfer, oldest first (GET /transfers' default `sortOrder=asc`). */
  all(): AdyenTransfer[] {
    return [...this.transfers.values()];
  }

  /** Moves a transfer to any status (a test's hand on Adyen's back office) and sends its updated webhook. */
  setStatus(transferId: string, status: string, reason?: string): AdyenTransfer {
    const transfer = this.transfers.get(transferId);
    if (transfer === undefined) throw new Error(`the Adyen stand-in holds no transfer ${transferId}`);
    const at = this.isoNow();
    transfer.status = status;
    transfer.reason = reason ?? (status === 'booked' ? 'approved' : transfer.reason);
    transfer.updatedAt = at;
    transfer.events = [
      ...(transfer.events ?? []),
      { id: `EV${newTransferId()}`, type: 'accounting', status, bookingDate: at },
    ];
    transfer.sequenceNumber = (transfer.sequenceNumber ?? 0) + 1;
    this.notify('balancePlatform.transfer.updated', transfer);
    return transfer;
  }

  countForIdempotencyKey(idempotencyKey: string): number {
    return [...this.idempotencyKeyOf.values()].filter((key) => key === idempotencyKey).length;
  }

  /** Webhooks not yet taken by the sender, oldest first. */
  takeNotifications(): TransferNotification[] {
    return this.outbox.splice(0, this.outbox.length);
  }

  /** Puts undelivered webhooks back at the head of the outbox, in their order. */
  requeue(notifications: readonly TransferNotification[]): void {
    this.outbox.unshift(...notifications);
  }

  private notify(type: TransferNotification['type'], transfer: AdyenTransfer): void {
    const data = { ...transfer, balancePlatform: this.balancePlatform };
    const body = JSON.stringify({ data, environment: 'test', timestamp: this.isoNow(), type });
    this.outbox.push({ type, body });
  }

  private isoNow(): string {
    // Adyen writes second precision with an offset (`2023-02-28T13:30:05+02:00`); the stand-in writes UTC.
    return `${this.now().toISOString().slice(0, 19)}+00:00`;
  }
}
