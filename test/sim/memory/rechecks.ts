import type { RecheckMarker, RecheckStore } from '../../../functions/adapters/recheck-markers';
import type { Gate } from '../gate';

/** adapters/recheck-markers.ts in memory: one marker per payout, in payout-id order, cleared only if unchanged. */
export class RechecksState {
  readonly markers = new Map<string, RecheckMarker>();
}

export class InMemoryRechecks implements RecheckStore {
  constructor(
    readonly state: RechecksState,
    private readonly gate: Gate,
  ) {}

  async request(marker: RecheckMarker): Promise<void> {
    await this.gate.point('rechecks.put');
    this.state.markers.set(marker.payoutId, { ...marker });
  }

  async list(limit: number): Promise<RecheckMarker[]> {
    await this.gate.point('rechecks.query');
    return [...this.state.markers.values()]
      .sort((a, b) => (a.payoutId < b.payoutId ? -1 : 1))
      .slice(0, limit)
      .map((m) => ({ ...m }));
  }

  async clear(marker: RecheckMarker): Promise<void> {
    await this.gate.point('rechecks.delete');
    if (this.state.markers.get(marker.payoutId)?.requestedAt === marker.requestedAt)
      this.state.markers.delete(marker.payoutId);
  }
}
