/**
 * The limits and waits of the HTTP routes that GET /openapi.json states: defined here, on the
 * schema side, and imported by the handlers that enforce them and by the document — never the
 * reverse, so building the document needs no handler module (and no AWS SDK client) at all.
 * test/unit/api/openapi-limits.test.ts ties each stated number to these constants.
 */

/** Largest create body accepted, in bytes as sent. A payout is well under 4 KiB. */
export const CREATE_BODY_BYTES_MAX = 16_384;
/** Operator request bodies (ops actions, reconciliation runs) are small JSON objects. */
export const OPS_BODY_BYTES_MAX = 16 * 1024;
/** Provider events: Stripe's largest are a few tens of KiB; the inbox keeps bodies over its inline limit in S3. */
export const WEBHOOK_BODY_BYTES_MAX = 256 * 1024;
/** Depth of the deepest body a JSON route takes is 2 (`destination`, `filter`, `event_ids`); 8 leaves room. */
export const API_BODY_DEPTH_MAX = 8;
/** Provider events nest a few levels (Stripe: data.object.metadata…); 32 is far past any of them. */
export const WEBHOOK_BODY_DEPTH_MAX = 32;

/** What a provider waits before retrying a 503 enqueue_failed; the sweeper usually enqueues it sooner. */
export const ENQUEUE_FAILED_RETRY_AFTER_SECONDS = 30;
/** What a caller waits before asking again for a date whose run is queued or running (409). */
export const RUN_ALREADY_RUNNING_RETRY_AFTER_SECONDS = 60;
/** Presigned links for finance live 15 minutes: long enough to download, short enough not to be shared around. */
export const PRESIGNED_URL_EXPIRES_SECONDS = 900;

/**
 * Largest POST /batches body, in bytes as sent: under Lambda's 6 MB synchronous payload with room
 * for the event's envelope. A 15,000-item body of typical items is about 4 MB (docs/batches.md);
 * larger files go through POST /batches/uploads.
 */
export const BATCH_BODY_BYTES_MAX = 5 * 1024 * 1024;
