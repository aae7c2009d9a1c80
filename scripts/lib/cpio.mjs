// The "newc" cpio format Linux unpacks as an initramfs (Documentation/driver-api/early-userspace/
// buffer-format.rst), written without root and without a cpio binary: owners, inode numbers and mtimes are
// fixed, entries are sorted by path, so the same inputs always give the same bytes.

const MAGIC = '070701';
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;
/** Every entry's mtime: the epoch, so a rebuild from the same inputs is byte-identical. */
const MTIME = 0;

const encoder = new TextEncoder();

/**
 * @typedef {{ path: string, mode: number } & (
 *   { type: 'dir' } | { type: 'file', data: Uint8Array } | { type: 'symlink', target: string } |
 *   { type: 'char', major: number, minor: number })} CpioEntry
 */

const hex8 = (n) => n.toString(16).padStart(8, '0');
const pad4 = (n) => (4 - (n % 4)) % 4;

function header(fields, name) {
  const nameBytes = encoder.encode(`${name}\0`);
  const text =
    MAGIC +
    [fields.ino, fields.mode, 0, 0, fields.nlink, MTIME, fields.size, 0, 0, fields.rdevMajor ?? 0, fields.rdevMinor ?? 0, nameBytes.length, 0]
      .map(hex8)
      .join('');
  const bytes = new Uint8Array(text.length + nameBytes.length + pad4(text.length + nameBytes.length));
  bytes.set(encoder.encode(text));
  bytes.set(nameBytes, text.length);
  return bytes;
}

function body(entry) {
  if (entry.type === 'file') return entry.data;
  if (entry.type === 'symlink') return encoder.encode(entry.target);
  return new Uint8Array(0);
}

const TYPE_BITS = { dir: S_IFDIR, file: S_IFREG, symlink: S_IFLNK, char: S_IFCHR };

/** The archive of `entries` (paths relative, no leading '/'), parents before children, then the trailer. */
export function newcArchive(entries) {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].path === sorted[i - 1].path) throw new Error(`cpio: '${sorted[i].path}' is in the archive twice`);
  }
  const parts = [];
  sorted.forEach((entry, index) => {
    if (entry.path.startsWith('/') || entry.path === '') throw new Error(`cpio: path '${entry.path}' must be relative`);
    const data = body(entry);
    parts.push(
      header(
        {
          ino: index + 1,
          mode: TYPE_BITS[entry.type] | (entry.mode & 0o7777),
          nlink: entry.type === 'dir' ? 2 : 1,
          size: data.length,
          ...(entry.type === 'char' ? { rdevMajor: entry.major, rdevMinor: entry.minor } : {}),
        },
        entry.path,
      ),
    );
    parts.push(data, new Uint8Array(pad4(data.length)));
  });
  parts.push(header({ ino: 0, mode: 0, nlink: 1, size: 0 }, 'TRAILER!!!'));
  const total = parts.reduce((n, p) => n + p.length, 0);
  const archive = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    archive.set(p, at);
    at += p.length;
  }
  return archive;
}
