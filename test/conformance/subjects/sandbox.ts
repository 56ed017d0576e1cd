import { SANDBOX_PATHS, type SandboxList, type SandboxPayout } from '../../../functions/adapters/providers/sandbox-api';
import { PROVIDER_NAME, SandboxProvider } from '../../../functions/adapters/providers/sandbox-provider';
import { mapSandboxState, SANDBOX_PAYOUT_STATES } from '../../../functions/domain/provider-status';
import { CsvReader } from '../../../functions/domain/reconciliation/csv-reader';
import { ReportRowReader, type ReportRow } from '../../../functions/domain/reconciliation/report';
import { REPORT_HEADER, reportLine } from '../../../functions/domain/reconciliation/report-writer';
import {
  SIGNATURE_TOLERANCE_SECONDS,
  signStandardWebhook,
  STANDARD_WEBHOOKS_HEADERS,
  verifyStandardWebhook,
} from '../../../functions/domain/webhook-signatures';
import { sandboxPayoutsFor } from '../../../local/sandbox/client';
import { startSandboxProvider } from '../../../local/sandbox/sandbox-process';
import { startFaultProxy, type ProxyAnswer } from '../fault-proxy';
import { webhookInState } from '../../support/provider-webhooks';
import type { ConformanceSubject, SignedWebhook, StandInFault, WebhookTestVector } from '../subject';

/**
 * The sandbox provider (docs/sandbox-provider.md) as a conformance subject. The sandbox picks its faults
 * by test account numbers, so the suite's injected faults are played by a fault proxy in front of it, with
 * the sandbox's own documented error bodies; `setState` overlays the state the proxy answers with (the
 * sandbox moves payouts only on its clock). Webhooks are Standard Webhooks; the report is the sandbox's
 * settlement report, read by the engine's own reader.
 */

const encoder = new TextEncoder();

/** The Standard Webhooks specification's published vector (standard-webhooks/standard-webhooks, read 2026-12-01). */
const SPEC_VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const SPEC_SOURCE = 'Standard Webhooks specification test vector (github.com/standard-webhooks, read 2026-12-01)';

function specDelivery(body: string): SignedWebhook {
  return {
    headers: {
      [STANDARD_WEBHOOKS_HEADERS.id]: SPEC_VECTOR.id,
      [STANDARD_WEBHOOKS_HEADERS.timestamp]: String(SPEC_VECTOR.timestamp),
      [STANDARD_WEBHOOKS_HEADERS.signature]: SPEC_VECTOR.signature,
    },
    rawBody: encoder.encode(body),
  };
}

const VECTORS: readonly WebhookTestVector[] = [
  {
    source: SPEC_SOURCE,
    delivery: specDelivery(SPEC_VECTOR.body),
    secret: SPEC_VECTOR.secret,
    nowSeconds: SPEC_VECTOR.timestamp,
    valid: true,
  },
  {
    source: `${SPEC_SOURCE}, body changed by one digit`,
    delivery: specDelivery(SPEC_VECTOR.body.replace('4}', '5}')),
    secret: SPEC_VECTOR.secret,
    nowSeconds: SPEC_VECTOR.timestamp,
    valid: false,
  },
];

/** The sandbox's documented error bodies (sandbox-api.ts SandboxErrorBody) for each injected fault. */
function sandboxAnswer(fault: Exclude<StandInFault, { kind: 'record_then_hang' }>): ProxyAnswer {
  const error = (status: number, type: string, code: string, message: string, headers = {}): ProxyAnswer => ({
    status,
    headers,
    body: JSON.stringify({ error: { type, code, message } }),
  });
  if (fault.kind === 'reject')
    return fault.attribution === 'recipient_details'
      ? error(402, 'payout_rejected', 'invalid_account_number', 'The destination account number is invalid.')
      : error(402, 'payout_rejected', 'declined', 'The sandbox declined the payout for its own reasons.');
  if (fault.status === 429)
    return error(429, 'api_error', 'rate_limited', 'Too many requests.', { 'retry-after': '1' });
  return error(fault.status, 'api_error', 'service_unavailable', 'The sandbox is unavailable (injected).');
}

/** Answers the overlaid state for each payout `setState` moved, in single answers and lists alike. */
function overlay(states: ReadonlyMap<string, string>, body: string): string {
  if (states.size === 0) return body;
  try {
    const parsed = JSON.parse(body) as Partial<SandboxPayout> & Partial<SandboxList<SandboxPayout>>;
    const patch = (payout: SandboxPayout) => {
      const state = states.get(payout.id);
      if (state !== undefined) (payout as { status: string }).status = state;
    };
    if (parsed.object === 'payout') patch(parsed as SandboxPayout);
    if (parsed.object === 'list') parsed.data?.forEach(patch);
    return JSON.stringify(parsed);
  } catch {
    return body;
  }
}

function parseReport(text: string): ReportRow[] {
  const csv = new CsvReader();
  const reader = new ReportRowReader();
  const records = [...csv.push(encoder.encode(text)), ...csv.end()];
  const rows = records.flatMap((record) => reader.read(record) ?? []);
  reader.finish(records.at(-1)?.line ?? 0);
  return rows;
}

export const sandboxSubject: ConformanceSubject = {
  provider: PROVIDER_NAME,
  async startStandIn() {
    const sandbox = await startSandboxProvider({ port: 0, plugins: false });
    const states = new Map<string, string>();
    const proxy = await startFaultProxy({
      upstream: sandbox.url,
      isCreate: (request) => request.method === 'POST' && request.path === SANDBOX_PATHS.payouts,
      answerFor: sandboxAnswer,
      rewrite: (_request, _status, body) => overlay(states, body),
    });
    return {
      baseUrl: proxy.url,
      controls: {
        inject: (fault) => proxy.inject(fault),
        clearFaults: () => proxy.clearFaults(),
        countFor: (payoutId) => sandbox.listPayouts({ payoutId }).length,
        setState: async (providerReference, providerState) => void states.set(providerReference, providerState),
        requests: () => proxy.requests(),
      },
      async close() {
        await proxy.close();
        await sandbox.stop();
      },
    };
  },
  adapter: (standIn, { sleep, timeoutMs }) =>
    new SandboxProvider({ baseUrl: standIn.baseUrl, sleep, submitTimeoutMs: timeoutMs, statusTimeoutMs: timeoutMs }),
  // The sandbox has no SDK: its own read client (local/sandbox/client.ts, the drills' client) is the other reader.
  async sdkRoundTrip(standIn) {
    const adapter = new SandboxProvider({ baseUrl: standIn.baseUrl });
    const payoutId = `po_conf_sdk_${Date.now()}`;
    const submitted = await adapter.submit({
      payoutId,
      amountMinor: 500,
      currency: 'EUR',
      destination: { country: 'DE', method: 'sepa', fields: { iban: 'DE89370400440532013000' } },
      recipient: { name: 'Round Trip' },
    });
    if (submitted.kind !== 'accepted') throw new Error(`sandbox refused the round trip: ${JSON.stringify(submitted)}`);
    const held = await sandboxPayoutsFor(standIn.baseUrl, payoutId);
    if (held.length !== 1 || held[0]!.id !== submitted.providerReference || held[0]!.amount !== 500)
      throw new Error(`the sandbox client read back ${JSON.stringify(held)}`);
  },
  states: SANDBOX_PAYOUT_STATES,
  mapState: mapSandboxState,
  webhooks: {
    vectors: VECTORS,
    sign(rawBody, secret, timestampSeconds) {
      const id = `msg_conformance_${timestampSeconds}`;
      return {
        headers: {
          [STANDARD_WEBHOOKS_HEADERS.id]: id,
          [STANDARD_WEBHOOKS_HEADERS.timestamp]: String(timestampSeconds),
          [STANDARD_WEBHOOKS_HEADERS.signature]: signStandardWebhook(secret, id, timestampSeconds, rawBody),
        },
        rawBody,
      };
    },
    verify: (delivery, secrets, nowSeconds) =>
      verifyStandardWebhook({ headers: delivery.headers, rawBody: delivery.rawBody, secrets, nowSeconds }),
    toleranceSeconds: SIGNATURE_TOLERANCE_SECONDS,
    inState: (providerState, payout) => webhookInState('sandbox', providerState, payout),
  },
  report: {
    render: (rows) => REPORT_HEADER + rows.map(({ line: _line, ...row }) => reportLine(row)).join(''),
    parse: async (text) => parseReport(text),
  },
  paging: {
    async listAll(standIn, pageSize) {
      const references: string[] = [];
      for await (const payout of new SandboxProvider({ baseUrl: standIn.baseUrl }).listAll(pageSize))
        references.push(payout.id);
      return references;
    },
  },
};
