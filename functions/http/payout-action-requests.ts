import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod';
import { assertNever } from '../domain/assert-never';
import { textField } from '../domain/text';
import type { PayoutAction } from '../shared/payout-action-routes';
import { parseJsonBody } from './body';
import { requestErrorOf } from './request-errors';

/**
 * The bodies of the tenant's payout actions (issue 10), strict like every request schema: an
 * unknown field is refused by name, free text is a domain/text.ts field (NFC, one line, visible).
 * A reason is required where a "no" needs one (reject), and where the request is what others will
 * act on (a reversal); notes are optional. Bodies of routes without a required field may be empty.
 */
/** Action bodies hold a reason or a note: well under 4 KiB. */
export const ACTION_BODY_BYTES_MAX = 4_096;
export const ACTION_REASON_CHARS_MAX = 500;
export const ACTION_NOTE_CHARS_MAX = 500;

const reason = textField({
  error: 'reason_invalid',
  trim: true,
  charsMin: 1,
  charsMax: ACTION_REASON_CHARS_MAX,
  requireVisible: true,
});
const note = textField({
  error: 'note_invalid',
  trim: true,
  charsMin: 1,
  charsMax: ACTION_NOTE_CHARS_MAX,
  requireVisible: true,
});

export const approveBodySchema = z
  .object({ note: note.optional().describe("The approver's note, kept with the decision and its audit record") })
  .strict();
export const rejectBodySchema = z
  .object({ reason: reason.describe('Why it is rejected; shown on the payout and audited') })
  .strict();
export const cancelBodySchema = z
  .object({ reason: reason.optional().describe('Why it is canceled; audited') })
  .strict();
export const reversalRequestBodySchema = z
  .object({ reason: reason.describe('Why the money should come back; the approver sees it') })
  .strict();

/** Each action's body schema, and whether a body is required (no: an empty body is `{}`). */
export const ACTION_BODIES = {
  approve: { schema: approveBodySchema, required: false },
  reject: { schema: rejectBodySchema, required: true },
  cancel: { schema: cancelBodySchema, required: false },
  request_reversal: { schema: reversalRequestBodySchema, required: true },
  approve_reversal: { schema: approveBodySchema, required: false },
  reject_reversal: { schema: rejectBodySchema, required: true },
} as const satisfies Record<PayoutAction, { schema: z.ZodObject; required: boolean }>;

export interface ActionBody {
  reason?: string;
  note?: string;
}

type BodyEvent = Pick<APIGatewayProxyEventV2, 'headers' | 'body' | 'isBase64Encoded'>;

/** The body parser's checks (http/body.ts), then the action's schema; nothing here writes. */
export function parseActionBody(action: PayoutAction, event: BodyEvent): ActionBody {
  const { schema, required } = ACTION_BODIES[action];
  const parsed = parseJsonBody(event, { bytesMax: ACTION_BODY_BYTES_MAX, empty: required ? 'refuse' : 'empty_object' });
  const result = schema.safeParse(parsed);
  if (!result.success) throw requestErrorOf(result.error.issues, parsed, { kind: 'body', messages: MESSAGES });
  return result.data as ActionBody;
}

const MESSAGES: Record<string, (param: string) => string> = {
  reason_invalid: (param) => `${param} must be 1 to ${ACTION_REASON_CHARS_MAX} characters of text`,
  note_invalid: (param) => `${param} must be 1 to ${ACTION_NOTE_CHARS_MAX} characters of text`,
};

/** The resource an action's Idempotency-Key is scoped to: the payout, or the payout's reversal. */
export function actionResourceId(action: PayoutAction, payoutId: string, reversalId: string | undefined): string {
  switch (action) {
    case 'approve':
    case 'reject':
    case 'cancel':
    case 'request_reversal':
      return payoutId;
    case 'approve_reversal':
    case 'reject_reversal':
      return `${payoutId}/${reversalId ?? ''}`;
    default:
      return assertNever(action, 'payout action');
  }
}
