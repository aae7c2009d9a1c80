// Reads a file the user named (a kernel, initrd, DTB, machine config or host description) without trusting
// what it is: only a regular file is read, never a FIFO or device, whose open or read may block forever or
// never end, and never more than the most its use can take, checked with fstat before reading anything.
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

/** Why a named file cannot be used, in words that follow its path: `'x.dtb': a directory, not a regular file`. */
export class InputFileError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`'${path}': ${reason}`);
    this.name = 'InputFileError';
  }
}

export interface InputLimit {
  maxBytes: number;
  /** What the limit is, after "more than": `the 2 MiB a DTB may have`. */
  what: string;
}

/** The most one read gives (Node reads at most 2 GiB at a time), for RAM larger than that. */
const READ_LIMIT = 2 ** 31 - 2 ** 12;

/** A kernel, initrd or firmware image is at most the machine's RAM. */
export function ramLimit(ramBytes: number): InputLimit {
  return ramBytes <= READ_LIMIT
    ? { maxBytes: ramBytes, what: `the ${formatBytes(ramBytes)} of RAM` }
    : { maxBytes: READ_LIMIT, what: `the ${formatBytes(READ_LIMIT)} armvirt loads from one file` };
}

/** The whole file, refused when it is not a regular file or holds more than `limit.maxBytes`. */
export function readInputFile(path: string, limit: InputLimit): Buffer {
  // stat first: opening a FIFO or some devices blocks or has effects of its own.
  checkRegular(
    path,
    attempt(path, () => statSync(path)),
  );
  const fd = attempt(path, () => openSync(path, constants.O_RDONLY | constants.O_NONBLOCK));
  try {
    const stat = attempt(path, () => fstatSync(fd));
    checkRegular(path, stat);
    if (stat.size > limit.maxBytes) throw new InputFileError(path, `${formatBytes(stat.size)}, more than ${limit.what}`);
    return readAtMost(fd, path, stat.size, limit);
  } finally {
    closeSync(fd);
  }
}

/** Reads to the end (files such as /proc's report size 0) but stops once the file is longer than the limit. */
function readAtMost(fd: number, path: string, expected: number, limit: InputLimit): Buffer {
  let buffer = Buffer.allocUnsafe(Math.min(limit.maxBytes + 1, Math.max(expected + 1, 64 * 1024)));
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (length > limit.maxBytes) throw new InputFileError(path, `longer than ${limit.what}`);
      const grown = Buffer.allocUnsafe(Math.min(limit.maxBytes + 1, buffer.length * 2));
      buffer.copy(grown, 0, 0, length);
      buffer = grown;
    }
    const n = attempt(path, () => readSync(fd, buffer, length, buffer.length - length, null));
    if (n === 0) return buffer.subarray(0, length);
    length += n;
  }
}

function checkRegular(path: string, stat: Stats): void {
  if (stat.isFile()) return;
  const kind = stat.isDirectory()
    ? 'a directory'
    : stat.isFIFO()
      ? 'a FIFO'
      : stat.isCharacterDevice()
        ? 'a character device'
        : stat.isBlockDevice()
          ? 'a block device'
          : stat.isSocket()
            ? 'a socket'
            : 'not a file';
  throw new InputFileError(path, `${kind}, not a regular file`);
}

const ERRNO_WORDS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a path component is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EISDIR: 'a directory, not a regular file',
  EAGAIN: 'it has nothing to read yet (a regular file that blocks, e.g. /proc/kmsg)',
  EIO: 'an I/O error',
};

function attempt<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputFileError(path, (code !== undefined && Object.hasOwn(ERRNO_WORDS, code) ? ERRNO_WORDS[code] : code) ?? (error as Error).message);
  }
}

/** 3 MiB, 1.5 GiB, 700 bytes: sizes in messages. */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [
    ['TiB', 2 ** 40],
    ['GiB', 2 ** 30],
    ['MiB', 2 ** 20],
    ['KiB', 2 ** 10],
  ] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} byte${bytes === 1 ? '' : 's'}`;
}
