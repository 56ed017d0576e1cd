import { Logger } from '@aws-lambda-powertools/logger';
import { rescreenRecipients, type RescreenSummary } from '../app/compliance/rescreen-recipients';
import { screeningDepsFromEnv } from '../wiring/screening';

// Entry for the rescreen job (docs/screening.md): run when the SDN list's manifest.json lands in S3 (an EventBridge
// rule) and daily (a schedule; the twin runs schedules, not event-pattern rules). Wiring only.

const logger = new Logger();

export async function handler(): Promise<RescreenSummary> {
  // A fresh load: this run exists because the list may have changed; a warm container's cached copy may be older.
  const summary = await rescreenRecipients(screeningDepsFromEnv({ freshList: true }));
  logger.info('rescreen finished', { ...summary });
  return summary;
}
