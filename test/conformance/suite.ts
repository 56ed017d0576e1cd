import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, type TestContext } from 'vitest';
import { failureSourceOfCode } from '../../functions/domain/failure-source';
import { decide, PAYOUT_EVENTS } from '../../functions/domain/lifecycle';
import { ProviderError } from '../../functions/domain/provider-errors';
import { mapWebhookEvent } from '../../functions/domain/provider-events';
import { isWebhookProvider } from '../../functions/domain/webhook-signatures';
import type { ProviderPort, ProviderSubmission, SubmitResult } from '../../functions/domain/provider-port';
import { RECONCILIATION_CATEGORIES } from '../../functions/domain/reconciliation/categories';
import type { ReportRow } from '../../functions/domain/reconciliation/report';
import { BATCH_COLUMN_CATEGORIES, classifyDay, REPORT_CASE_ROWS, REPORT_CASES } from './report-cases';
import type { ConformanceSubject, SignedWebhook, StandIn, StandInControls } from './subject';

/**
 * The provider conformance suite (issue 14): the same eight checks for every provider, the sandbox
 * included, run against the provider's local stand-in (or its live sandbox, where the fault checks skip).
 * It never names a provider: everything provider-specific comes through the ConformanceSubject.
 *
 *   1 submit is idempotent on our payout id
 *   2 a timeout after the provider recorded the payout, then our retry, gives one payout at the provider
 *   3 a 5xx and a 429 are retried, within bounds
 *   4 a terminal rejection fails the payout, with its failure attributed (recipient details or provider)
 *   5 every documented state maps into our lifecycle, in a status read and in its webhook; an unknown state
 *     is `unknown` (status read) or `unknown_state` (webhook: it opens an exception), never guessed
 *   6 webhook test vectors verify; tampered, stale, future and wrong-secret deliveries are refused
 *   7 the report renders and parses into the engine's rows, and every reconciliation category is producible
 *   8 pagination and rate limits are honoured
 *
 * Fast by construction: retry sleeps are injected (no wall time), `timeoutMs` is small, no DynamoDB.
 */

/** The adapter's timeout in the suite: short, so `record_then_hang` costs a fraction of a second. */
export const CONFORMANCE_TIMEOUT_MS = 1_000;
/** More in-process retries than this for one call is not "within bounds": the queue is the outer loop. */
export const RETRIES_PER_CALL_MAX = 4;
/** No single retry pause longer than this inside a Lambda (provider-retry.ts caps its own at 2 s). */
export const RETRY_PAUSE_MS_MAX = 2_000;
/** Payouts check 8 creates, and the page size it lists them with: more than two pages. */
const PAGED_PAYOUT_COUNT = 5;
const PAGE_SIZE = 2;
/** A state no provider documents: the one a provider that added a state would send. */
const UNKNOWN_STATE = 'conformance_unknown_state';
const LIVE_SKIP = 'needs the stand-in controls: a live sandbox cannot be made to fail on cue';

/** The suite's default submission: a USD ACH payout to a US bank account (a subject may give its own). */
export function defaultSubmission(payoutId: string): ProviderSubmission {
  return {
    payoutId,
    amountMinor: 1_234,
    currency: 'USD',
    destination: {
      country: 'US',
      method: 'ach',
      fields: { routing_number: '110000000', account_number: '000123456789' },
    },
    recipient: { name: 'Conformance Recipient', email: 'recipient@example.com' },
    description: 'conformance suite payout',
    metadata: { suite: 'conformance' },
  };
}

export function describeConformance(subject: ConformanceSubject): void {
  describe(`provider conformance: ${subject.provider}`, () => {
    let standIn: StandIn;
    let adapter: ProviderPort;
    const pauses: number[] = [];
    const sleep = async (ms: number): Promise<void> => void pauses.push(ms);
    const newPayoutId = (): string => `po_conf_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
    const submissionFor = (payoutId: string): ProviderSubmission =>
      subject.submission?.(payoutId) ?? defaultSubmission(payoutId);
    const controlsOf = (context: TestContext): StandInControls => {
      if (standIn.controls === undefined) context.skip(LIVE_SKIP);
      return standIn.controls!;
    };
    const accepted = async (payoutId: string): Promise<Extract<SubmitResult, { kind: 'accepted' }>> => {
      const result = await adapter.submit(submissionFor(payoutId));
      if (result.kind !== 'accepted') throw new Error(`expected accepted, got ${JSON.stringify(result)}`);
      return result;
    };

    beforeAll(async () => {
      standIn = await subject.startStandIn();
      adapter = subject.adapter(standIn, { sleep, timeoutMs: CONFORMANCE_TIMEOUT_MS });
      expect(adapter.provider).toBe(subject.provider);
    });
    afterAll(async () => {
      await standIn?.close();
    });
    beforeEach(() => {
      pauses.length = 0;
    });

    it('0. the official SDK (or the provider client) reads and writes the stand-in', async () => {
      await subject.sdkRoundTrip(standIn);
    });

    describe('1. submit is idempotent on our payout id', () => {
      it('a repeat answers the payout the provider holds; a new payout id is a new payout', async (context) => {
        const payoutId = newPayoutId();
        const first = await accepted(payoutId);
        const again = await accepted(payoutId);
        expect(again.providerReference).toBe(first.providerReference);
        expect(again.state).toEqual(first.state);
        const other = await accepted(newPayoutId());
        expect(other.providerReference).not.toBe(first.providerReference);
        expect(controlsOf(context).countFor(payoutId)).toBe(1);
      });

      it('the status read finds the payout by our payout id and its reference', async () => {
        const payoutId = newPayoutId();
        const submitted = await accepted(payoutId);
        const status = await adapter.getStatus({ payoutId, providerReference: submitted.providerReference });
        expect(status).toMatchObject({ kind: 'found', providerReference: submitted.providerReference });
        if (status.kind === 'found') expect(status.countAtProvider).toBe(1);
      });
    });

    describe('2. record, then hang past our timeout, then our retry', () => {
      it('gives exactly one payout at the provider', async (context) => {
        const controls = controlsOf(context);
        const payoutId = newPayoutId();
        controls.inject({ kind: 'record_then_hang' });
        const first = await adapter.submit(submissionFor(payoutId)).then(
          (result) => ({ ok: true as const, result }),
          (error: unknown) => ({ ok: false as const, error }),
        );
        // Either the adapter gave up (a retryable error: the queue redelivers) or it asked again in-process.
        if (first.ok) expect(first.result.kind).toBe('accepted');
        else {
          expect(first.error).toBeInstanceOf(ProviderError);
          expect((first.error as ProviderError).retryable).toBe(true);
        }
        expect(controls.countFor(payoutId)).toBe(1);
        const retry = await accepted(payoutId);
        if (first.ok && first.result.kind === 'accepted')
          expect(retry.providerReference).toBe(first.result.providerReference);
        expect(controls.countFor(payoutId)).toBe(1);
        const status = await adapter.getStatus({ payoutId, providerReference: retry.providerReference });
        expect(status).toMatchObject({ kind: 'found', providerReference: retry.providerReference });
      });
    });

    describe('3. a 5xx and a 429 are retried within bounds', () => {
      it.for([500, 502, 503, 429] as const)('one %i, then the submission succeeds', async (status, context) => {
        const controls = controlsOf(context);
        const payoutId = newPayoutId();
        controls.inject({ kind: 'http_status', status, count: 1 });
        await accepted(payoutId);
        expect(pauses.length).toBeGreaterThanOrEqual(1);
        expect(controls.countFor(payoutId)).toBe(1);
      });

      it.for([503, 429] as const)('a %i that does not end is given up, bounded and retryable', async (status, ctx) => {
        const controls = controlsOf(ctx);
        const payoutId = newPayoutId();
        controls.inject({ kind: 'http_status', status, count: RETRIES_PER_CALL_MAX + 2 });
        const error = await adapter.submit(submissionFor(payoutId)).then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
        controls.clearFaults();
        expect(error).toBeInstanceOf(ProviderError);
        expect((error as ProviderError).retryable).toBe(true);
        expect(pauses.length).toBeGreaterThanOrEqual(1);
        expect(pauses.length).toBeLessThanOrEqual(RETRIES_PER_CALL_MAX);
        for (const pause of pauses) expect(pause).toBeLessThanOrEqual(RETRY_PAUSE_MS_MAX);
      });

      it('a status read is retried through a 503', async (context) => {
        const controls = controlsOf(context);
        const payoutId = newPayoutId();
        const submitted = await accepted(payoutId);
        controls.inject({ kind: 'http_status', status: 503, count: 1 });
        const status = await adapter.getStatus({ payoutId, providerReference: submitted.providerReference });
        expect(status).toMatchObject({ kind: 'found', providerReference: submitted.providerReference });
        expect(pauses.length).toBeGreaterThanOrEqual(1);
      });
    });

    describe('4. a terminal rejection fails the payout, attributed', () => {
      it.for([
        ['recipient_details', 'recipient'],
        ['provider', 'provider'],
      ] as const)(
        'a rejection for %s is a `rejected` value attributed to the %s',
        async ([attribution, source], ctx) => {
          const controls = controlsOf(ctx);
          const payoutId = newPayoutId();
          controls.inject({ kind: 'reject', attribution });
          const result = await adapter.submit(submissionFor(payoutId));
          expect(result.kind).toBe('rejected');
          if (result.kind !== 'rejected') return;
          expect(result.reasonCode).toMatch(/^[a-z0-9_.-]+$/i);
          expect(failureSourceOfCode(result.reasonCode)).toBe(source);
          // The submitter turns a rejection into submission_rejected: a submitted payout fails.
          expect(decide('submitted', 'submission_rejected')).toEqual({ kind: 'transition', to: 'failed' });
          expect(pauses).toEqual([]);
          expect(controls.countFor(payoutId)).toBe(0);
        },
      );
    });

    describe('5. every provider state maps; an unknown one is never guessed', () => {
      it('every documented state maps to a lifecycle event, paid and failed among them', () => {
        expect(subject.states.length).toBeGreaterThan(0);
        expect(new Set(subject.states).size).toBe(subject.states.length);
        const events = subject.states.map((state) => {
          const mapped = subject.mapState(state);
          expect(mapped, state).toMatchObject({ kind: 'known', providerState: state });
          if (mapped.kind !== 'known') throw new Error(`unmapped ${state}`);
          expect(PAYOUT_EVENTS).toContain(mapped.event);
          return mapped.event;
        });
        expect(events).toContain('provider_paid');
        expect(events).toContain('provider_failed');
      });

      it('an unknown state, or a known one in another case or padded, is `unknown` with its text kept', () => {
        const variants = subject.states.flatMap((state) =>
          [state.toUpperCase(), state.toLowerCase(), ` ${state}`, `${state}_v2`].filter(
            (variant) => !subject.states.includes(variant),
          ),
        );
        for (const text of ['', UNKNOWN_STATE, 'null', ...variants])
          expect(subject.mapState(text), JSON.stringify(text)).toEqual({ kind: 'unknown', providerState: text });
      });

      it('the adapter reads each state from the stand-in, and an unknown one as `unknown`', async (context) => {
        const controls = controlsOf(context);
        const payoutId = newPayoutId();
        const { providerReference } = await accepted(payoutId);
        for (const state of [...subject.states, UNKNOWN_STATE]) {
          await controls.setState(providerReference, state);
          const status = await adapter.getStatus({ payoutId, providerReference });
          expect(status, state).toMatchObject({ kind: 'found', state: subject.mapState(state) });
        }
      });
    });

    describe('5. (webhooks) each state maps in its event as in a status read; an unknown one is never guessed', () => {
      it('every state the provider sends an event for maps to the same event; an unknown one is `unknown_state`', async () => {
        const payoutId = newPayoutId();
        const { providerReference } = await accepted(payoutId);
        const { amountMinor, currency } = submissionFor(payoutId);
        const payout = { payoutId, providerReference, amountMinor, currency };
        const provider = subject.provider;
        if (!isWebhookProvider(provider)) throw new Error(`${provider} has no webhook route`);
        const sent = subject.states.filter((state) => subject.webhooks.inState(state, payout) !== undefined);
        for (const state of sent) {
          const webhook = subject.webhooks.inState(state, payout)!;
          const mapped = mapWebhookEvent(provider, webhook.eventType, webhook.body);
          const known = subject.mapState(state);
          expect(mapped, state).toMatchObject({
            kind: 'transition',
            event: known.kind === 'known' ? known.event : 'unmapped',
            payoutId,
            providerReference,
          });
        }
        const events = sent.map((state) => (subject.mapState(state) as { event?: string }).event);
        expect(events).toContain('provider_paid');
        expect(events).toContain('provider_failed');
        const unknown = subject.webhooks.inState(UNKNOWN_STATE, payout);
        expect(unknown, 'a state the provider adds reaches our webhook route').toBeDefined();
        expect(mapWebhookEvent(provider, unknown!.eventType, unknown!.body)).toMatchObject({
          kind: 'unknown_state',
          providerState: UNKNOWN_STATE,
          payoutId,
          providerReference,
        });
      });
    });

    describe('6. webhook signatures', () => {
      const { webhooks } = subject;
      const body = new TextEncoder().encode('{"conformance":"webhook","amount":1234}');
      const secret = (): string => webhooks.vectors.find((vector) => vector.valid)!.secret;
      const now = 1_796_083_200;

      it('the documented test vectors verify as documented, a valid one among them', () => {
        expect(webhooks.vectors.some((vector) => vector.valid)).toBe(true);
        for (const vector of webhooks.vectors) {
          expect(vector.source.length).toBeGreaterThan(0);
          const result = webhooks.verify(vector.delivery, [vector.secret], vector.nowSeconds);
          expect(result.ok, vector.source).toBe(vector.valid);
        }
      });

      it('our own signature verifies, also with a rotated-out secret listed first', () => {
        const delivery = webhooks.sign(body, secret(), now);
        expect(webhooks.verify(delivery, [secret()], now).ok).toBe(true);
        expect(webhooks.verify(delivery, [otherSecret(secret()), secret()], now).ok).toBe(true);
        expect(webhooks.verify(delivery, [secret()], now + webhooks.toleranceSeconds - 1).ok).toBe(true);
      });

      type Refusal = { alter?: (d: SignedWebhook) => SignedWebhook; secrets?: 'wrong' | 'none'; skew?: 1 | -1 };
      it.each<[string, Refusal]>([
        ['a tampered body', { alter: (d) => ({ ...d, rawBody: tampered(d.rawBody) }) }],
        ['a delivery without its signature headers', { alter: (d) => ({ ...d, headers: {} }) }],
        ['the wrong secret', { secrets: 'wrong' }],
        ['no secret configured', { secrets: 'none' }],
        ['a stale delivery', { skew: 1 }],
        ['a delivery from the future', { skew: -1 }],
      ])('refuses %s', (_name, refusal) => {
        const signed = webhooks.sign(body, secret(), now);
        const delivery = refusal.alter?.(signed) ?? signed;
        const secrets =
          refusal.secrets === 'wrong' ? [otherSecret(secret())] : refusal.secrets === 'none' ? [] : [secret()];
        const nowSeconds = now + (refusal.skew ?? 0) * (webhooks.toleranceSeconds + 1);
        expect(webhooks.verify(delivery, secrets, nowSeconds).ok).toBe(false);
      });
    });

    describe('7. the report parses into the engine, every category producible', () => {
      const parsedRows = async (): Promise<ReportRow[]> => {
        const text = subject.report.render(REPORT_CASE_ROWS.map((row, index) => ({ ...row, line: index + 2 })));
        return collect(subject.report.parse(text));
      };

      it('render then parse gives the rows back, in order', async () => {
        const rows = await parsedRows();
        expect(rows.map(({ line: _line, ...row }) => row)).toEqual(REPORT_CASE_ROWS);
        expect(new Set(rows.map((row) => row.line)).size).toBe(rows.length);
      });

      it('the engine classifies the parsed rows into every reconciliation category', async () => {
        const rows = await parsedRows();
        const payouts = REPORT_CASES.flatMap((c) => (c.payout === undefined ? [] : [c.payout]));
        const classified = classifyDay(payouts, rows);
        const producible = RECONCILIATION_CATEGORIES.filter((c) => !BATCH_COLUMN_CATEGORIES.includes(c));
        expect(new Set(classified.map((row) => row.category))).toEqual(new Set(producible));
        for (const reportCase of REPORT_CASES) {
          const row = classified.find((candidate) =>
            reportCase.payout === undefined
              ? candidate.payout === undefined
              : candidate.payout?.payoutId === reportCase.payout.payoutId,
          );
          expect(row?.category, reportCase.category).toBe(reportCase.category);
        }
      });

      it('a report cut short, or without its header, is refused rather than half read', async () => {
        const text = subject.report.render(REPORT_CASE_ROWS.map((row, index) => ({ ...row, line: index + 2 })));
        const [, ...records] = text.split('\n');
        await expect(collect(subject.report.parse(records.join('\n')))).rejects.toThrow();
        // Cut in the middle of the last record, as a transfer that stopped early leaves it.
        const trimmed = text.replace(/\s+$/, '');
        const lastRecord = trimmed.slice(trimmed.lastIndexOf('\n') + 1);
        const cut = trimmed.slice(0, trimmed.length - Math.ceil(lastRecord.length / 2));
        await expect(collect(subject.report.parse(cut))).rejects.toThrow();
      });
    });

    describe('8. pagination and rate limits', () => {
      it('lists every payout page by page, each once, through a 429', async (context) => {
        const references = new Set<string>();
        for (let i = 0; i < PAGED_PAYOUT_COUNT; i += 1)
          references.add((await accepted(newPayoutId())).providerReference);
        const listed = await subject.paging.listAll(standIn, PAGE_SIZE);
        expect(new Set(listed).size).toBe(listed.length);
        for (const reference of references) expect(listed).toContain(reference);
        const controls = controlsOf(context);
        const before = controls.requests().length;
        controls.inject({ kind: 'http_status', status: 429, count: 1 });
        const again = await subject.paging.listAll(standIn, PAGE_SIZE);
        expect(new Set(again)).toEqual(new Set(listed));
        const reads = controls
          .requests()
          .slice(before)
          .filter((request) => request.method === 'GET');
        // One page per PAGE_SIZE payouts, plus the one the 429 refused.
        expect(reads.length).toBeGreaterThanOrEqual(Math.ceil(listed.length / PAGE_SIZE) + 1);
      });
    });
  });
}

/** The same secret with one character changed within its own alphabet: same format, different key. */
export function otherSecret(secret: string): string {
  const index = Math.floor(secret.length / 2);
  const replacement = secret[index] === 'A' ? 'B' : 'A';
  return `${secret.slice(0, index)}${replacement}${secret.slice(index + 1)}`;
}

function tampered(rawBody: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(rawBody);
  const index = Math.floor(copy.length / 2);
  copy[index] = copy[index]! ^ 0x01;
  return copy;
}

async function collect<T>(rows: AsyncIterable<T> | Promise<readonly T[]>): Promise<T[]> {
  if (Symbol.asyncIterator in rows) {
    const all: T[] = [];
    for await (const row of rows) all.push(row);
    return all;
  }
  return [...(await rows)];
}
