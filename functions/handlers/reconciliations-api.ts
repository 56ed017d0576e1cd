// Placeholder entry for `reconciliations-api` so the CDK app can bundle it; its owner replaces this file.
// API calls get a retryable 503 in the platform's error shape. Queue batches report every record
// as failed, so no message is deleted before the real handler exists.

const FUNCTION_NAME = 'reconciliations-api';

interface PlaceholderEvent {
  readonly Records?: ReadonlyArray<{ readonly messageId?: string }>;
  readonly requestContext?: { readonly requestId?: string };
}

export const handler = async (event: PlaceholderEvent) => {
  if (Array.isArray(event?.Records)) {
    return { batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId ?? '' })) };
  }
  const requestId = event?.requestContext?.requestId ?? 'unknown';
  return {
    statusCode: 503,
    headers: { 'content-type': 'application/json', 'request-id': requestId, 'retry-after': '60' },
    body: JSON.stringify({
      error: {
        type: 'api_error',
        code: 'function_unavailable',
        category: 'retryable',
        message: `${FUNCTION_NAME} is not deployed in this build yet; retry later`,
        request_id: requestId,
      },
    }),
  };
};
