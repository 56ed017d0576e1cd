// `PAYOUTS_TABLE=<table> npx tsx bin/recon-backfill.ts`: the one-off backfill of the reconciliation
// day index (gsi4) for payouts written before it existed (docs/finance.md, "Reading one day").
// Uses the SDK's usual credentials and region; against the twin, also set AWS_ENDPOINT_URL_DYNAMODB.
// Safe to re-run: each payout is updated only while its keys are absent. Prints {scanned, updated}.
import { dynamoDocumentClient } from '../functions/adapters/aws-clients.js';
import { backfillReconDayIndex } from '../functions/adapters/reconciliation/day-index-backfill.js';
import { ENV } from '../functions/shared/names.js';

const table = process.env[ENV.payoutsTable];
if (table === undefined || table === '') {
  console.error('usage: PAYOUTS_TABLE=<payouts table name> npx tsx bin/recon-backfill.ts');
  process.exit(2);
}
console.log(JSON.stringify(await backfillReconDayIndex(dynamoDocumentClient(), table)));
