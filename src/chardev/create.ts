// Backends from QEMU-style specs (`-serial stdio`, `-serial mon:stdio`, `chardev=file:PATH`): the one place a spec string
// becomes a backend, so every device property and command-line option accepts the same ones.
import type { Chardev } from './chardev.js';
import { FileChardev } from './file.js';
import { MemoryChardev } from './memory.js';
import { NullChardev } from './null.js';
import { StdioChardev, type StdioOptions } from './stdio.js';

export const CHARDEV_SPECS = ['stdio', 'mon:stdio', 'file:PATH', 'null', 'memory'] as const;

/** Creates the backend `spec` names; `stdio` options let tests stand in for the process's streams. */
export function createChardev(spec: string, stdio: StdioOptions = {}): Chardev {
  if (spec === 'stdio') return new StdioChardev(stdio);
  if (spec === 'mon:stdio') return new StdioChardev({ ...stdio, escapeKeys: true });
  if (spec === 'null') return new NullChardev();
  if (spec === 'memory') return new MemoryChardev();
  if (spec.startsWith('file:')) {
    const path = spec.slice('file:'.length);
    if (path === '') throw new Error(`character backend '${spec}' names no file: expected file:PATH`);
    try {
      return new FileChardev(path);
    } catch (error) {
      throw new Error(`character backend '${spec}': ${(error as Error).message}`, { cause: error });
    }
  }
  throw new Error(`unknown character backend '${spec}' (accepted: ${CHARDEV_SPECS.join(', ')})`);
}
