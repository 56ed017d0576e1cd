import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX } from '../../../functions/adapters/exceptions-records';
import { ASSIGNEE_CHARS_MAX, RESOLUTION_NOTE_CHARS_MAX } from '../../../functions/http/exceptions-requests';
import { CREATE_BODY_BYTES_MAX, OPS_BODY_BYTES_MAX, WEBHOOK_BODY_BYTES_MAX } from '../../../functions/http/http-limits';
import { buildOpenApiDocument } from '../../../functions/http/openapi/openapi-document';
import { PAYOUT_ID_CHARS_MAX } from '../../../functions/http/ops-payout-schemas';
import { PAYOUT_ID_PATTERN } from '../../../functions/http/parameter-schemas';
import {
  ACCOUNT_FIELD_CHARS_MAX,
  DESCRIPTION_CHARS_MAX,
  EMAIL_CHARS_MAX,
  IDEMPOTENCY_KEY_CHARS_MAX,
  IDEMPOTENCY_KEY_PATTERN,
  METADATA_KEYS_MAX,
  METADATA_VALUE_CHARS_MAX,
  PAYOUT_LIST_LIMIT_DEFAULT,
  PAYOUT_LIST_LIMIT_MAX,
  PROVIDER_REFERENCE_CHARS_MAX,
  RECIPIENT_NAME_CHARS_MAX,
} from '../../../functions/http/schemas';
import { WEBHOOK_PROVIDERS } from '../../../functions/domain/webhook-signatures';
import { TENANT_ID_PATTERN } from '../../../functions/http/claims';
import {
  DLQ_LIST_LIMIT_DEFAULT,
  DLQ_LIST_LIMIT_MAX,
  EVENT_ID_CHARS_MAX,
  FILTER_TEXT_CHARS_MAX,
  MESSAGE_ID_CHARS_MAX,
  REPLAY_EVENTS_PER_CALL_MAX,
} from '../../../functions/http/redrive-requests';
import { isCalendarDate as isRunDate } from '../../../functions/domain/reconciliation/run-date';
import { EXCEPTION_ID_PATTERN } from '../../../functions/shared/ids';
import { PAYOUT_AMOUNT_MAX_MINOR_DEFAULT } from '../../../functions/shared/names';

// Every limit GET /openapi.json states is the constant the code enforces (imported, not retyped),
// and the date rule the reconciliation handler applies is the one the document states.
const document = buildOpenApiDocument() as any;
const op = (path: string, method = 'get') => document.paths[path][method];
const body = (path: string) => op(path, 'post').requestBody;
const bodySchema = (path: string) => body(path).content['application/json'].schema;
const param = (path: string, name: string, method = 'get') =>
  op(path, method).parameters.find((p: any) => p.name === name).schema;
const create = bodySchema('/payouts');
const LIMITS: Array<[string, unknown, unknown]> = [
  ['POST /payouts amount maximum', create.properties.amount.maximum, PAYOUT_AMOUNT_MAX_MINOR_DEFAULT],
  [
    'POST /payouts Idempotency-Key maxLength',
    param('/payouts', 'Idempotency-Key', 'post').maxLength,
    IDEMPOTENCY_KEY_CHARS_MAX,
  ],
  [
    'POST /payouts Idempotency-Key pattern',
    param('/payouts', 'Idempotency-Key', 'post').pattern,
    IDEMPOTENCY_KEY_PATTERN.source,
  ],
  ['POST /payouts body bytes', body('/payouts')['x-body-bytes-max'], CREATE_BODY_BYTES_MAX],
  ['POST /payouts description maxLength', create.properties.description.maxLength, DESCRIPTION_CHARS_MAX],
  [
    'POST /payouts recipient.name maxLength',
    create.properties.recipient.properties.name.maxLength,
    RECIPIENT_NAME_CHARS_MAX,
  ],
  ['POST /payouts recipient.email maxLength', create.properties.recipient.properties.email.maxLength, EMAIL_CHARS_MAX],
  ['POST /payouts metadata maxProperties', create.properties.metadata.maxProperties, METADATA_KEYS_MAX],
  [
    'POST /payouts metadata value maxLength',
    create.properties.metadata.additionalProperties.maxLength,
    METADATA_VALUE_CHARS_MAX,
  ],
  [
    'POST /payouts destination.iban maxLength',
    create.properties.destination.properties.iban.maxLength,
    ACCOUNT_FIELD_CHARS_MAX,
  ],
  ['GET /payouts limit maximum', param('/payouts', 'limit').maximum, PAYOUT_LIST_LIMIT_MAX],
  ['GET /payouts limit default', param('/payouts', 'limit').default, PAYOUT_LIST_LIMIT_DEFAULT],
  ['GET /payouts idempotency_key maxLength', param('/payouts', 'idempotency_key').maxLength, IDEMPOTENCY_KEY_CHARS_MAX],
  [
    'GET /payouts provider_reference maxLength',
    param('/payouts', 'provider_reference').maxLength,
    PROVIDER_REFERENCE_CHARS_MAX,
  ],
  ['GET /payouts/{payoutId} pattern', param('/payouts/{payoutId}', 'payoutId').pattern, PAYOUT_ID_PATTERN.source],
  [
    'GET /ops/payouts/{payoutId}/events pattern',
    param('/ops/payouts/{payoutId}/events', 'payoutId').pattern,
    PAYOUT_ID_PATTERN.source,
  ],
  ['GET /ops/payouts payout_id maxLength', param('/ops/payouts', 'payout_id').maxLength, PAYOUT_ID_CHARS_MAX],
  [
    'GET /ops/payouts idempotency_key maxLength',
    param('/ops/payouts', 'idempotency_key').maxLength,
    IDEMPOTENCY_KEY_CHARS_MAX,
  ],
  ['GET /ops/payouts tenant_id pattern', param('/ops/payouts', 'tenant_id').pattern, TENANT_ID_PATTERN.source],
  ['GET /ledger/balances tenant_id pattern', param('/ledger/balances', 'tenant_id').pattern, TENANT_ID_PATTERN.source],
  [
    'POST /webhooks/{provider} provider enum',
    param('/webhooks/{provider}', 'provider', 'post').enum,
    [...WEBHOOK_PROVIDERS],
  ],
  ['POST /webhooks/{provider} body bytes', body('/webhooks/{provider}')['x-body-bytes-max'], WEBHOOK_BODY_BYTES_MAX],
  ['GET /exceptions limit maximum', param('/exceptions', 'limit').maximum, LIST_LIMIT_MAX],
  ['GET /exceptions limit default', param('/exceptions', 'limit').default, LIST_LIMIT_DEFAULT],
  [
    'POST /exceptions/{id}/assign exceptionId pattern',
    param('/exceptions/{exceptionId}/assign', 'exceptionId', 'post').pattern,
    EXCEPTION_ID_PATTERN.source,
  ],
  [
    'POST /exceptions/{id}/resolve exceptionId pattern',
    param('/exceptions/{exceptionId}/resolve', 'exceptionId', 'post').pattern,
    EXCEPTION_ID_PATTERN.source,
  ],
  [
    'POST /exceptions/{id}/assign body bytes',
    body('/exceptions/{exceptionId}/assign')['x-body-bytes-max'],
    OPS_BODY_BYTES_MAX,
  ],
  [
    'POST /exceptions/{id}/assign assignee maxLength',
    bodySchema('/exceptions/{exceptionId}/assign').properties.assignee.maxLength,
    ASSIGNEE_CHARS_MAX,
  ],
  [
    'POST /exceptions/{id}/assign note maxLength',
    bodySchema('/exceptions/{exceptionId}/assign').properties.note.maxLength,
    RESOLUTION_NOTE_CHARS_MAX,
  ],
  [
    'POST /exceptions/{id}/resolve note maxLength',
    bodySchema('/exceptions/{exceptionId}/resolve').properties.note.maxLength,
    RESOLUTION_NOTE_CHARS_MAX,
  ],
  ['GET /ops/dlq limit maximum', param('/ops/dlq', 'limit').maximum, DLQ_LIST_LIMIT_MAX],
  ['GET /ops/dlq limit default', param('/ops/dlq', 'limit').default, DLQ_LIST_LIMIT_DEFAULT],
  ['POST /ops/dlq/redrive body bytes', body('/ops/dlq/redrive')['x-body-bytes-max'], OPS_BODY_BYTES_MAX],
  [
    'POST /ops/dlq/redrive message_id maxLength',
    bodySchema('/ops/dlq/redrive').properties.message_id.maxLength,
    MESSAGE_ID_CHARS_MAX,
  ],
  ['POST /ops/replay body bytes', body('/ops/replay')['x-body-bytes-max'], OPS_BODY_BYTES_MAX],
  [
    'POST /ops/replay event_ids maxItems',
    bodySchema('/ops/replay').properties.event_ids.maxItems,
    REPLAY_EVENTS_PER_CALL_MAX,
  ],
  [
    'POST /ops/replay event id maxLength',
    bodySchema('/ops/replay').properties.event_ids.items.maxLength,
    EVENT_ID_CHARS_MAX,
  ],
  [
    'POST /ops/replay provider maxLength',
    bodySchema('/ops/replay').properties.provider.maxLength,
    FILTER_TEXT_CHARS_MAX,
  ],
  // Through the strict body parser since issue 8, with the ops bodies' limit.
  ['POST /reconciliations body bytes', body('/reconciliations')['x-body-bytes-max'], OPS_BODY_BYTES_MAX],
];

describe('documented limits are the enforced constants', () => {
  it.each(LIMITS)('%s', (_name, documented, enforced) => {
    expect(documented).toEqual(enforced);
  });

  it("states the deployment's amount maximum and the configuration that sets it", () => {
    const lowered = buildOpenApiDocument(undefined, { amountMaxMinor: 5_000 }) as any;
    const amount = lowered.paths['/payouts'].post.requestBody.content['application/json'].schema.properties.amount;
    expect(amount.maximum).toBe(5_000);
    expect(amount.description).toContain('PAYOUT_AMOUNT_MAX_MINOR');
    expect(amount.description).toContain('payoutAmountMaxMinor');
    expect(amount.description).toContain(String(PAYOUT_AMOUNT_MAX_MINOR_DEFAULT));
  });

  it('get-openapi serves the maximum of PAYOUT_AMOUNT_MAX_MINOR, the variable create-payout enforces', async () => {
    process.env['PAYOUT_AMOUNT_MAX_MINOR'] = '12345';
    try {
      const { handler } = await import('../../../functions/handlers/get-openapi');
      const answer = await handler(
        { routeKey: 'GET /openapi.json', headers: {}, requestContext: { requestId: 'req-limits' } } as never,
        {} as never,
      );
      const served = JSON.parse(answer.body);
      expect(
        served.paths['/payouts'].post.requestBody.content['application/json'].schema.properties.amount.maximum,
      ).toBe(12_345);
    } finally {
      delete process.env['PAYOUT_AMOUNT_MAX_MINOR'];
    }
  });

  // reconciliations-api is another module's: its rule is tied by behaviour, value by value.
  const ajv = addFormats(new Ajv2020({ strict: false }));
  const runDate = ajv.compile(param('/exports/{date}', 'date'));
  const runDateOrLatest = ajv.compile(param('/reconciliations/{date}', 'date'));
  const DATES = [
    '2026-11-20',
    '2024-02-29',
    '2023-02-29',
    '2026-02-30',
    '2026-13-01',
    '2026-00-10',
    '2026-04-31',
    '2024-02-30',
    '2026-1-01',
    '20261120',
    '2026-11-20T00:00:00Z',
    '0000-01-01',
    '',
    'latest',
  ];
  // isRunDate answers, never throws (it once threw RangeError on 2026-13-01, a 500 on both routes).
  const bodyDate = ajv.compile(bodySchema('/reconciliations').properties.date);
  it.each(DATES)('the date parameter %j is valid exactly when the handler accepts it', (value) => {
    expect(runDate(value)).toBe(isRunDate(value));
    expect(runDateOrLatest(value)).toBe(isRunDate(value) || value === 'latest');
    expect(bodyDate(value)).toBe(isRunDate(value));
  });
});
