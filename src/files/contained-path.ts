// Paths that must stay inside a root directory (a fake host's tree, a sysfs root): checked on the real
// path, symlinks resolved, so neither `..` nor a link pointing elsewhere leads out.
import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';

/** A path that leads out of the root it must stay in. */
export class PathEscapeError extends Error {
  constructor(
    readonly path: string,
    readonly root: string,
  ) {
    super(`'${path}' leads outside '${root}'`);
    this.name = 'PathEscapeError';
  }
}

/** Whether `path` is `root` or below it (both absolute and already resolved). */
export function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith('../'));
}

/** The real path of an existing `path`, which must lie within the real path of `root`. */
export function realPathWithin(root: string, path: string): string {
  const real = realpathSync(path);
  if (!isWithin(realpathSync(root), real)) throw new PathEscapeError(path, root);
  return real;
}

/**
 * Checks that `relativePath` joined to `root`, and the real path of the deepest part of it that exists so
 * far, stay within `root`: for a path about to be created. Returns the joined path.
 */
export function creatablePathWithin(root: string, relativePath: string): string {
  const full = resolve(root, relativePath);
  if (isAbsolute(relativePath) || !isWithin(resolve(root), full)) throw new PathEscapeError(relativePath, root);
  const realRoot = realpathSync(root);
  for (let existing = full; ; existing = dirname(existing)) {
    let real: string;
    try {
      real = realpathSync(existing);
    } catch {
      continue; // not created yet: its parent decides
    }
    if (!isWithin(realRoot, real)) throw new PathEscapeError(relativePath, root);
    return full;
  }
}
