import { screenAgainst, type ScreeningSubject } from '../../domain/compliance/screening-match';
import type { ScreeningProvider, ScreeningResult } from '../../domain/compliance/screening-port';
import type { ScreeningList } from '../../domain/compliance/sdn-list';

/**
 * Screens against the SDN list loaded by `loadList` (from the repo's fixtures in the twin, from S3 in AWS:
 * sdn-list-sources.ts). The list is loaded once per instance and kept: a Lambda container screens many recipients
 * against one load, and a new version reaches new containers (and the rescreen job, which loads afresh).
 */
export class LocalListScreeningProvider implements ScreeningProvider {
  readonly name = 'local_list' as const;
  private list: Promise<ScreeningList> | undefined;

  constructor(private readonly loadList: () => Promise<ScreeningList>) {}

  async listVersion(): Promise<string> {
    return (await this.loaded()).version;
  }

  async screen(subject: ScreeningSubject): Promise<ScreeningResult> {
    const list = await this.loaded();
    return { provider: this.name, listVersion: list.version, matches: screenAgainst(subject, list.entries) };
  }

  private loaded(): Promise<ScreeningList> {
    // A failed load is not cached: the next call tries again.
    this.list ??= this.loadList().catch((error: unknown) => {
      this.list = undefined;
      throw error;
    });
    return this.list;
  }
}
