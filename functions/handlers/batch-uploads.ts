import { batchUploadsApi, type BatchUploadsApiDependencies } from '../app/batch-uploads/batch-uploads-api';
import { httpHandler } from '../http/http-handler';
import { noQuerySchema, parseQuery } from '../http/query-parameters';
import { batchUploadsApiDependencies } from '../wiring/batch-uploads';

// Entry for POST /batches/uploads (docs/batch-uploads.md); wiring only. Its own small function: it
// presigns and writes one record, and holds no grant on payouts. Any query parameter is refused by name.

let deps: BatchUploadsApiDependencies | undefined;

export const handler = httpHandler(async (event) => {
  parseQuery(noQuerySchema, event.queryStringParameters);
  deps ??= batchUploadsApiDependencies();
  return batchUploadsApi(deps, event);
});
