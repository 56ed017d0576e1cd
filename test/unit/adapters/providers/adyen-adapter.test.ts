// The Adyen adapter's pure parts, as tables: Adyen's error answers → what we do next (in precedence order),
// our destination fields → counterparty.bankAccount, Adyen's reasons → our failure codes, and the pager's
// refusal to send our API key to a link outside our base URL.
import { describe, expect, it } from 'vitest';
import { classifyAdyenFailure } from '../../../../functions/adapters/providers/adyen-http';
import { AdyenProvider } from '../../../../functions/adapters/providers/adyen-provider';
import { bankAccountOf, parseTransfer } from '../../../../functions/adapters/providers/adyen-transfer';
import { failureCodeOfAdyenReason } from '../../../../functions/domain/adyen-reasons';
import { failureSourceOfCode } from '../../../../functions/domain/failure-source';
import type { ProviderSubmission } from '../../../../functions/domain/provider-port';

const counterparty = [{ name: 'counterparty.bankAccount.accountIdentification.iban', value: 'NL00', message: 'x' }];

describe('classifyAdyenFailure', () => {
  it.each([
    ['429 is transient', 'submit', 429, {}, 'ProviderUnavailableError', true],
    ['500 is transient', 'submit', 500, { errorCode: '00_500' }, 'ProviderUnavailableError', true],
    ['503 on a read is transient', 'status', 503, {}, 'ProviderUnavailableError', true],
    [
      '422 704 (same key in progress) is transient',
      'submit',
      422,
      { errorCode: '704' },
      'ProviderUnavailableError',
      true,
    ],
    ['401 is our credentials', 'submit', 401, { errorType: 'security' }, 'ProviderAuthenticationError', false],
    ['403 is our roles', 'status', 403, { errorCode: '00_403' }, 'ProviderAuthenticationError', false],
    [
      '422 naming the counterparty is a rejection',
      'submit',
      422,
      { errorCode: '30_112', invalidFields: counterparty },
      'ProviderRejectedError',
      false,
    ],
    [
      '422 naming nothing of ours is a rejection',
      'submit',
      422,
      { errorCode: '30_031' },
      'ProviderRejectedError',
      false,
    ],
    ['404 on submit is not what we think we talk to', 'submit', 404, {}, 'ProviderProtocolError', true],
    ['422 on a read is a protocol error', 'status', 422, { errorCode: '00_422' }, 'ProviderProtocolError', true],
  ] as const)('%s', (_name, operation, status, body, name, retryable) => {
    const failure = classifyAdyenFailure(operation, status, body, null);
    expect(failure).not.toBe('not_found');
    expect(failure).toMatchObject({ name, retryable, provider: 'adyen', httpStatus: status });
  });

  it('404 on a read is an answer: not found', () =>
    expect(classifyAdyenFailure('status', 404, {}, null)).toBe('not_found'));

  it('attributes rejections: counterparty fields to the recipient, the rest to Adyen', () => {
    const recipient = classifyAdyenFailure('submit', 422, { errorCode: '30_112', invalidFields: counterparty }, null);
    const provider = classifyAdyenFailure('submit', 422, { errorCode: '30_031' }, null);
    expect(recipient).toMatchObject({ reasonCode: 'invalid_account_number' });
    expect(provider).toMatchObject({ reasonCode: 'adyen_30_031' });
    expect(failureSourceOfCode('invalid_account_number')).toBe('recipient');
    expect(failureSourceOfCode('adyen_30_031')).toBe('provider');
  });

  it('keeps a short Retry-After for the retry rules', () =>
    expect(classifyAdyenFailure('submit', 429, {}, '1')).toMatchObject({ retryAfterSeconds: 1 }));
});

const submission = (fields: Record<string, string>): ProviderSubmission => ({
  payoutId: 'po_01HZZZZZZZZZZZZZZZZZZZZZZZ',
  amountMinor: 100,
  currency: 'EUR',
  destination: { country: 'NL', method: 'sepa', fields },
  recipient: { name: 'A. Klaassen', email: 'a@example.com' },
});

describe('bankAccountOf', () => {
  const holder = { fullName: 'A. Klaassen', email: 'a@example.com' };
  it.each([
    ['an IBAN, spaces removed', { iban: 'NL91 ABNA 0417 1643 00' }, { type: 'iban', iban: 'NL91ABNA0417164300' }],
    [
      'US account and routing',
      { account_number: '123456789', routing_number: '011000138' },
      { type: 'usLocal', accountNumber: '123456789', routingNumber: '011000138' },
    ],
    [
      'UK sort code, dashes removed',
      { account_number: '12345678', sort_code: '12-34-56' },
      { type: 'ukLocal', accountNumber: '12345678', sortCode: '123456' },
    ],
    [
      'an IBAN before local details',
      { iban: 'GB33BUKB20201555555555', account_number: '55555555', sort_code: '202015' },
      { type: 'iban', iban: 'GB33BUKB20201555555555' },
    ],
  ])('%s', (_name, fields, accountIdentification) =>
    expect(bankAccountOf(submission(fields))).toEqual({
      kind: 'bank_account',
      bankAccount: { accountHolder: holder, accountIdentification },
    }),
  );

  it.each([[{ ifsc: 'HDFC0000001', account_number: '1234' }], [{ account_number: '1234' }], [{}]])(
    '%j is not a destination Adyen bank payouts take',
    (fields) => expect(bankAccountOf(submission(fields))).toMatchObject({ kind: 'unsupported' }),
  );

  it('an unsupported destination is a rejection with its reason, and nothing is sent', async () => {
    const calls: string[] = [];
    const provider = new AdyenProvider({
      baseUrl: 'http://127.0.0.1:9',
      apiKey: 'k',
      balanceAccountId: 'BA1',
      fetch: async (url) => {
        calls.push(String(url));
        throw new Error('no network in this test');
      },
    });
    const result = await provider.submit(submission({ ifsc: 'HDFC0000001', account_number: '1234' }));
    expect(result).toMatchObject({ kind: 'rejected', reasonCode: 'unsupported_destination' });
    expect(calls).toEqual([]);
  });
});

describe('parseTransfer', () => {
  const transfer = { id: 'T1', status: 'booked', category: 'bank', amount: { currency: 'EUR', value: 100 } };
  it('keeps an unknown status as it came', () =>
    expect(parseTransfer({ ...transfer, status: 'somethingNew' }).status).toBe('somethingNew'));
  it.each([
    ['no id', { ...transfer, id: undefined }],
    ['no status', { ...transfer, status: 7 }],
    ['a fractional amount', { ...transfer, amount: { currency: 'EUR', value: 1.5 } }],
    ['a negative amount', { ...transfer, amount: { currency: 'EUR', value: -1 } }],
    ['a lower-case currency', { ...transfer, amount: { currency: 'eur', value: 1 } }],
    ['nothing', undefined],
  ])('%s is a protocol error (it may hide a success)', (_name, value) =>
    expect(() => parseTransfer(value)).toThrow(expect.objectContaining({ name: 'ProviderProtocolError' })),
  );
});

describe('failureCodeOfAdyenReason', () => {
  it.each([
    ['counterpartyAccountClosed', 'account_closed', 'recipient'],
    ['counterpartyAccountNotFound', 'no_account', 'recipient'],
    ['invalidAccount', 'invalid_account_number', 'recipient'],
    ['refusedByCounterpartyBank', 'declined', 'provider'],
    ['notEnoughBalance', 'insufficient_funds', 'platform'],
    ['declinedByTransactionRule', 'declined', 'provider'],
    ['fraud', 'compliance_review_failed', 'compliance'],
    ['somethingNew', 'adyen_somethingNew', 'provider'],
  ])('%s → %s (%s)', (reason, code, source) => {
    expect(failureCodeOfAdyenReason(reason)).toBe(code);
    expect(failureSourceOfCode(code)).toBe(source);
  });
  it.each([undefined, '', 'approved', 'pending', 'unknown'])('%j is not a failure', (reason) =>
    expect(failureCodeOfAdyenReason(reason)).toBeUndefined(),
  );
});

describe('the pager', () => {
  it('never follows a next link outside our base URL (it would carry our API key)', async () => {
    const seen: string[] = [];
    const provider = new AdyenProvider({
      baseUrl: 'http://127.0.0.1:1/btl/v4',
      apiKey: 'secret-key',
      balanceAccountId: 'BA1',
      sleep: async () => undefined,
      fetch: async (url) => {
        seen.push(String(url));
        const body = { data: [], _links: { next: { href: 'https://evil.example/btl/v4/transfers?cursor=x' } } };
        return new Response(JSON.stringify(body), { status: 200 });
      },
    });
    const pages = async () => {
      for await (const page of provider.pager.pages({ limit: 10 })) void page;
    };
    await expect(pages()).rejects.toMatchObject({ name: 'ProviderProtocolError' });
    expect(seen.every((url) => url.startsWith('http://127.0.0.1:1/btl/v4/transfers?'))).toBe(true);
  });
});
