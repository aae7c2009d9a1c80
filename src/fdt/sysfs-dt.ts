// Reads a device tree node from the directory form Linux exports it in: /proc/device-tree or
// /sys/firmware/devicetree/base. Each property is a file holding its raw big-endian value, each
// child node a subdirectory. Used to copy host nodes (e.g. for vfio-platform passthrough) into a guest tree.
// Reading never leaves the root it is given: every file and directory is checked on its real path, so a
// symlink (or an of_node link) pointing elsewhere on the host is refused rather than followed.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { realPathWithin } from '../files/contained-path.js';
import { readInputFile } from '../files/input-file.js';
import { childPath, type FdtNode } from './fdt-node.js';

/** No property is larger than a whole arm64 DTB may be (Documentation/arch/arm64/booting.rst). */
const PROPERTY_LIMIT = { maxBytes: 2 * 2 ** 20, what: 'the 2 MiB of a whole DTB' };

export interface ReadDtDirectoryOptions {
  /**
   * Path of the directory's node in the device tree; its last component becomes the node name.
   * Defaults to '/': the directory is the tree's root, as /proc/device-tree is.
   */
  nodePath?: string;
  /**
   * Keep the 'name' file as a property. Linux makes up 'name' (the node name without unit address)
   * for every node of a v16+ DTB, which has no such property, so it is dropped by default to give
   * back what the blob held.
   */
  keepNameProperty?: boolean;
  /** The directory nothing read may lie outside of (symlinks resolved); default the directory itself. */
  root?: string;
}

export function readDtDirectory(path: string, opts: ReadDtDirectoryOptions = {}): FdtNode {
  const nodePath = opts.nodePath ?? '/';
  if (!nodePath.startsWith('/')) throw new Error(`readDtDirectory: nodePath '${nodePath}' must start with '/'`);
  const name = nodePath === '/' ? '' : nodePath.slice(nodePath.lastIndexOf('/') + 1);
  if (!isDirectory(path)) throw new Error(`readDtDirectory: '${path}' is not a directory`);
  const root = opts.root ?? path;
  within(root, path);
  return readNode(path, name, nodePath, opts.keepNameProperty ?? false, root);
}

function readNode(dir: string, name: string, nodePath: string, keepName: boolean, root: string): FdtNode {
  const node: FdtNode = { name, path: nodePath, properties: new Map(), children: [] };
  // readdir order is the filesystem's, not the blob's; sorting keeps the result reproducible.
  const entries = attempt(dir, () => readdirSync(dir)).sort(compareCodeUnits);
  for (const entry of entries) {
    const full = join(dir, entry);
    // statSync follows symlinks, as /proc/device-tree itself is one; where they lead is checked.
    within(root, full);
    const stat = attempt(full, () => statSync(full));
    if (stat.isDirectory()) {
      node.children.push(readNode(full, entry, childPath(nodePath, entry), keepName, root));
    } else if (stat.isFile()) {
      if (entry === 'name' && !keepName) continue;
      node.properties.set(entry, new Uint8Array(attempt(full, () => readInputFile(full, PROPERTY_LIMIT))));
    } else {
      throw new Error(`readDtDirectory: '${full}' is neither a property file nor a node directory`);
    }
  }
  return node;
}

function within(root: string, path: string): void {
  attempt(path, () => realPathWithin(root, path));
}

function isDirectory(path: string): boolean {
  return attempt(path, () => statSync(path)).isDirectory();
}

/** Runs a filesystem call, rethrowing its error with the path and our function's name in front. */
function attempt<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`readDtDirectory: cannot read '${path}': ${why}`, { cause: err });
  }
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
