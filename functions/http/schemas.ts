import * as z from 'zod';
import { CORRIDOR_STATES, corridorSchema } from '../domain/corridors';
import { ERROR_CATEGORIES } from '../domain/domain-error';
import { LEDGER_ACCOUNTS, type LedgerAccount } from '../domain/ledger';
import { PAYOUT_RECORDS } from '../domain/payout';
import { HOLD_KINDS, HOLD_OWNERS } from '../domain/compliance/contract';
import { REVERSAL_STATUSES } from '../domain/reversal';
import { CORRECTION_TIMELINE_EVENTS } from '../domain/corrections';
import { PAYOUT_EVENTS, PAYOUT_STATUSES, TRANSITION_SOURCES } from '../domain/lifecycle';
import { AMOUNT_MINOR_MAX_SAFE, CURRENCY_EXPONENTS, type CurrencyCode } from '../domain/money';
import { TEXT_REFUSALS, textField } from '../domain/text';
import { ERROR_TYPES } from './api-error';
import { failureSourceSchema, payoutStatusCopySchema, statusCopyFields } from './status-copy-schema';

/**
 * The API's schemas: handlers validate with them and GET /openapi.json is generated from them, so
 * the document cannot drift from what the code accepts. Every limit is a named constant with its
 * unit. Error messages of the request schemas are error *codes*; request-errors.ts maps them.
 * Request schemas are strict at every level (an unknown field is refused by name) and every free
 * text field is a domain/text.ts `textField` (NFC, no control, bidi or lone-surrogate characters).
 */
export const DESCRIPTION_CHARS_MAX = 500;
export const RECIPIENT_NAME_CHARS_MAX = 140;
export const EMAIL_CHARS_MAX = 254;
export const METADATA_KEYS_MAX = 20;
export const METADATA_KEY_CHARS_MAX = 40;
export const METADATA_VALUE_CHARS_MAX = 500;
export const ACCOUNT_FIELD_CHARS_MAX = 64;
export const PAYOUT_LIST_LIMIT_DEFAULT = 20;
export const PAYOUT_LIST_LIMIT_MAX = 100;
/** Fields the server owns: sending them is refused by name (no mass assignment). */
export const SERVER_OWNED_FIELDS = [
  'status',
  'tenant',
  'tenant_id',
  'fee',
  'provider',
  'provider_reference',
  'provider_transaction_id',
  'payout_id',
  'created_at',
  'version',
] as const;

const currencyCodes = Object.keys(CURRENCY_EXPONENTS) as [CurrencyCode, ...CurrencyCode[]];
const accountField = z
  .string({ error: 'destination_field_invalid' })
  .min(1, { error: 'destination_field_invalid' })
  .max(ACCOUNT_FIELD_CHARS_MAX, { error: 'destination_field_invalid' });

export const destinationSchema = z
  .object({
    country: z
      .string({ error: 'destination_country_invalid' })
      .regex(/^[A-Z]{2}$/, { error: 'destination_country_invalid' })
      .describe('ISO 3166-1 alpha-2 country of the recipient bank'),
    method: z
      .string({ error: 'destination_method_invalid' })
      .regex(/^[a-z][a-z_]{1,31}$/, { error: 'destination_method_invalid' })
      .describe('Payout rail, as listed by GET /corridors'),
    iban: accountField.optional().describe('SEPA corridors'),
    account_number: accountField.optional().describe('US and GB corridors'),
    routing_number: accountField.optional().describe('US ABA routing number'),
    sort_code: accountField.optional().describe('GB sort code, six digits'),
    ifsc: accountField.optional().describe('Indian Financial System Code'),
    stripe_account: accountField
      .optional()
      .describe("Stripe Connect corridors: the recipient's connected account (acct_…)"),
    email: accountField.optional().describe("PayPal corridors: the email of the recipient's PayPal account"),
  })
  .strict();

const createBodySchemas = new Map<number, CreatePayoutBodySchema>();

/**
 * The create body; `amountMaxMinor` is the deployment's PAYOUT_AMOUNT_MAX_MINOR. Built once per
 * maximum and kept: building it costs far more than a parse (a batch accept, or the simulation's
 * thousands of calls, rebuilt it on every request), and a zod schema is immutable.
 */
export function createPayoutBodySchema(amountMaxMinor: number): CreatePayoutBodySchema {
  let schema = createBodySchemas.get(amountMaxMinor);
  if (schema === undefined) {
    schema = buildCreatePayoutBodySchema(amountMaxMinor);
    createBodySchemas.set(amountMaxMinor, schema);
  }
  return schema;
}

type CreatePayoutBodySchema = ReturnType<typeof buildCreatePayoutBodySchema>;

function buildCreatePayoutBodySchema(amountMaxMinor: number) {
  return z
    .object({
      amount: z
        .number({ error: 'amount_not_integer' })
        .int({ error: 'amount_not_integer' })
        .positive({ error: 'amount_not_positive' })
        .max(Math.min(amountMaxMinor, AMOUNT_MINOR_MAX_SAFE), { error: 'amount_above_maximum' })
        .describe('Integer count of minor units of `currency` (cents for USD, yen for JPY)'),
      currency: z.enum(currencyCodes, { error: 'currency_unsupported' }).describe('Upper-case ISO 4217 code'),
      destination: destinationSchema,
      recipient: z
        .object({
          name: textField({
            error: 'recipient_name_invalid',
            trim: true,
            charsMin: 1,
            charsMax: RECIPIENT_NAME_CHARS_MAX,
            requireVisible: true,
          }),
          email: z
            .email({ error: 'recipient_email_invalid' })
            .max(EMAIL_CHARS_MAX, { error: 'recipient_email_invalid' })
            .optional(),
        })
        .strict(),
      description: textField({ error: 'description_invalid', charsMax: DESCRIPTION_CHARS_MAX }).optional(),
      metadata: z
        .record(
          z
            .string()
            .regex(new RegExp(`^[A-Za-z0-9_.-]{1,${METADATA_KEY_CHARS_MAX}}$`), { error: 'metadata_key_invalid' }),
          textField({ error: 'metadata_value_invalid', charsMax: METADATA_VALUE_CHARS_MAX }),
          { error: 'metadata_invalid' },
        )
        .refine((map) => Object.keys(map).length <= METADATA_KEYS_MAX, { error: 'metadata_too_many_keys' })
        .meta({ maxProperties: METADATA_KEYS_MAX })
        .optional()
        .describe('Your own string key-value pairs, returned as sent (values NFC-normalised, single-line text)'),
    })
    .strict();
}
export type CreatePayoutBody = z.infer<CreatePayoutBodySchema>;

/** `rcp_` + 32 hex digits (domain/compliance/recipient-record.ts); a longer value is refused as invalid. */
export const RECIPIENT_ID_CHARS_MAX = 64;
const requestBodySchemas = new Map<number, PayoutRequestBodySchema>();
/** Exactly one of them, stated for the document (a zod `extend` drops it: re-apply); create-payout-request.ts enforces it. */
export const PAYOUT_RECIPIENT_ONE_OF = [
  { required: ['recipient'], properties: { recipient_id: false } },
  { required: ['recipient_id'], properties: { recipient: false } },
];

/**
 * POST /payouts: the create body with the recipient named either inline (`recipient`) or by its record
 * (`recipient_id`, issue 15); exactly one of them (PAYOUT_RECIPIENT_ONE_OF). Batches keep the
 * inline-only body (createPayoutBodySchema).
 */
export function payoutRequestBodySchema(amountMaxMinor: number): PayoutRequestBodySchema {
  let schema = requestBodySchemas.get(amountMaxMinor);
  if (schema === undefined) {
    schema = buildPayoutRequestBodySchema(amountMaxMinor);
    requestBodySchemas.set(amountMaxMinor, schema);
  }
  return schema;
}

type PayoutRequestBodySchema = ReturnType<typeof buildPayoutRequestBodySchema>;

function buildPayoutRequestBodySchema(amountMaxMinor: number) {
  const body = createPayoutBodySchema(amountMaxMinor);
  return body
    .extend({
      recipient: body.shape.recipient
        .optional()
        .describe('The recipient inline (a recipient record is made behind it); or send `recipient_id`'),
      recipient_id: z
        .string({ error: 'recipient_id_invalid' })
        .min(1, { error: 'recipient_id_invalid' })
        .max(RECIPIENT_ID_CHARS_MAX, { error: 'recipient_id_invalid' })
        .optional()
        .describe('A recipient of POST /recipients (`rcp_…`), instead of `recipient`'),
    })
    .meta({ oneOf: PAYOUT_RECIPIENT_ONE_OF });
}

export type PayoutRequestBody = z.infer<PayoutRequestBodySchema>;

const iso = z.iso.datetime();

export const payoutViewSchema = z.object({
  payout_id: z.string(),
  idempotency_key: z.string(),
  provider: z.string(),
  provider_reference: z.string().nullable(),
  provider_transaction_id: z
    .string()
    .nullable()
    .describe(
      "The provider's own transaction id where it differs from provider_reference (PayPal's transaction_id, the id its Transaction Detail Report lists); null until the provider reports one",
    ),
  amount: z.number().int(),
  currency: z.enum(currencyCodes),
  fee: z.number().int().nullable(),
  status: z.enum(PAYOUT_STATUSES),
  status_reason: z.string().nullable(),
  status_copy: payoutStatusCopySchema,
  failure_source: failureSourceSchema,
  destination: z.object({
    country: z.string(),
    method: z.string(),
    fields: z.record(z.string(), z.string()).describe('Account fields, all but the last four characters masked'),
  }),
  recipient: z.object({ name: z.string(), email: z.string().optional() }),
  recipient_id: z
    .string()
    .nullable()
    .describe(
      'The recipient record behind the payout (named, or made behind an inline recipient); null before issue 15',
    ),
  description: z.string().nullable(),
  metadata: z.record(z.string(), z.string()),
  created_at: iso,
  last_event_at: iso,
  exception_owner: z.string().nullable(),
  request_ids: z.array(z.string()),
  reconciled_at: iso.nullable(),
  approval: z
    .object({
      status: z.enum(['pending', 'approved', 'rejected', 'expired']),
      threshold: z
        .number()
        .int()
        .nullable()
        .describe(
          "The tenant's threshold the amount met (minor units); null: none set for the currency, so approval is required",
        ),
      expires_at: iso.describe('Still pending then: the sweeper cancels the payout'),
      decided_by: z.string().nullable().describe('Client id of the approver who decided'),
      decided_at: iso.nullable(),
      reason: z.string().nullable().describe('The rejection reason'),
      note: z.string().nullable().describe("The approver's note on an approval"),
    })
    .nullable()
    .describe('null: the payout did not need approval'),
  reversal: z
    .object({
      reversal_id: z.string(),
      status: z
        .enum([...REVERSAL_STATUSES, 'completed'])
        .describe('completed: the provider returned the money and the payout is reversed'),
      reason: z.string(),
      requested_by: z.string().describe('Client id of the requester'),
      requested_at: iso,
      decided_by: z.string().nullable(),
      decided_at: iso.nullable(),
      note: z.string().nullable(),
      rejection_reason: z.string().nullable(),
      sent_at: iso.nullable().describe('When the provider accepted the return'),
      refusal: z
        .object({ code: z.string(), message: z.string() })
        .nullable()
        .describe('The provider would not return it'),
    })
    .nullable()
    .describe('The latest reversal request, if any (earlier ones are in the timeline)'),
  holds: z
    .array(
      z.object({
        hold_id: z.string(),
        kind: z.enum(HOLD_KINDS),
        owner: z.enum(HOLD_OWNERS).describe('Whose role releases it (docs/compliance.md, "Holds")'),
        opened_at: iso,
        requirement: z.string().describe('What releases it, machine-readable (`tax_form:W-8BEN`, `approval`, …)'),
        evidence: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
        released_at: iso.nullable(),
        released_by: z.string().nullable(),
      }),
    )
    .describe('Every gate before funds move; the payout reaches its provider only when none is open'),
});
export type PayoutView = z.infer<typeof payoutViewSchema>;

export const payoutListSchema = z.object({ data: z.array(payoutViewSchema), next_cursor: z.string().nullable() });

/** Provider references are short opaque ids; anything longer is not one. */
export const PROVIDER_REFERENCE_CHARS_MAX = 255;

/** The Idempotency-Key header (and the queries that look a key up): 1 to 255 printable ASCII characters. */
export const IDEMPOTENCY_KEY_CHARS_MAX = 255;
/** Printable ASCII (space to tilde), as Stripe and the IETF Idempotency-Key draft allow. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x20-\x7e]+$/;
/** Provider references are opaque ids: printable ASCII without spaces (the length is PROVIDER_REFERENCE_CHARS_MAX). */
export const PROVIDER_REFERENCE_PATTERN = /^[\x21-\x7e]+$/;

/** An idempotency key as a query value; the length beside the pattern, so the document states it as maxLength. */
export const idempotencyKeyQuery = () =>
  z
    .string({ error: 'idempotency_key_invalid' })
    .max(IDEMPOTENCY_KEY_CHARS_MAX, { error: 'idempotency_key_invalid' })
    .regex(IDEMPOTENCY_KEY_PATTERN, { error: 'idempotency_key_invalid' });

/** A provider reference as a query value (GET /payouts, GET /ops/payouts). */
export const providerReferenceQuery = () =>
  z
    .string({ error: 'provider_reference_invalid' })
    .max(PROVIDER_REFERENCE_CHARS_MAX, { error: 'provider_reference_invalid' })
    .regex(PROVIDER_REFERENCE_PATTERN, { error: 'provider_reference_invalid' });
/** A page size as a client writes it: digits only, no sign, exponent, hex or padding. */
const PAGE_SIZE_PATTERN = /^[1-9][0-9]{0,2}$/;
/** Cursors are base64url of a small key; a longer value is not one of ours. */
export const CURSOR_CHARS_MAX = 1_024;

/** A page size: the digits a client writes, then the number, bounded. */
export function pageSizeQuery(limitMax: number, limitDefault: number, error: string) {
  return z
    .string({ error })
    .regex(PAGE_SIZE_PATTERN, { error })
    .pipe(z.coerce.number<string>({ error }).int({ error }).min(1, { error }).max(limitMax, { error }))
    .default(limitDefault);
}

/**
 * An instant as ISO 8601 UTC (`Z`), normalised to `toISOString()` so it compares as stored. zod runs
 * the overwrite even when the format check failed (checks do not abort), so it must not throw on
 * what is not a date: that value is refused by the format check, untouched.
 */
export const instantQuery = (error: string) =>
  z.iso.datetime({ error }).overwrite((value) => {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? value : new Date(ms).toISOString();
  });

export const listPayoutsQuerySchema = z
  .object({
    status: z.enum(PAYOUT_STATUSES, { error: 'status_invalid' }).optional(),
    idempotency_key: idempotencyKeyQuery().optional(),
    provider_reference: providerReferenceQuery()
      .optional()
      .describe(
        "The provider's reference for a payout (e.g. sbx_po_…): the payout that carries it, if it is the tenant's",
      ),
    created_from: instantQuery('created_from_invalid')
      .optional()
      .describe('Inclusive lower bound on created_at (ISO 8601, UTC)'),
    created_to: instantQuery('created_to_invalid')
      .optional()
      .describe('Inclusive upper bound on created_at (ISO 8601, UTC); not before created_from'),
    limit: pageSizeQuery(PAYOUT_LIST_LIMIT_MAX, PAYOUT_LIST_LIMIT_DEFAULT, 'limit_invalid'),
    cursor: z
      .string({ error: 'cursor_invalid' })
      .min(1, { error: 'cursor_invalid' })
      .max(CURSOR_CHARS_MAX, { error: 'cursor_invalid' })
      .optional(),
  })
  .strict()
  // DynamoDB refuses BETWEEN with a lower bound above the upper one (ValidationException): refused here.
  .superRefine((query, context) => {
    if (query.created_from !== undefined && query.created_to !== undefined && query.created_from > query.created_to) {
      context.addIssue({ code: 'custom', message: 'invalid_range', path: ['created_from'] });
    }
  });

export const timelineEntrySchema = z.object({
  at: iso,
  occurred_at: iso,
  event: z
    .enum(['created', ...PAYOUT_EVENTS, ...PAYOUT_RECORDS, ...CORRECTION_TIMELINE_EVENTS])
    .describe(
      'A lifecycle event, created, a reversal record, or an operator correction applied (status_corrected, ledger_adjusted)',
    ),
  outcome: z
    .enum(['applied', 'stale', 'forbidden', 'recorded', 'contradicted'])
    .describe(
      'recorded: an action that does not move the status (a reversal request and its decisions); ' +
        'contradicted: a provider event that disagrees with an applied status correction, nothing moved',
    ),
  from: z.enum(PAYOUT_STATUSES).nullable(),
  to: z.enum(PAYOUT_STATUSES).nullable(),
  source: z.enum(TRANSITION_SOURCES),
  source_ref: z.string().describe('Request-Id (api, operator) or provider event id (webhook, poller)'),
  status_reason: z.string().nullable(),
  actor: z
    .object({ kind: z.enum(['client', 'operator', 'system', 'provider']), id: z.string() })
    .nullable()
    .describe('Who caused it: the client id of a tenant principal, an operator, a job or the provider'),
  reversal_id: z.string().nullable(),
});
export const timelineSchema = z.object({ payout_id: z.string(), data: z.array(timelineEntrySchema) });

export const lifecycleSchema = z.object({
  statuses: z.array(
    z.object({
      status: z.enum(PAYOUT_STATUSES),
      terminal: z.boolean(),
      awaiting_provider: z.boolean(),
      copy: z
        .array(z.object({ country: z.string(), currency: z.enum(currencyCodes), ...statusCopyFields }))
        .describe('What the status means to a reader, per launch corridor (its thresholds follow its ETA)'),
    }),
  ),
  events: z.array(
    z.object({
      event: z.enum(PAYOUT_EVENTS),
      channels: z.array(z.enum(['api', 'operator', 'submission_response', 'webhook', 'polling', 'schedule'])),
    }),
  ),
  transitions: z.array(
    z.object({
      from: z.enum(PAYOUT_STATUSES),
      to: z.enum(PAYOUT_STATUSES),
      events: z.array(z.enum(PAYOUT_EVENTS)),
      by_webhook: z.boolean(),
      by_polling_only: z.boolean(),
    }),
  ),
});

export const corridorsResponseSchema = z.object({
  data: z.array(corridorSchema),
  states: z.array(z.enum(CORRIDOR_STATES)),
});

export const balancesQuerySchema = z
  .object({ currency: z.enum(currencyCodes, { error: 'currency_unsupported' }) })
  .strict();
export const balancesResponseSchema = z.object({
  currency: z.enum(currencyCodes),
  accounts: z.array(z.object({ tenant_id: z.string(), account: z.enum(LEDGER_ACCOUNTS), balance: z.number().int() })),
  // An object, not a record over an enum: every account is always present and is a declared property.
  totals: z.object(
    Object.fromEntries(LEDGER_ACCOUNTS.map((account) => [account, z.number().int()])) as Record<
      LedgerAccount,
      z.ZodNumber
    >,
  ),
  sum: z.number().int().describe('Always 0: the ledger is double-entry'),
  truncated: z.boolean().describe('More balance items exist than one answer reads'),
  read_at: iso,
});

export const errorBodySchema = z.object({
  error: z.object({
    type: z.enum(ERROR_TYPES),
    code: z.string(),
    category: z.enum(ERROR_CATEGORIES),
    message: z.string(),
    param: z.string().optional(),
    fields: z
      .array(z.string())
      .optional()
      .describe(
        'idempotency_key_reused: the body fields that differ from the first request; ' +
          'field_unknown, parameter_unknown: every unknown name; duplicate_json_key: every repeated key',
      ),
    reason: z.enum(TEXT_REFUSALS).optional().describe('invalid_text: which text rule the field breaks'),
    invalid_item_count: z.number().int().optional().describe('POST /batches, 400: how many items are invalid'),
    items: z
      .array(z.object({ index: z.number().int(), code: z.string(), param: z.string().optional(), message: z.string() }))
      .optional()
      .describe('POST /batches, 400: the first 100 invalid items, by 0-based index, each with its own code'),
    batch_id: z.string().optional().describe('batch_id_reused, batch_in_progress: the batch that holds the id'),
    batch_url: z.string().optional().describe('batch_id_reused, batch_in_progress: its link (GET)'),
    request_id: z.string(),
  }),
});
