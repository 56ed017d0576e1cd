/**
 * The domain's one error hierarchy. Every operating error a caller can act on is a subclass with a
 * stable machine-readable `code` and the `category` that tells the caller what to do next
 * (DESIGN §3): retry, stop, or call a human. Handlers map these to HTTP without string matching.
 */
/** What the caller should do next (DESIGN §3); the error body's `category` and GET /openapi.json list these. */
export const ERROR_CATEGORIES = ['retryable', 'terminal', 'human_action_required'] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

export class DomainError extends Error {
  readonly code: string;
  readonly category: ErrorCategory;
  /** The request field the error is about, in JSON-pointer-ish dotted form (`destination.iban`). */
  readonly param?: string;

  constructor(code: string, category: ErrorCategory, message: string, options?: { param?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DomainError';
    this.code = code;
    this.category = category;
    if (options?.param !== undefined) this.param = options.param;
  }
}
