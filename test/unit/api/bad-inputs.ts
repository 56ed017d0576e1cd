// Every bad input POST /payouts must refuse, with the status and code it must get. Shared by the unit table
// (parse only) and the integration table (through the handler, asserting zero writes).
export const VALID_BODY = {
  amount: 12_500,
  currency: 'EUR',
  destination: { country: 'DE', method: 'sepa', iban: 'DE89370400440532013000' },
  recipient: { name: 'Ada Lovelace', email: 'ada@example.com' },
  description: 'June royalties',
  metadata: { invoice: 'INV-42' },
};

export interface BadInput {
  name: string;
  /** Body as sent (a string is sent verbatim). */
  body?: unknown;
  /** Raw bytes, handed over base64-encoded as API Gateway does with a body that is not text. */
  bytes?: Uint8Array;
  headers?: Record<string, string | undefined>;
  status: number;
  code: string;
  param?: string;
  /** invalid_text: the text rule broken (domain/text.ts). */
  reason?: string;
  /** Every name the error lists (unknown fields, duplicate keys). */
  fields?: string[];
}

const withBody = (patch: Record<string, unknown>) => ({ ...VALID_BODY, ...patch });

export const BAD_INPUTS: BadInput[] = [
  { name: 'float amount', body: withBody({ amount: 10.5 }), status: 400, code: 'amount_not_integer', param: 'amount' },
  {
    name: 'string amount',
    body: withBody({ amount: '100' }),
    status: 400,
    code: 'amount_not_integer',
    param: 'amount',
  },
  { name: 'zero amount', body: withBody({ amount: 0 }), status: 400, code: 'amount_not_positive', param: 'amount' },
  {
    name: 'negative amount',
    body: withBody({ amount: -5 }),
    status: 400,
    code: 'amount_not_positive',
    param: 'amount',
  },
  {
    name: 'amount above the configured maximum',
    body: withBody({ amount: 100_000_001 }),
    status: 400,
    code: 'amount_above_maximum',
    param: 'amount',
  },
  {
    name: 'amount beyond 2^53',
    body: `{"amount": 9007199254740993, "currency": "EUR"}`,
    status: 400,
    code: 'amount_above_maximum',
    param: 'amount',
  },
  {
    name: 'unknown currency',
    body: withBody({ currency: 'XYZ' }),
    status: 400,
    code: 'currency_unsupported',
    param: 'currency',
  },
  {
    name: 'lowercase currency',
    body: withBody({ currency: 'eur' }),
    status: 400,
    code: 'currency_unsupported',
    param: 'currency',
  },
  {
    name: 'missing Idempotency-Key',
    body: VALID_BODY,
    headers: { 'idempotency-key': undefined },
    status: 400,
    code: 'idempotency_key_missing',
  },
  {
    name: 'oversized Idempotency-Key',
    body: VALID_BODY,
    headers: { 'idempotency-key': 'k'.repeat(256) },
    status: 400,
    code: 'idempotency_key_invalid',
  },
  {
    name: 'non-printable Idempotency-Key',
    body: VALID_BODY,
    headers: { 'idempotency-key': 'key\u0007bell' },
    status: 400,
    code: 'idempotency_key_invalid',
  },
  { name: 'unknown field', body: withBody({ colour: 'red' }), status: 400, code: 'field_unknown', param: 'colour' },
  {
    name: 'unknown nested field',
    body: withBody({ recipient: { name: 'A', nickname: 'B' } }),
    status: 400,
    code: 'field_unknown',
    param: 'recipient.nickname',
  },
  {
    name: 'server-owned status',
    body: withBody({ status: 'paid' }),
    status: 400,
    code: 'field_server_owned',
    param: 'status',
  },
  {
    name: 'server-owned tenant',
    body: withBody({ tenant: 'globex' }),
    status: 400,
    code: 'field_server_owned',
    param: 'tenant',
  },
  { name: 'server-owned fee', body: withBody({ fee: 0 }), status: 400, code: 'field_server_owned', param: 'fee' },
  {
    name: 'server-owned provider_reference',
    body: withBody({ provider_reference: 'x' }),
    status: 400,
    code: 'field_server_owned',
    param: 'provider_reference',
  },
  {
    name: '__proto__ key',
    body: `{"amount":100,"currency":"EUR","__proto__":{"admin":true}}`,
    status: 400,
    code: 'forbidden_key',
    param: '__proto__',
  },
  {
    name: 'nested constructor key',
    body: `{"amount":100,"metadata":{"constructor":"x"}}`,
    status: 400,
    code: 'forbidden_key',
    param: 'metadata.constructor',
  },
  { name: 'oversized body', body: withBody({ description: 'x'.repeat(20_000) }), status: 413, code: 'body_too_large' },
  { name: 'invalid JSON', body: '{"amount": 100,', status: 400, code: 'body_not_json' },
  { name: 'JSON array', body: '[1,2]', status: 400, code: 'body_not_object' },
  {
    name: 'wrong content type',
    body: VALID_BODY,
    headers: { 'content-type': 'text/plain' },
    status: 415,
    code: 'content_type_unsupported',
  },
  {
    name: 'metadata too many keys',
    body: withBody({ metadata: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])) }),
    status: 400,
    code: 'metadata_too_many_keys',
    param: 'metadata',
  },
  {
    name: 'metadata value not a string',
    body: withBody({ metadata: { n: 1 } }),
    status: 400,
    code: 'metadata_value_invalid',
    param: 'metadata.n',
  },
  {
    name: 'bad IBAN checksum',
    body: withBody({ destination: { country: 'DE', method: 'sepa', iban: 'DE88370400440532013000' } }),
    status: 422,
    code: 'iban_invalid',
    param: 'destination.iban',
  },
  {
    name: 'bad routing number',
    body: withBody({
      currency: 'USD',
      destination: { country: 'US', method: 'ach', account_number: '000123456789', routing_number: '011000016' },
    }),
    status: 422,
    code: 'routing_number_invalid',
    param: 'destination.routing_number',
  },
  {
    name: 'bad GB sort code',
    body: withBody({
      currency: 'GBP',
      destination: { country: 'GB', method: 'faster_payments', sort_code: '60-16-13', account_number: '31926819' },
    }),
    status: 422,
    code: 'sort_code_invalid',
    param: 'destination.sort_code',
  },
  {
    name: 'missing corridor field',
    body: withBody({ currency: 'USD', destination: { country: 'US', method: 'ach', account_number: '000123456789' } }),
    status: 422,
    code: 'destination_field_missing',
    param: 'destination.routing_number',
  },
  {
    name: 'corridor not listed',
    body: withBody({ currency: 'USD', destination: { country: 'DE', method: 'sepa', iban: 'DE89370400440532013000' } }),
    status: 422,
    code: 'corridor_not_enabled',
    param: 'destination',
  },
  {
    name: 'corridor unsupported',
    body: withBody({ currency: 'JPY', destination: { country: 'JP', method: 'zengin', account_number: '1234567' } }),
    status: 422,
    code: 'corridor_not_enabled',
    param: 'destination',
  },
  {
    name: 'missing recipient',
    body: { amount: 100, currency: 'EUR', destination: VALID_BODY.destination },
    status: 400,
    code: 'field_missing',
    param: 'recipient',
  },
  {
    name: 'both recipient and recipient_id',
    body: withBody({ recipient_id: `rcp_${'0'.repeat(32)}` }),
    status: 400,
    code: 'recipient_conflict',
    param: 'recipient_id',
  },
  {
    name: 'recipient_id not a string',
    body: { amount: 100, currency: 'EUR', destination: VALID_BODY.destination, recipient_id: 7 },
    status: 400,
    code: 'recipient_id_invalid',
    param: 'recipient_id',
  },
  {
    name: 'recipient_id longer than any id',
    body: { amount: 100, currency: 'EUR', destination: VALID_BODY.destination, recipient_id: 'r'.repeat(65) },
    status: 400,
    code: 'recipient_id_invalid',
    param: 'recipient_id',
  },
  // Strict input. Duplicate keys (one reader's payment is not another's).
  {
    name: 'duplicate amount key',
    body: validWith('"amount":1000,"amount":99999999,'),
    status: 400,
    code: 'duplicate_json_key',
    param: 'amount',
  },
  {
    name: 'duplicate key spelt with an escape',
    body: validWith('"amount":1000,"\\u0061mount":99999999,'),
    status: 400,
    code: 'duplicate_json_key',
    param: 'amount',
  },
  {
    name: 'duplicate nested key',
    body: JSON.stringify(VALID_BODY).replace('"name":"Ada Lovelace"', '"name":"Ada Lovelace","name":"Mallory"'),
    status: 400,
    code: 'duplicate_json_key',
    param: 'recipient.name',
  },
  {
    name: 'duplicate key in metadata',
    body: JSON.stringify(VALID_BODY).replace('"invoice":"INV-42"', '"invoice":"INV-42","invoice":"INV-43"'),
    status: 400,
    code: 'duplicate_json_key',
    param: 'metadata.invoice',
  },
  // Bytes that are not UTF-8 are refused, never rewritten to U+FFFD.
  {
    name: 'invalid UTF-8 in the name',
    bytes: utf8With('Ada Lovelace', [0xc3, 0x28]),
    status: 400,
    code: 'body_not_utf8',
  },
  {
    name: 'truncated UTF-8 sequence',
    bytes: utf8With('Ada Lovelace', [0xe2, 0x82]),
    status: 400,
    code: 'body_not_utf8',
  },
  {
    name: 'UTF-8 byte order mark',
    bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(VALID_BODY))]),
    status: 400,
    code: 'body_not_json',
  },
  {
    name: 'body nested too deep',
    body: withBody({ metadata: { a: { b: { c: { d: { e: { f: { g: { h: 'x' } } } } } } } } }),
    status: 400,
    code: 'body_too_deep',
  },
  // Text fields: no control, bidi or lone-surrogate characters; a name shows something.
  {
    name: 'NUL in the name',
    body: withRecipientName('Ada\u0000Lovelace'),
    status: 400,
    code: 'invalid_text',
    param: 'recipient.name',
    reason: 'control_character',
  },
  {
    name: 'bell in the description',
    body: withBody({ description: 'June\u0007royalties' }),
    status: 400,
    code: 'invalid_text',
    param: 'description',
    reason: 'control_character',
  },
  {
    name: 'C1 control in a metadata value',
    body: withBody({ metadata: { invoice: 'INV\u008542' } }),
    status: 400,
    code: 'invalid_text',
    param: 'metadata.invoice',
    reason: 'control_character',
  },
  {
    name: 'newline in the name',
    body: withRecipientName('Ada\nLovelace'),
    status: 400,
    code: 'invalid_text',
    param: 'recipient.name',
    reason: 'control_character',
  },
  {
    name: 'right-to-left override in the name',
    body: withRecipientName('Ada \u202Eecalevol'),
    status: 400,
    code: 'invalid_text',
    param: 'recipient.name',
    reason: 'bidi_control',
  },
  {
    name: 'bidi isolate in the description',
    body: withBody({ description: 'pay \u2066INV-42\u2069' }),
    status: 400,
    code: 'invalid_text',
    param: 'description',
    reason: 'bidi_control',
  },
  {
    name: 'right-to-left mark in a metadata value',
    body: withBody({ metadata: { invoice: 'INV-\u200F42' } }),
    status: 400,
    code: 'invalid_text',
    param: 'metadata.invoice',
    reason: 'bidi_control',
  },
  {
    name: 'lone surrogate in the name',
    body: withRecipientNameJson('"Ada \\ud800 Lovelace"'),
    status: 400,
    code: 'invalid_text',
    param: 'recipient.name',
    reason: 'lone_surrogate',
  },
  {
    name: 'U+FFFD in the description',
    body: withBody({ description: 'June royalties \uFFFD' }),
    status: 400,
    code: 'invalid_text',
    param: 'description',
    reason: 'replacement_character',
  },
  {
    name: 'name of zero-width spaces only',
    body: withRecipientName('\u200B\u200B\u200B'),
    status: 400,
    code: 'invalid_text',
    param: 'recipient.name',
    reason: 'no_visible_character',
  },
  {
    name: 'name of Hangul fillers only',
    body: withRecipientName('\u3164\u3164'),
    status: 400,
    code: 'invalid_text',
    param: 'recipient.name',
    reason: 'no_visible_character',
  },
  {
    name: 'name of blank braille only',
    body: withRecipientName('\u2800'),
    status: 400,
    code: 'invalid_text',
    param: 'recipient.name',
    reason: 'no_visible_character',
  },
  // Strict schemas: every unknown field named, nested ones too.
  {
    name: 'several unknown fields, all named',
    body: withBody({ colour: 'red', destination: { ...VALID_BODY.destination, bic: 'X' }, amout: 1 }),
    status: 400,
    code: 'field_unknown',
    param: 'colour',
    fields: ['colour', 'amout', 'destination.bic'],
  },
  {
    name: 'unknown field beside a wrong one',
    body: withBody({ amount: 'ten', nickname: 'B' }),
    status: 400,
    code: 'field_unknown',
    param: 'nickname',
  },
];

/** VALID_BODY as JSON with `members` spliced in first (for keys JSON.stringify cannot repeat). */
function validWith(members: string): string {
  const { amount: _amount, ...rest } = VALID_BODY;
  return `{${members}${JSON.stringify(rest).slice(1)}`;
}

function withRecipientName(name: string) {
  return withBody({ recipient: { ...VALID_BODY.recipient, name } });
}

/** The recipient name as raw JSON text, for escapes JSON.stringify would never write (a lone surrogate). */
function withRecipientNameJson(nameJson: string): string {
  return JSON.stringify(VALID_BODY).replace('"Ada Lovelace"', nameJson);
}

/** VALID_BODY's bytes with `insert` placed after `after`. */
function utf8With(after: string, insert: number[]): Uint8Array {
  const [head, tail] = JSON.stringify(VALID_BODY).split(after) as [string, string];
  return Buffer.concat([Buffer.from(head + after), Buffer.from(insert), Buffer.from(tail)]);
}

/** The event's body fields for an input: raw bytes base64-encoded, anything else as text. */
export function eventBodyOf(input: BadInput): { body: string; isBase64Encoded: boolean } {
  if (input.bytes !== undefined) return { body: Buffer.from(input.bytes).toString('base64'), isBase64Encoded: true };
  return { body: bodyString(input.body), isBase64Encoded: false };
}

export const DEFAULT_HEADERS: Record<string, string> = {
  'content-type': 'application/json',
  'idempotency-key': 'bad-input-key',
};

export function bodyString(body: unknown): string {
  return typeof body === 'string' ? body : JSON.stringify(body);
}

export function headersFor(input: BadInput): Record<string, string> {
  const headers: Record<string, string> = { ...DEFAULT_HEADERS };
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
  return headers;
}
