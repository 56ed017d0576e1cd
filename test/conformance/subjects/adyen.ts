import { Client, EnvironmentEnum, Types, type Config } from '@adyen/api-library';
import type ClientInterface from '@adyen/api-library/lib/src/httpClient/clientInterface';
import { TransfersApi } from '@adyen/api-library/lib/src/services/transfers/transfersApi';
import type { IRequest } from '@adyen/api-library/lib/src/typings/requestOptions';
import { expect } from 'vitest';
import { ADYEN_TEST_BASE_URL } from '../../../functions/adapters/providers/adyen-api';
import { AdyenProvider } from '../../../functions/adapters/providers/adyen-provider';
import { ADYEN_PAYOUT_STATES, mapAdyenState } from '../../../functions/domain/adyen-status';
import { parseAdyenAccountingReport } from '../../../functions/domain/reconciliation/adyen-accounting-report';
import {
  ADYEN_SIGNATURE_HEADER,
  ADYEN_WEBHOOK_AGE_SECONDS_MAX,
  signAdyen,
  verifyAdyenSignature,
} from '../../../functions/domain/webhook-signatures/adyen';
import { renderAccountingReport } from '../../../local/providers/adyen/report';
import { startAdyenStandIn } from '../../../local/providers/adyen/server';
import {
  ADYEN_VECTOR_BODY,
  ADYEN_VECTOR_KEY,
  ADYEN_VECTOR_SIGNATURE,
  ADYEN_VECTOR_SOURCE,
  ADYEN_VECTOR_TIMESTAMP_SECONDS,
} from '../fixtures/adyen/vectors';
import { webhookInState } from '../../support/provider-webhooks';
import type { ConformanceSubject, SignedWebhook, WebhookTestVector } from '../subject';

/**
 * Adyen Transfers (Balance Platform) in the conformance suite: the stand-in (local/providers/adyen/), our
 * adapter, and @adyen/api-library 32.1.0 driving the stand-in. The library builds Adyen's own URLs
 * (https://balanceplatform-api-test.adyen.com/btl/v4/…) and sends them through its https client only, so
 * the round trip gives it a ClientInterface that sends the same request to the stand-in's loopback URL:
 * the library's own request building, serialization and response parsing are what is exercised.
 */

export const ADYEN_CONFORMANCE_API_KEY = 'AQE_conformance_only_not_a_real_key';
const API_KEY = ADYEN_CONFORMANCE_API_KEY;
const BALANCE_ACCOUNT = 'BA00000000000000000000001';
const encoder = new TextEncoder();

const delivery = (rawBody: string, signature: string): SignedWebhook => ({
  headers: { [ADYEN_SIGNATURE_HEADER]: signature },
  rawBody: encoder.encode(rawBody),
});

const VECTORS: readonly WebhookTestVector[] = [
  {
    source: ADYEN_VECTOR_SOURCE,
    delivery: delivery(ADYEN_VECTOR_BODY, ADYEN_VECTOR_SIGNATURE),
    secret: ADYEN_VECTOR_KEY,
    nowSeconds: ADYEN_VECTOR_TIMESTAMP_SECONDS + 60,
    valid: true,
  },
  {
    source: `${ADYEN_VECTOR_SOURCE}; the same delivery 30 days and a second after its timestamp`,
    delivery: delivery(ADYEN_VECTOR_BODY, ADYEN_VECTOR_SIGNATURE),
    secret: ADYEN_VECTOR_KEY,
    nowSeconds: ADYEN_VECTOR_TIMESTAMP_SECONDS + ADYEN_WEBHOOK_AGE_SECONDS_MAX + 1,
    valid: false,
  },
];

/** The library's transport, pointed at the stand-in: same method, path, query, headers and body. */
function standInTransport(baseUrl: string): ClientInterface {
  return {
    async request(
      endpoint: string,
      json: string | Buffer,
      config: Config,
      _apiKey: boolean,
      options?: IRequest.Options,
    ) {
      if (!endpoint.startsWith(ADYEN_TEST_BASE_URL)) throw new Error(`unexpected endpoint ${endpoint}`);
      const query =
        options?.params === undefined ? '' : `?${new URLSearchParams(options.params as Record<string, string>)}`;
      const method = options?.method ?? 'POST';
      const response = await fetch(`${baseUrl}${endpoint.slice(ADYEN_TEST_BASE_URL.length)}${query}`, {
        method,
        headers: {
          'content-type': 'application/json',
          'x-api-key': config.apiKey ?? '',
          ...(options?.idempotencyKey === undefined ? {} : { 'idempotency-key': options.idempotencyKey }),
        },
        ...(method === 'GET' ? {} : { body: json.toString() }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`stand-in answered ${response.status}: ${text}`);
      return text;
    },
  };
}

export const adyenSubject: ConformanceSubject = {
  provider: 'adyen',
  async startStandIn() {
    const server = await startAdyenStandIn({ apiKey: API_KEY });
    return {
      baseUrl: server.baseUrl,
      controls: {
        inject: (fault) => server.inject(fault),
        clearFaults: () => server.clearFaults(),
        countFor: (payoutId) => server.books.countForIdempotencyKey(payoutId),
        setState: async (reference, state) => void server.books.setStatus(reference, state),
        requests: () => server.requests(),
      },
      close: () => server.close(),
    };
  },
  adapter: (standIn, { sleep, timeoutMs }) =>
    new AdyenProvider({
      baseUrl: standIn.baseUrl,
      apiKey: API_KEY,
      balanceAccountId: BALANCE_ACCOUNT,
      sleep,
      random: () => 0.5,
      submitTimeoutMs: timeoutMs,
      statusTimeoutMs: timeoutMs,
    }),
  async sdkRoundTrip(standIn) {
    const client = new Client({ apiKey: API_KEY, environment: EnvironmentEnum.TEST });
    client.httpClient = standInTransport(standIn.baseUrl);
    const api = new TransfersApi(client);
    const info: Types.transfers.TransferInfo = {
      amount: { currency: 'EUR', value: 1_100 },
      balanceAccountId: BALANCE_ACCOUNT,
      category: Types.transfers.TransferInfo.CategoryEnum.Bank,
      counterparty: {
        bankAccount: {
          accountHolder: { fullName: 'A. Klaassen' },
          accountIdentification: {
            type: Types.transfers.IbanAccountIdentification.TypeEnum.Iban,
            iban: 'NL91ABNA0417164300',
          },
        },
      },
      priority: Types.transfers.TransferInfo.PriorityEnum.Regular,
      reference: 'po_sdk_round_trip',
    } as Types.transfers.TransferInfo;
    const created = await api.transferFunds(info, { idempotencyKey: 'po_sdk_round_trip' });
    expect(created.status).toBe('received');
    expect(created.amount).toEqual({ currency: 'EUR', value: 1_100 });
    const again = await api.transferFunds(info, { idempotencyKey: 'po_sdk_round_trip' });
    expect(again.id).toBe(created.id);
    const read = await api.getTransfer(created.id!);
    expect(read).toMatchObject({ id: created.id, reference: 'po_sdk_round_trip', category: 'bank' });
    const since = new Date(Date.now() - 86_400_000);
    const page = await api.getAllTransfers(
      since,
      new Date(),
      undefined,
      undefined,
      BALANCE_ACCOUNT,
      undefined,
      'po_sdk_round_trip',
      undefined,
      undefined,
      undefined,
      1,
    );
    expect(page.data?.map((transfer) => transfer.id)).toEqual([created.id]);
  },
  states: ADYEN_PAYOUT_STATES,
  mapState: mapAdyenState,
  webhooks: {
    vectors: VECTORS,
    sign(rawBody, secret, timestampSeconds) {
      // Adyen dates a delivery inside the signed body, so signing at a time rewrites the body's `timestamp`.
      const body = JSON.parse(new TextDecoder().decode(rawBody)) as Record<string, unknown>;
      const text = JSON.stringify({ ...body, timestamp: new Date(timestampSeconds * 1_000).toISOString() });
      return delivery(text, signAdyen(secret, encoder.encode(text)));
    },
    verify: (signed, secrets, nowSeconds) =>
      verifyAdyenSignature({ headers: signed.headers, rawBody: signed.rawBody, secrets, nowSeconds }),
    toleranceSeconds: ADYEN_WEBHOOK_AGE_SECONDS_MAX,
    inState: (providerState, payout) => webhookInState('adyen', providerState, payout),
  },
  report: {
    render: (rows) => renderAccountingReport(rows.map(({ line: _line, ...row }) => row)),
    parse: (text) => parseAdyenAccountingReport([encoder.encode(text)]),
  },
  paging: {
    async listAll(standIn, pageSize) {
      const provider = new AdyenProvider({
        baseUrl: standIn.baseUrl,
        apiKey: API_KEY,
        balanceAccountId: BALANCE_ACCOUNT,
        sleep: async () => undefined,
      });
      const ids: string[] = [];
      for await (const page of provider.pager.pages({ limit: pageSize })) ids.push(...page.map((t) => t.id));
      return ids;
    },
  },
};
