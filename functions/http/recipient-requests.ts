import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod';
import { ONBOARDING_STATES, RECIPIENT_KINDS } from '../domain/compliance/contract';
import type { RecipientDestination } from '../domain/compliance/recipient-record';
import { enabledCorridor, validateDestination, type CorridorMatrix } from '../domain/corridors';
import { DomainError } from '../domain/domain-error';
import { CURRENCY_EXPONENTS, type CurrencyCode } from '../domain/money';
import type { RecipientField } from '../domain/recipient-fields';
import { textField } from '../domain/text';
import { TENANT_ID_PATTERN } from '../shared/access-matrix';
import { badRequest, fromDomainError } from './api-error';
import { parseJsonBody } from './body';
import { CREATE_BODY_BYTES_MAX } from './http-limits';
import { idempotencyKeyOf } from './idempotency-key';
import { requestErrorOf } from './request-errors';
import {
  CURSOR_CHARS_MAX,
  destinationSchema,
  EMAIL_CHARS_MAX,
  pageSizeQuery,
  RECIPIENT_NAME_CHARS_MAX,
  SERVER_OWNED_FIELDS,
} from './schemas';

/**
 * POST /recipients and GET /recipients (docs/compliance.md). Destinations are validated exactly as a
 * payout's (corridor, then account fields: domain/corridors.ts), each with the currency it is paid in.
 */

/** Payout destinations one recipient may hold: each is its own corridor and its own sealed account. */
export const RECIPIENT_DESTINATIONS_MAX = 5;
export const RECIPIENT_LIST_LIMIT_DEFAULT = 20;
export const RECIPIENT_LIST_LIMIT_MAX = 100;
export const REGISTRATION_NUMBER_CHARS_MAX = 64;
export const ADDRESS_LINE_CHARS_MAX = 200;
export const CITY_CHARS_MAX = 100;
export const POSTAL_CODE_CHARS_MAX = 20;
/** E.164: a plus, then at most 15 digits, no leading zero. */
export const PHONE_PATTERN = /^\+[1-9]\d{6,14}$/;

const currencyCodes = Object.keys(CURRENCY_EXPONENTS) as [CurrencyCode, ...CurrencyCode[]];
const countryCode = (error: string) => z.string({ error }).regex(/^[A-Z]{2}$/, { error });

export const recipientDestinationSchema = destinationSchema
  .extend({
    currency: z.enum(currencyCodes, { error: 'currency_unsupported' }).describe('The currency paid to it (ISO 4217)'),
  })
  .strict();

export const createRecipientBodySchema = z
  .object({
    kind: z.enum(RECIPIENT_KINDS, { error: 'recipient_kind_invalid' }),
    name: textField({
      error: 'recipient_name_invalid',
      trim: true,
      charsMin: 1,
      charsMax: RECIPIENT_NAME_CHARS_MAX,
      requireVisible: true,
    }),
    country: countryCode('recipient_country_invalid').describe(
      'ISO 3166-1 alpha-2 country of residence (organization, for a business); US stands for a US person',
    ),
    contact: z
      .object({
        email: z
          .email({ error: 'contact_email_invalid' })
          .max(EMAIL_CHARS_MAX, { error: 'contact_email_invalid' })
          .optional(),
        phone: z
          .string({ error: 'contact_phone_invalid' })
          .regex(PHONE_PATTERN, { error: 'contact_phone_invalid' })
          .optional(),
      })
      .strict(),
    date_of_birth: z.iso.date({ error: 'date_of_birth_invalid' }).optional().describe('Individuals only (YYYY-MM-DD)'),
    registration_number: textField({
      error: 'registration_number_invalid',
      trim: true,
      charsMin: 1,
      charsMax: REGISTRATION_NUMBER_CHARS_MAX,
      requireVisible: true,
    })
      .optional()
      .describe('Businesses only: the company registration number'),
    address: z
      .object({
        line1: textField({ error: 'address_invalid', trim: true, charsMin: 1, charsMax: ADDRESS_LINE_CHARS_MAX }),
        city: textField({ error: 'address_invalid', trim: true, charsMin: 1, charsMax: CITY_CHARS_MAX }),
        postal_code: textField({
          error: 'address_invalid',
          trim: true,
          charsMin: 1,
          charsMax: POSTAL_CODE_CHARS_MAX,
        }).optional(),
        country: countryCode('address_invalid'),
      })
      .strict()
      .optional(),
    destinations: z
      .array(recipientDestinationSchema, { error: 'destinations_invalid' })
      .min(1, { error: 'destinations_invalid' })
      .max(RECIPIENT_DESTINATIONS_MAX, { error: 'destinations_too_many' }),
  })
  .strict();
export type CreateRecipientBody = z.infer<typeof createRecipientBodySchema>;

export interface CreateRecipientRequest {
  idempotencyKey: string;
  body: CreateRecipientBody;
  /** Canonical (IBAN compacted) and unmasked: goes to the repository, which seals them. */
  destinations: RecipientDestination[];
}

/**
 * HTTP event → a valid create, or an ApiError. In this order (a request with several faults always
 * gets the same first error): Idempotency-Key, the body (http/body.ts), server-owned fields, the
 * schema, fields of the other kind, then each destination's corridor and account fields in order.
 */
export function parseCreateRecipientRequest(
  event: Pick<APIGatewayProxyEventV2, 'headers' | 'body' | 'isBase64Encoded'>,
  corridors: CorridorMatrix,
): CreateRecipientRequest {
  const idempotencyKey = idempotencyKeyOf(event.headers);
  const parsed = parseJsonBody(event, { bytesMax: CREATE_BODY_BYTES_MAX });
  const serverOwned = [...SERVER_OWNED_FIELDS, 'recipient_id', 'onboarding', 'screening'].find((f) =>
    Object.hasOwn(parsed, f),
  );
  if (serverOwned !== undefined)
    throw badRequest('field_server_owned', `${serverOwned} is set by the server and cannot be sent`, serverOwned);
  const result = createRecipientBodySchema.safeParse(parsed);
  if (!result.success) throw requestErrorOf(result.error.issues, parsed, { kind: 'body' });
  const body = result.data;
  if (body.kind === 'business' && body.date_of_birth !== undefined)
    throw badRequest('field_not_applicable', 'date_of_birth is for individuals only', 'date_of_birth');
  if (body.kind === 'individual' && body.registration_number !== undefined)
    throw badRequest('field_not_applicable', 'registration_number is for businesses only', 'registration_number');
  return { idempotencyKey, body, destinations: body.destinations.map((d, i) => canonicalDestination(corridors, d, i)) };
}

function canonicalDestination(
  corridors: CorridorMatrix,
  destination: CreateRecipientBody['destinations'][number],
  index: number,
): RecipientDestination {
  const { country, method, currency, ...fields } = destination;
  try {
    const corridor = enabledCorridor(corridors, country, currency, method);
    const canonical = validateDestination(corridor, country, method, fields as Partial<Record<RecipientField, string>>);
    return { currency, ...canonical };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    // `destination.iban` → `destinations[1].iban`: the param names the destination that failed.
    const param = (error.param ?? 'destination').replace(/^destination/, `destinations[${index}]`);
    throw fromDomainError(new DomainError(error.code, error.category, error.message, { param, cause: error }));
  }
}

export const listRecipientsQuerySchema = z
  .object({
    onboarding_state: z.enum(ONBOARDING_STATES, { error: 'onboarding_state_invalid' }).optional(),
    limit: pageSizeQuery(RECIPIENT_LIST_LIMIT_MAX, RECIPIENT_LIST_LIMIT_DEFAULT, 'limit_invalid'),
    cursor: z
      .string({ error: 'cursor_invalid' })
      .min(1, { error: 'cursor_invalid' })
      .max(CURSOR_CHARS_MAX, { error: 'cursor_invalid' })
      .optional(),
  })
  .strict();
export type ListRecipientsQuery = z.infer<typeof listRecipientsQuerySchema>;

/**
 * The compliance routes (app/recipients/ops-recipients.ts). A recipient id is per tenant (its key names
 * the tenant), so the operator names the tenant: in the query of the view, in the body of a decision.
 */
export const DECISION_REASON_CHARS_MAX = 1_000;
export const ONBOARDING_DECISIONS = ['verify', 'reject', 'reopen'] as const;
const tenantIdSchema = z
  .string({ error: 'tenant_id_invalid' })
  .regex(TENANT_ID_PATTERN, { error: 'tenant_id_invalid' });

export const opsRecipientQuerySchema = z.object({ tenant_id: tenantIdSchema }).strict();
export const onboardingDecisionBodySchema = z
  .object({
    tenant_id: tenantIdSchema,
    decision: z.enum(ONBOARDING_DECISIONS, { error: 'decision_invalid' }),
    reason: textField({
      error: 'reason_invalid',
      trim: true,
      charsMin: 1,
      charsMax: DECISION_REASON_CHARS_MAX,
      requireVisible: true,
    }),
  })
  .strict();

export type OnboardingDecision = z.infer<typeof onboardingDecisionBodySchema>;
