import { readFileSync } from 'node:fs';
import type { ExportPublisher, LocalFile } from '../../../functions/adapters/reconciliation/export-store';
import type { RunRecord, RunRecorder } from '../../../functions/adapters/reconciliation/runs-repository';
import {
  RunAlreadyRunningError,
  RUN_STALE_AFTER_SECONDS,
} from '../../../functions/adapters/reconciliation/runs-repository';
import type { Gate } from '../gate';
import { copyItem } from './copy';

/** A reconciliation run's records and published files, in memory (runs-repository.ts, export-store.ts). */
export class ReconciliationState {
  readonly runs = new Map<string, RunRecord>();
  readonly evidence = new Map<string, string>();
  readonly published = new Map<string, Map<string, string>>();
}

export class InMemoryRuns implements RunRecorder {
  constructor(
    private readonly state: ReconciliationState,
    private readonly gate: Gate,
  ) {}

  async start(run: RunRecord, nowMs: number): Promise<void> {
    await this.gate.point('runs.start');
    const current = this.state.runs.get(run.date);
    const stale = new Date(nowMs - RUN_STALE_AFTER_SECONDS * 1000).toISOString();
    if (current?.state === 'running' && (current.startedAt ?? '') >= stale) throw new RunAlreadyRunningError(run.date);
    this.state.runs.set(run.date, copyItem(run));
  }

  async finish(run: RunRecord): Promise<void> {
    await this.gate.point('runs.finish');
    if (this.state.runs.get(run.date)?.runId !== run.runId)
      throw Object.assign(new Error('run was taken over'), { name: 'ConditionalCheckFailedException' });
    this.state.runs.set(run.date, copyItem(run));
  }
}

export class InMemoryExports implements ExportPublisher {
  constructor(
    private readonly state: ReconciliationState,
    private readonly gate: Gate,
  ) {}

  async putEvidence(key: string, path: string): Promise<{ key: string; etag: string }> {
    await this.gate.point('s3.putEvidence');
    this.state.evidence.set(key, readFileSync(path, 'utf8'));
    return { key, etag: `"${this.state.evidence.size}"` };
  }

  async stage(_date: string, _runId: string, _files: readonly LocalFile[]): Promise<void> {
    await this.gate.point('s3.stage');
  }

  async publish(date: string, _runId: string, files: readonly LocalFile[], manifestJson: string): Promise<void> {
    await this.gate.point('s3.publish');
    const published = new Map(files.map((f) => [f.name, readFileSync(f.path, 'utf8')]));
    published.set('manifest.json', manifestJson);
    this.state.published.set(date, published);
  }
}
