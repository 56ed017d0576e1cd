import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * An append-only file with a write buffer, a running SHA-256 and a row count. Writes are
 * synchronous on purpose: the engine is CPU-bound on one thread, and a bounded buffer flushed with
 * writeSync keeps memory flat without back-pressure bookkeeping.
 */
export const FILE_SINK_BUFFER_CHARS = 256 * 1024;

export class FileSink {
  private readonly fd: number;
  private buffer = '';
  private readonly hash: Hash | undefined;
  bytes = 0;
  rows = 0;

  private readonly bufferChars: number;

  constructor(
    readonly path: string,
    options: { hash?: boolean; bufferChars?: number } = {},
  ) {
    this.fd = openSync(path, 'w');
    this.bufferChars = options.bufferChars ?? FILE_SINK_BUFFER_CHARS;
    this.hash = options.hash ? createHash('sha256') : undefined;
  }

  write(text: string, rows = 1): void {
    this.buffer += text;
    this.rows += rows;
    if (this.buffer.length >= this.bufferChars) this.flush();
  }

  flush(): void {
    if (this.buffer === '') return;
    const bytes = Buffer.from(this.buffer, 'utf8');
    this.buffer = '';
    this.hash?.update(bytes);
    this.bytes += bytes.length;
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(this.fd, bytes, offset);
  }

  close(): { path: string; bytes: number; rows: number; sha256: string } {
    this.flush();
    closeSync(this.fd);
    return { path: this.path, bytes: this.bytes, rows: this.rows, sha256: this.hash?.digest('hex') ?? '' };
  }
}
