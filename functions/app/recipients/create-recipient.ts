import type { RecipientItem } from '../../adapters/recipients/recipients-records';
import { recipientPolicy } from '../../domain/compliance/onboarding-policy';
import { initialOnboarding } from '../../domain/compliance/recipient-onboarding';
import { keyedRecipientId, type Recipient } from '../../domain/compliance/recipient-record';
import { ApiError } from '../../http/api-error';
import type { CreateRecipientRequest } from '../../http/recipient-requests';
import { differingFields, flattenFields, hashFieldValues } from '../payouts/field-hashes';
import { isoNow, type RecipientsDeps } from './recipients-deps';

/**
 * POST /recipients: one conditional put under the id the tenant and Idempotency-Key name
 * (recipient-record.ts), so a retry finds the first record and answers it (`replayed`), and the same
 * key with another body is refused naming the fields (422 idempotency_key_reused, as payouts and
 * incidents answer it). Then the screening of the new record; its failure keeps the recipient,
 * `unscreened` (the gates hold such a recipient's payouts), and a retry of the create screens again.
 */
export interface CreateRecipientInput {
  tenantId: string;
  /** The creating principal (the tenant client's subject). */
  createdBy: string;
  request: CreateRecipientRequest;
}

export interface CreateRecipientResult {
  item: RecipientItem;
  replayed: boolean;
}

export async function createRecipient(
  deps: RecipientsDeps,
  input: CreateRecipientInput,
): Promise<CreateRecipientResult> {
  const { tenantId, request } = input;
  const recipientId = keyedRecipientId(tenantId, request.idempotencyKey);
  const recipient = newRecipient(deps, input, recipientId);
  // Salted with the recipient id: the hashes cannot be matched against a table of account-number hashes.
  const hashes = hashFieldValues(flattenFields(canonicalBody(request)), recipientId);
  const written = await deps.recipients.create(recipient, { requestFieldHashes: hashes });
  if (written.kind === 'exists') {
    const fields = differingFields(written.item.requestFieldHashes ?? {}, hashes);
    if (fields.length > 0) throw keyReused(fields);
  }
  const item = await screened(deps, written.item);
  return { item, replayed: written.kind === 'exists' };
}

function newRecipient(deps: RecipientsDeps, input: CreateRecipientInput, recipientId: string): Recipient {
  const { body, destinations } = input.request;
  const at = isoNow(deps);
  const onboarding = initialOnboarding(recipientPolicy(deps.corridors, destinations), {
    kind: body.kind,
    hasDateOfBirth: body.date_of_birth !== undefined,
    hasRegistrationNumber: body.registration_number !== undefined,
    hasAddress: body.address !== undefined,
    hasTaxId: false,
    taxForm: 'missing',
  });
  const { email, phone } = body.contact;
  const address = body.address;
  return {
    tenantId: input.tenantId,
    recipientId,
    kind: body.kind,
    name: body.name,
    country: body.country,
    contact: { ...(email === undefined ? {} : { email }), ...(phone === undefined ? {} : { phone }) },
    ...(body.date_of_birth === undefined ? {} : { dateOfBirth: body.date_of_birth }),
    ...(body.registration_number === undefined ? {} : { registrationNumber: body.registration_number }),
    ...(address === undefined
      ? {}
      : {
          address: {
            line1: address.line1,
            city: address.city,
            ...(address.postal_code === undefined ? {} : { postalCode: address.postal_code }),
            country: address.country,
          },
        }),
    destinations,
    onboarding,
    origin: 'api',
    createdBy: input.createdBy,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
}

/** What is compared on a retry: the parsed body with its destinations canonical (a spaced IBAN is the same IBAN). */
function canonicalBody(request: CreateRecipientRequest): Record<string, unknown> {
  return { ...request.body, destinations: request.destinations };
}

/** Screens a record that has not been screened yet; a failure is logged and the record kept as it is. */
async function screened(deps: RecipientsDeps, item: RecipientItem): Promise<RecipientItem> {
  if (deps.screen === undefined || (item.screening !== undefined && item.screening.state !== 'unscreened')) return item;
  try {
    return { ...item, screening: await deps.screen(item) };
  } catch (error) {
    deps.logError?.('recipient screening failed; the recipient stays unscreened and its payouts held', error);
    return item;
  }
}

function keyReused(fields: string[]): ApiError {
  return new ApiError({
    status: 422,
    type: 'idempotency_error',
    code: 'idempotency_key_reused',
    category: 'terminal',
    message: `this Idempotency-Key created a recipient with a different body (differs in: ${fields.join(', ')}); use a new key for a new recipient`,
    param: 'Idempotency-Key',
    details: { fields },
  });
}
