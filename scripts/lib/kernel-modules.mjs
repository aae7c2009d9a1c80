// Linux kernel modules picked out of a kernel package's /lib/modules/RELEASE with what they depend on, and
// the modules.dep that busybox's modprobe reads (the package has none: depmod makes it at install time).
// Dependencies come from each module's .modinfo section ("depends=a,b"), which is what depmod reads too.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** The key=value strings of an ELF64 little-endian module's .modinfo section. */
export function modinfo(bytes, what) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 64 || view.getUint32(0) !== 0x7f45_4c46 || bytes[4] !== 2 || bytes[5] !== 1) {
    throw new Error(`${what} is not an ELF64 little-endian module`);
  }
  const sectionTable = Number(view.getBigUint64(0x28, true));
  const entrySize = view.getUint16(0x3a, true);
  const count = view.getUint16(0x3c, true);
  const section = (i) => {
    const at = sectionTable + i * entrySize;
    return { name: view.getUint32(at, true), offset: Number(view.getBigUint64(at + 0x18, true)), size: Number(view.getBigUint64(at + 0x20, true)) };
  };
  const names = section(view.getUint16(0x3e, true));
  const text = (offset, size) => new TextDecoder().decode(bytes.subarray(offset, offset + size));
  const nameOf = (s) => text(names.offset + s.name, 32).split('\0')[0];
  for (let i = 0; i < count; i++) {
    const s = section(i);
    if (nameOf(s) !== '.modinfo') continue;
    const fields = new Map();
    for (const entry of text(s.offset, s.size).split('\0')) {
      const eq = entry.indexOf('=');
      if (eq > 0 && !fields.has(entry.slice(0, eq))) fields.set(entry.slice(0, eq), entry.slice(eq + 1));
    }
    return fields;
  }
  throw new Error(`${what} has no .modinfo section`);
}

/** A module's name as the kernel spells it: its file name without .ko, '-' written '_'. */
const moduleName = (path) => basename(path, '.ko').replace(/-/g, '_');

/**
 * `names` and everything they depend on, from the modules below `releaseDir` (listed in its modules.order):
 * `files` in load order (dependencies first) as paths relative to releaseDir, and `modulesDep`, the text of
 * a modules.dep for them (depmod's order: each module's dependencies, those loaded last first).
 */
export function moduleClosure(releaseDir, names) {
  const pathOf = new Map();
  for (const line of readFileSync(join(releaseDir, 'modules.order'), 'utf8').split('\n')) {
    if (line.endsWith('.ko')) pathOf.set(moduleName(line), line);
  }
  const depends = new Map();
  const order = [];
  const visit = (name, chain) => {
    if (order.includes(name)) return;
    if (chain.includes(name)) throw new Error(`kernel modules depend on each other in a cycle: ${[...chain, name].join(' -> ')}`);
    const path = pathOf.get(name);
    if (!path) throw new Error(`kernel module '${name}' is not in ${join(releaseDir, 'modules.order')}${chain.length ? ` (needed by ${chain.at(-1)})` : ''}`);
    const needs = (modinfo(readFileSync(join(releaseDir, path)), path).get('depends') ?? '').split(',').filter(Boolean);
    depends.set(name, needs);
    for (const need of needs) visit(need, [...chain, name]);
    order.push(name);
  };
  for (const name of names) visit(name, []);
  const allDependencies = (name) => {
    const found = [];
    const walk = (n) => {
      for (const d of depends.get(n)) {
        walk(d);
        if (!found.includes(d)) found.push(d);
      }
    };
    walk(name);
    return found.reverse();
  };
  const modulesDep = order
    .map(
      (name) =>
        `${pathOf.get(name)}:${allDependencies(name)
          .map((d) => ` ${pathOf.get(d)}`)
          .join('')}\n`,
    )
    .join('');
  return { files: order.map((name) => pathOf.get(name)), modulesDep };
}
