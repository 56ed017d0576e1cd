// Writes evidence/<UTC timestamp>/evidence.json and index.html: the same facts, for machines and
// for people. The timestamp is the run's finish time with ':' and '.' replaced, so it sorts and is a
// valid folder name everywhere.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../local/paths.js';
import { loadModel } from '../../test/support/emulators.js';
import type { DrillResult } from './drill-result.js';
import {
  corridorMatrix,
  exceptionCategories,
  readTwinFacts,
  retryRulesOf,
  runMeta,
  statusModel,
  webhookCatalog,
  type EvidenceFacts,
} from './facts.js';
import { renderEvidenceHtml } from './render.js';
import type { TwinTokenRequest } from '../../local/twin.js';

/** What the pack reads from the twin: its URL and a token (GET /lifecycle needs payouts:read). */
export interface PackTwin {
  url: string;
  token(request: TwinTokenRequest): Promise<string>;
}

export const EVIDENCE_ROOT_DEFAULT = join(REPO_ROOT, 'evidence');
/** Whose `trace` attachment is the pack's traced payout: request → provider → ledger → export → exception. */
export const TRACE_DRILL = 'ledger-mismatch';

export interface WrittenPack {
  dir: string;
  htmlPath: string;
  jsonPath: string;
  facts: EvidenceFacts;
}

export function packFolderName(finishedAtMs: number): string {
  return new Date(finishedAtMs).toISOString().replace(/[:.]/g, '-');
}

export async function gatherFacts(twin: PackTwin, results: DrillResult[], startedAtMs: number): Promise<EvidenceFacts> {
  const token = await twin.token({ tenant: 'drill', role: 'backend' });
  const { lifecycle, accessMatrix } = await readTwinFacts(twin.url, token);
  const model = await loadModel();
  const traced = results.find((r) => r.drill === TRACE_DRILL)?.attachments['trace'];
  return {
    meta: runMeta(startedAtMs, Date.now(), twin.url),
    status_model: statusModel(lifecycle),
    retry_rules: retryRulesOf(model),
    webhook_catalog: webhookCatalog(lifecycle),
    exception_categories: exceptionCategories(),
    access_matrix: accessMatrix,
    corridors: corridorMatrix(),
    trace: traced ?? null,
    drills: results,
  };
}

export async function writeEvidencePack(options: {
  twin: PackTwin;
  results: DrillResult[];
  startedAtMs: number;
  evidenceRoot?: string;
}): Promise<WrittenPack> {
  const facts = await gatherFacts(options.twin, options.results, options.startedAtMs);
  const dir = join(options.evidenceRoot ?? EVIDENCE_ROOT_DEFAULT, packFolderName(Date.now()));
  mkdirSync(dir, { recursive: true });
  const jsonPath = join(dir, 'evidence.json');
  const htmlPath = join(dir, 'index.html');
  writeFileSync(jsonPath, `${JSON.stringify(facts, null, 2)}\n`);
  writeFileSync(htmlPath, renderEvidenceHtml(facts));
  return { dir, htmlPath, jsonPath, facts };
}
