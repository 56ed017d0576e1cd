import * as z from 'zod';
import {
  AUDIT_ACTIONS,
  AUDIT_ACTOR_TYPES,
  AUDIT_OUTCOMES,
  AUDIT_SUBJECT_ID_CHARS_MAX,
  AUDIT_SUBJECT_TYPES,
  SHA256_HEX_PATTERN,
  type AuditActorType,
  type AuditSubject,
} from '../domain/audit';
import {
  AUDIT_PAGE_LIMIT_DEFAULT,
  AUDIT_PAGE_LIMIT_MAX,
  AUDIT_SEARCH_DEFAULT_DAYS,
  AUDIT_SEARCH_RANGE_DAYS_MAX,
} from '../domain/audit-window';
import { CURSOR_CHARS_MAX, instantQuery, pageSizeQuery } from './schemas';

/**
 * GET /audit (scope audit:read, docs/audit.md): the strict query and the record as served. The
 * record view is the stored record member for member — the bytes that were hashed — so a client
 * can check `hash` itself. Messages of the query schema are error codes (request-errors.ts).
 */
export const AUDIT_ACTOR_ID_CHARS_MAX = 256;
const actorPattern = new RegExp(`^(${AUDIT_ACTOR_TYPES.join('|')}):[\\x21-\\x7e]{1,${AUDIT_ACTOR_ID_CHARS_MAX}}$`);
// Subject ids of a missed lookup hold the key looked up, spaces included: printable ASCII.
const subjectPattern = new RegExp(
  `^(${AUDIT_SUBJECT_TYPES.join('|')}):[\\x20-\\x7e]{1,${AUDIT_SUBJECT_ID_CHARS_MAX}}$`,
);

export const auditQuerySchema = z
  .object({
    actor: z
      .string({ error: 'actor_invalid' })
      .regex(actorPattern, { error: 'actor_invalid' })
      .optional()
      .describe(
        `<type>:<id>, type one of ${AUDIT_ACTOR_TYPES.join(', ')} (e.g. operator:ada, tenant:<client id>, job:sweep)`,
      ),
    subject: z
      .string({ error: 'subject_invalid' })
      .regex(subjectPattern, { error: 'subject_invalid' })
      .optional()
      .describe(
        `<type>:<id>, type one of ${AUDIT_SUBJECT_TYPES.join(', ')} (e.g. payout:po_…, exception:exc_…, queue:webhook)`,
      ),
    action: z
      .enum(AUDIT_ACTIONS, { error: 'action_invalid' })
      .optional()
      .describe('e.g. payout.created, exception.resolved, dlq.redrive'),
    from: instantQuery('from_invalid')
      .optional()
      .describe(
        `Inclusive lower bound on at (ISO 8601, UTC). Without subject: default to − ${AUDIT_SEARCH_DEFAULT_DAYS} days`,
      ),
    to: instantQuery('to_invalid')
      .optional()
      .describe(
        `Inclusive upper bound on at; not before from. Without subject: default now, at most ${AUDIT_SEARCH_RANGE_DAYS_MAX} days after from`,
      ),
    limit: pageSizeQuery(AUDIT_PAGE_LIMIT_MAX, AUDIT_PAGE_LIMIT_DEFAULT, 'limit_invalid'),
    cursor: z
      .string({ error: 'cursor_invalid' })
      .min(1, { error: 'cursor_invalid' })
      .max(CURSOR_CHARS_MAX, { error: 'cursor_invalid' })
      .optional()
      .describe('next_cursor of the previous page, with the same actor, subject and action'),
  })
  .strict()
  .superRefine((query, context) => {
    if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
      context.addIssue({ code: 'custom', message: 'invalid_range', path: ['from'] });
    }
  });
export type AuditQuery = z.infer<typeof auditQuerySchema>;

export const AUDIT_QUERY_MESSAGES: Record<string, (param: string) => string> = {
  actor_invalid: () => `actor must be <type>:<id> with type one of ${AUDIT_ACTOR_TYPES.join(', ')}`,
  subject_invalid: () => `subject must be <type>:<id> with type one of ${AUDIT_SUBJECT_TYPES.join(', ')}`,
  action_invalid: () => 'action is not an audited action (see GET /openapi.json for the list)',
  from_invalid: () => 'from must be an ISO 8601 instant',
  to_invalid: () => 'to must be an ISO 8601 instant',
  invalid_range: () => 'from must not be after to',
  limit_invalid: () => `limit must be 1–${AUDIT_PAGE_LIMIT_MAX}`,
  cursor_invalid: () => 'cursor is not valid for this query; start again without it',
};

/** `type:id` → its parts; the schema has checked the shape. */
export function actorFilterOf(value: string): { type: AuditActorType; id: string } {
  const at = value.indexOf(':');
  return { type: value.slice(0, at) as AuditActorType, id: value.slice(at + 1) };
}
export function subjectFilterOf(value: string): AuditSubject {
  const at = value.indexOf(':');
  return { type: value.slice(0, at) as AuditSubject['type'], id: value.slice(at + 1) };
}

const iso = z.iso.datetime();
const hash = z.string().regex(SHA256_HEX_PATTERN);

export const auditRecordSchema = z.object({
  audit_id: z.string().describe('aud_<ULID>'),
  seq: z.number().int().min(1).describe("Position in its subject's chain: 1, 2, 3, … with no gaps"),
  at: iso.describe('When it was recorded (UTC); its UTC day is the export day'),
  actor: z.object({
    type: z.enum(AUDIT_ACTOR_TYPES),
    id: z.string(),
    role: z.string().describe('Access-matrix role, `jobs` or `provider`'),
    tenant: z.string().nullable(),
  }),
  action: z.enum(AUDIT_ACTIONS),
  subject: z.object({ type: z.enum(AUDIT_SUBJECT_TYPES), id: z.string() }),
  tenant_id: z.string().nullable().describe('The tenant whose money or data it touches'),
  request_id: z.string().nullable().describe('Request-Id of the API call behind it; null for jobs and provider events'),
  outcome: z.enum(AUDIT_OUTCOMES),
  details: z
    .record(z.string(), z.unknown())
    .describe('What the action touched; its members are per action (docs/audit.md)'),
  prev_hash: hash.describe('hash of the record before it in the chain; 64 zeros for seq 1'),
  hash: hash.describe('SHA-256 (hex) of the RFC 8785 canonical JSON of every other member'),
});
export type AuditRecordView = z.infer<typeof auditRecordSchema>;

export const auditPageSchema = z.object({
  data: z.array(auditRecordSchema).describe('Oldest first: chain order for a subject, (at, audit_id) otherwise'),
  next_cursor: z.string().nullable().describe('More may follow (a page can be short, even empty, and still have one)'),
});
export type AuditPageView = z.infer<typeof auditPageSchema>;
