import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FileSink } from './file-sink';

/**
 * A set of spill files on local disk (/tmp in Lambda), one per hash bucket. Writing a stream into
 * buckets by the hash of its join key, then reading one bucket of each side at a time, is a Grace
 * hash join: memory holds one bucket, never the whole input.
 */
export const PARTITION_BUFFER_CHARS = 16 * 1024;

/** FNV-1a, 32 bit, over UTF-16 code units: stable across runs and platforms, so bucket order (and so the export's row order) is deterministic. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export class PartitionSet {
  private readonly sinks: FileSink[];

  constructor(
    private readonly dir: string,
    private readonly name: string,
    readonly count: number,
  ) {
    this.sinks = Array.from(
      { length: count },
      (_, i) => new FileSink(this.pathOf(i), { bufferChars: PARTITION_BUFFER_CHARS }),
    );
  }

  private pathOf(index: number): string {
    return join(this.dir, `${this.name}-${index.toString().padStart(4, '0')}.jsonl`);
  }

  bucketOf(key: string): number {
    return fnv1a(key) % this.count;
  }

  /** Appends one JSON line to the bucket of `key`. */
  add(key: string, value: unknown): void {
    this.sinks[this.bucketOf(key)]!.write(`${JSON.stringify(value)}\n`);
  }

  /**
   * Appends a line that is already text (it must hold no line break): lets a pass route rows by a
   * key carried in front of their JSON without parsing and re-serializing them.
   */
  addLine(key: string, line: string): void {
    this.sinks[this.bucketOf(key)]!.write(`${line}\n`);
  }

  /** The bucket's lines, without their line breaks. */
  readLines(index: number): string[] {
    const text = readFileSync(this.pathOf(index), 'utf8');
    return text === '' ? [] : text.slice(0, -1).split('\n');
  }

  close(): void {
    for (const sink of this.sinks) sink.close();
  }

  /**
   * Reads one bucket whole: a bucket is input / count rows, small by construction. One JSON.parse
   * of the bucket as an array is several times faster than one per line; it is safe because
   * JSON.stringify never leaves a raw line break inside a value.
   */
  read<T>(index: number): T[] {
    const text = readFileSync(this.pathOf(index), 'utf8');
    if (text === '') return [];
    return JSON.parse(`[${text.slice(0, -1).replaceAll('\n', ',')}]`) as T[];
  }

  remove(): void {
    for (let i = 0; i < this.count; i += 1) rmSync(this.pathOf(i), { force: true });
  }
}
