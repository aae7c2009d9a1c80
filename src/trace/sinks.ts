// Where trace records go: a text stream (stderr), a file (appended), or memory for tests to assert on.
// Text line: `[<seconds>.<9 digits>] <event name> <message>`, the time part only when the registry has a clock,
// e.g. `[0.000012500] vfio_platform_eoi EOI IRQ pin 3 (fd=12)`.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { TraceRecord, TraceSink } from './registry.js';

export function formatTraceLine(record: TraceRecord): string {
  if (record.timeNs === undefined) return `${record.name} ${record.message}`;
  const ns = Math.floor(record.timeNs);
  const seconds = Math.floor(ns / 1e9);
  const fraction = String(ns - seconds * 1e9).padStart(9, '0');
  return `[${seconds}.${fraction}] ${record.name} ${record.message}`;
}

export class StreamTraceSink implements TraceSink {
  constructor(private readonly stream: { write(text: string): unknown } = process.stderr) {}

  write(record: TraceRecord): void {
    this.stream.write(`${formatTraceLine(record)}\n`);
  }
}

/** Appends to `path` synchronously, so the lines before a crash are on disk. */
export class FileTraceSink implements TraceSink {
  private fd: number | undefined;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a');
  }

  write(record: TraceRecord): void {
    if (this.fd === undefined) throw new Error(`trace file '${this.path}' is closed: remove its sink before closing it`);
    writeSync(this.fd, `${formatTraceLine(record)}\n`);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

export class MemoryTraceSink implements TraceSink {
  readonly records: TraceRecord[] = [];

  write(record: TraceRecord): void {
    this.records.push(record);
  }

  clear(): void {
    this.records.length = 0;
  }
}
