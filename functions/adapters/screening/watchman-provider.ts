import * as z from 'zod';
import type { RecipientKind } from '../../domain/compliance/contract';
import {
  SCREENING_MATCH_THRESHOLD_SCORE,
  SCREENING_MATCHES_KEPT_MAX,
  type ScreeningMatch,
  type ScreeningSubject,
} from '../../domain/compliance/screening-match';
import {
  ScreeningUnavailableError,
  type ScreeningProvider,
  type ScreeningResult,
} from '../../domain/compliance/screening-port';

/**
 * Moov Watchman (github.com/moov-io/watchman, Apache-2.0) as the screening vendor: its v2 HTTP API, read 2 Dec 2026
 * from its README and api docs.
 *   GET /v2/search?name=…&type=person|business&birthDate=YYYY-MM-DD&limit=…&minMatch=…
 *     → { entities: [{ name, entityType, sourceList, sourceID, sanctionsInfo?: { programs }, match }] }
 *   GET /v2/listinfo → { lists: { us_ofac: 17000, … }, listHashes: { us_ofac: "…" }, startedAt, endedAt }
 * Watchman scores with its own Jaro-Winkler variant; we pass our threshold as its minMatch, so both adapters open a
 * case at the same named limit. Its country handling is its own, so we send none and keep its score as is.
 */

/** A screening waits this long for Watchman; past it the recipient stays unscreened and the caller retries. */
export const WATCHMAN_TIMEOUT_MS = 5_000;

const entitySchema = z.object({
  name: z.string(),
  entityType: z.string().optional(),
  sourceList: z.string(),
  sourceID: z.string(),
  sanctionsInfo: z.object({ programs: z.array(z.string()).nullish() }).nullish(),
  match: z.number().min(0).max(1),
});
const searchSchema = z.object({ entities: z.array(entitySchema).nullish() });
const listInfoSchema = z.object({
  listHashes: z.record(z.string(), z.string()).nullish(),
  endedAt: z.string().nullish(),
});

export interface WatchmanOptions {
  /** e.g. `http://watchman.internal:8084`, no trailing slash needed. */
  baseUrl: string;
  fetch: typeof fetch;
}

const WATCHMAN_TYPES: Readonly<Record<RecipientKind, string>> = { individual: 'person', business: 'business' };

export class WatchmanScreeningProvider implements ScreeningProvider {
  readonly name = 'watchman' as const;

  constructor(private readonly options: WatchmanOptions) {}

  /** `watchman:{hash of its OFAC list}`, so a refresh of Watchman's data is a new version to rescreen against. */
  async listVersion(): Promise<string> {
    const info = listInfoSchema.safeParse(await this.get('/v2/listinfo', new URLSearchParams()));
    if (!info.success) throw new ScreeningUnavailableError('Watchman /v2/listinfo answered an unexpected body');
    const hashes = Object.entries(info.data.listHashes ?? {}).sort(([a], [b]) => a.localeCompare(b));
    if (hashes.length === 0) throw new ScreeningUnavailableError('Watchman has no lists loaded');
    return `watchman:${hashes.map(([list, hash]) => `${list}=${hash.slice(0, 12)}`).join(',')}`;
  }

  async screen(subject: ScreeningSubject): Promise<ScreeningResult> {
    const query = new URLSearchParams({
      name: subject.name,
      type: WATCHMAN_TYPES[subject.kind],
      limit: String(SCREENING_MATCHES_KEPT_MAX),
      minMatch: String(SCREENING_MATCH_THRESHOLD_SCORE),
    });
    if (subject.dateOfBirth !== undefined) query.set('birthDate', subject.dateOfBirth);
    const [listVersion, body] = await Promise.all([this.listVersion(), this.get('/v2/search', query)]);
    const parsed = searchSchema.safeParse(body);
    if (!parsed.success) throw new ScreeningUnavailableError('Watchman /v2/search answered an unexpected body');
    const matches = (parsed.data.entities ?? [])
      .filter((entity) => entity.match >= SCREENING_MATCH_THRESHOLD_SCORE)
      .map((entity): ScreeningMatch => ({
        sourceList: entity.sourceList,
        sourceId: entity.sourceID,
        matchedName: entity.name,
        listedName: entity.name,
        programs: entity.sanctionsInfo?.programs ?? [],
        nameScore: entity.match,
        score: entity.match,
        adjustments: [],
      }))
      .sort((a, b) => b.score - a.score);
    return { provider: this.name, listVersion, matches: matches.slice(0, SCREENING_MATCHES_KEPT_MAX) };
  }

  private async get(path: string, query: URLSearchParams): Promise<unknown> {
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}${path}${query.size > 0 ? `?${query}` : ''}`;
    let response: Response;
    try {
      response = await this.options.fetch(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(WATCHMAN_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ScreeningUnavailableError(`Watchman ${path} did not answer`, { cause: error });
    }
    if (!response.ok) throw new ScreeningUnavailableError(`Watchman ${path} answered HTTP ${response.status}`);
    try {
      return await response.json();
    } catch (error) {
      throw new ScreeningUnavailableError(`Watchman ${path} answered a body that is not JSON`, { cause: error });
    }
  }
}
