import { ProviderProtocolError } from '../../domain/provider-errors';
import { ADYEN_LIST_PAGE_SIZE_MAX, ADYEN_LIST_WINDOW_DAYS_MAX, ADYEN_PATHS, type AdyenTransfer } from './adyen-api';
import { ADYEN_PROVIDER, adyenRequest, type AdyenExchange } from './adyen-http';
import { parseTransferPage } from './adyen-transfer';

/**
 * GET /transfers page by page through Adyen's cursor (`_links.next.href`, TransferService-v4.json). The
 * next link is absolute; it is followed only when it points under our own base URL, so a forged or
 * misrouted link never receives our API key.
 */

/** Pages one listing may read: 100 pages × 100 transfers covers any payout id many times over. */
export const ADYEN_LIST_PAGES_MAX = 100;
const DAY_MS = 86_400_000;

export interface PagerOptions {
  readonly balanceAccountId: string;
  readonly now: () => Date;
  readonly timeoutMs: number;
  readonly withRetries: <T>(call: () => Promise<T>) => Promise<T>;
}

export class AdyenTransferPager {
  constructor(
    private readonly exchange: AdyenExchange,
    private readonly options: PagerOptions,
  ) {}

  /** Every transfer Adyen holds with our payout id as its `reference` (more than one is a duplicate). */
  async byReference(reference: string): Promise<AdyenTransfer[]> {
    const all: AdyenTransfer[] = [];
    for await (const page of this.pages({ reference, limit: ADYEN_LIST_PAGE_SIZE_MAX })) all.push(...page);
    return all.filter((transfer) => transfer.reference === reference);
  }

  /** Bank transfers of our balance account in Adyen's widest window, `limit` per page. */
  async *pages(query: { limit: number; reference?: string }): AsyncGenerator<AdyenTransfer[]> {
    const limit = Math.min(Math.max(1, Math.floor(query.limit)), ADYEN_LIST_PAGE_SIZE_MAX);
    const until = this.options.now();
    const params = new URLSearchParams({
      balanceAccountId: this.options.balanceAccountId,
      category: 'bank',
      createdSince: new Date(until.getTime() - ADYEN_LIST_WINDOW_DAYS_MAX * DAY_MS).toISOString(),
      createdUntil: until.toISOString(),
      limit: String(limit),
      ...(query.reference === undefined ? {} : { reference: query.reference }),
    });
    let url: string | undefined = `${this.exchange.baseUrl}${ADYEN_PATHS.transfers}?${params.toString()}`;
    for (let page = 0; url !== undefined; page += 1) {
      if (page >= ADYEN_LIST_PAGES_MAX)
        throw new ProviderProtocolError(`adyen listing ran past ${ADYEN_LIST_PAGES_MAX} pages`, {
          provider: ADYEN_PROVIDER,
        });
      const pageUrl: string = url;
      const answer = await this.options.withRetries(() =>
        adyenRequest(this.exchange, 'status', { method: 'GET', url: pageUrl, timeoutMs: this.options.timeoutMs }),
      );
      if (answer === 'not_found') return;
      const { transfers, next } = parseTransferPage(answer.json);
      yield transfers;
      url = next === undefined ? undefined : this.ownLink(next);
    }
  }

  private ownLink(href: string): string {
    if (!href.startsWith(`${this.exchange.baseUrl}/`))
      throw new ProviderProtocolError(`adyen's next link leaves ${this.exchange.baseUrl}: not followed`, {
        provider: ADYEN_PROVIDER,
      });
    return href;
  }
}
