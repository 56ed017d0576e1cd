import { z } from 'zod';
import { CORRIDOR_STATES, corridorSchema } from '../domain/corridors';
import { LEDGER_ACCOUNTS, type LedgerAccount } from '../domain/ledger';
import { PAYOUT_EVENTS, PAYOUT_STATUSES, TRANSITION_SOURCES } from '../domain/lifecycle';
import { AMOUNT_MINOR_MAX_SAFE, CURRENCY_EXPONENTS, type CurrencyCode } from '../domain/money';

/**
 * The API's schemas: handlers validate with them and GET /openapi.json is generated from them, so
 * the document cannot drift from what the code accepts. Every limit is a named constant with its
 * unit. Error messages of the request schemas are error *codes*; request-errors.ts maps them.
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
export const SERVER_OWNED_FIELDS = ['status', 'tenant', 'tenant_id', 'fee', 'provider', 'provider_reference', 'payout_id', 'created_at', 'version'] as const;

const currencyCodes = Object.keys(CURRENCY_EXPONENTS) as [CurrencyCode, ...CurrencyCode[]];
const accountField = z.string({ error: 'destination_field_invalid' }).min(1, { error: 'destination_field_invalid' }).max(ACCOUNT_FIELD_CHARS_MAX, { error: 'destination_field_invalid' });

export const destinationSchema = z
  .object({
    country: z.string({ error: 'destination_country_invalid' }).regex(/^[A-Z]{2}$/, { error: 'destination_country_invalid' }).describe('ISO 3166-1 alpha-2 country of the recipient bank'),
    method: z.string({ error: 'destination_method_invalid' }).regex(/^[a-z][a-z_]{1,31}$/, { error: 'destination_method_invalid' }).describe('Payout rail, as listed by GET /corridors'),
    iban: accountField.optional().describe('SEPA corridors'),
    account_number: accountField.optional().describe('US and GB corridors'),
    routing_number: accountField.optional().describe('US ABA routing number'),
    sort_code: accountField.optional().describe('GB sort code, six digits'),
    ifsc: accountField.optional().describe('Indian Financial System Code'),
  })
  .strict();

/** The create body; `amountMaxMinor` is the deployment's PAYOUT_AMOUNT_MAX_MINOR. */
export function createPayoutBodySchema(amountMaxMinor: number) {
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
          name: z.string({ error: 'recipient_name_invalid' }).trim().min(1, { error: 'recipient_name_invalid' }).max(RECIPIENT_NAME_CHARS_MAX, { error: 'recipient_name_invalid' }),
          email: z.email({ error: 'recipient_email_invalid' }).max(EMAIL_CHARS_MAX, { error: 'recipient_email_invalid' }).optional(),
        })
        .strict(),
      description: z.string({ error: 'description_invalid' }).max(DESCRIPTION_CHARS_MAX, { error: 'description_invalid' }).optional(),
      metadata: z
        .record(
          z.string().regex(new RegExp(`^[A-Za-z0-9_.-]{1,${METADATA_KEY_CHARS_MAX}}$`), { error: 'metadata_key_invalid' }),
          z.string({ error: 'metadata_value_invalid' }).max(METADATA_VALUE_CHARS_MAX, { error: 'metadata_value_invalid' }),
          { error: 'metadata_invalid' },
        )
        .refine((map) => Object.keys(map).length <= METADATA_KEYS_MAX, { error: 'metadata_too_many_keys' })
        .meta({ maxProperties: METADATA_KEYS_MAX })
        .optional()
        .describe('Your own string key-value pairs, returned as sent'),
    })
    .strict();
}
export type CreatePayoutBody = z.infer<ReturnType<typeof createPayoutBodySchema>>;

const iso = z.iso.datetime();

export const payoutViewSchema = z.object({
  payout_id: z.string(),
  idempotency_key: z.string(),
  provider: z.string(),
  provider_reference: z.string().nullable(),
  amount: z.number().int(),
  currency: z.enum(currencyCodes),
  fee: z.number().int().nullable(),
  status: z.enum(PAYOUT_STATUSES),
  status_reason: z.string().nullable(),
  destination: z.object({ country: z.string(), method: z.string(), fields: z.record(z.string(), z.string()).describe('Account fields, all but the last four characters masked') }),
  recipient: z.object({ name: z.string(), email: z.string().optional() }),
  description: z.string().nullable(),
  metadata: z.record(z.string(), z.string()),
  created_at: iso,
  last_event_at: iso,
  exception_owner: z.string().nullable(),
  request_ids: z.array(z.string()),
  reconciled_at: iso.nullable(),
});
export type PayoutView = z.infer<typeof payoutViewSchema>;

export const payoutListSchema = z.object({ data: z.array(payoutViewSchema), next_cursor: z.string().nullable() });

/** Provider references are short opaque ids; anything longer is not one. */
export const PROVIDER_REFERENCE_CHARS_MAX = 255;

export const listPayoutsQuerySchema = z
  .object({
    status: z.enum(PAYOUT_STATUSES, { error: 'status_invalid' }).optional(),
    idempotency_key: z.string().min(1).max(255, { error: 'idempotency_key_invalid' }).optional(),
    provider_reference: z
      .string()
      .min(1, { error: 'provider_reference_invalid' })
      .max(PROVIDER_REFERENCE_CHARS_MAX, { error: 'provider_reference_invalid' })
      .optional()
      .describe("The provider's reference for a payout (e.g. sbx_po_…): the payout that carries it, if it is the tenant's"),
    created_from: iso.optional().describe('Inclusive lower bound on created_at'),
    created_to: iso.optional().describe('Inclusive upper bound on created_at'),
    limit: z.coerce.number({ error: 'limit_invalid' }).int({ error: 'limit_invalid' }).min(1, { error: 'limit_invalid' }).max(PAYOUT_LIST_LIMIT_MAX, { error: 'limit_invalid' }).default(PAYOUT_LIST_LIMIT_DEFAULT),
    cursor: z.string().max(2048, { error: 'cursor_invalid' }).optional(),
  })
  .strict();

export const timelineEntrySchema = z.object({
  at: iso,
  occurred_at: iso,
  event: z.enum(['created', ...PAYOUT_EVENTS]),
  outcome: z.enum(['applied', 'stale', 'forbidden']),
  from: z.enum(PAYOUT_STATUSES).nullable(),
  to: z.enum(PAYOUT_STATUSES).nullable(),
  source: z.enum(TRANSITION_SOURCES),
  source_ref: z.string().describe('Request-Id (api, operator) or provider event id (webhook, poller)'),
  status_reason: z.string().nullable(),
});
export const timelineSchema = z.object({ payout_id: z.string(), data: z.array(timelineEntrySchema) });

export const lifecycleSchema = z.object({
  statuses: z.array(z.object({ status: z.enum(PAYOUT_STATUSES), terminal: z.boolean(), awaiting_provider: z.boolean() })),
  events: z.array(z.object({ event: z.enum(PAYOUT_EVENTS), channels: z.array(z.enum(['api', 'operator', 'submission_response', 'webhook', 'polling'])) })),
  transitions: z.array(z.object({ from: z.enum(PAYOUT_STATUSES), to: z.enum(PAYOUT_STATUSES), events: z.array(z.enum(PAYOUT_EVENTS)), by_webhook: z.boolean(), by_polling_only: z.boolean() })),
});

export const corridorsResponseSchema = z.object({ data: z.array(corridorSchema), states: z.array(z.enum(CORRIDOR_STATES)) });

export const balancesQuerySchema = z.object({ currency: z.enum(currencyCodes, { error: 'currency_unsupported' }) }).strict();
export const balancesResponseSchema = z.object({
  currency: z.enum(currencyCodes),
  accounts: z.array(z.object({ tenant_id: z.string(), account: z.enum(LEDGER_ACCOUNTS), balance: z.number().int() })),
  // An object, not a record over an enum: every account is always present and is a declared property.
  totals: z.object(Object.fromEntries(LEDGER_ACCOUNTS.map((account) => [account, z.number().int()])) as Record<LedgerAccount, z.ZodNumber>),
  sum: z.number().int().describe('Always 0: the ledger is double-entry'),
  truncated: z.boolean().describe('More balance items exist than one answer reads'),
  read_at: iso,
});

export const errorBodySchema = z.object({
  error: z.object({
    type: z.enum(['invalid_request_error', 'authentication_error', 'permission_error', 'not_found_error', 'idempotency_error', 'conflict_error', 'rate_limit_error', 'api_error']),
    code: z.string(),
    category: z.enum(['retryable', 'terminal', 'human_action_required']),
    message: z.string(),
    param: z.string().optional(),
    fields: z.array(z.string()).optional().describe('idempotency_key_reused: the body fields that differ from the first request'),
    request_id: z.string(),
  }),
});
