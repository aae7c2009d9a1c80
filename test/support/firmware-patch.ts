// Firmware parameters set by the host: a program declares a marker followed by a little-endian u32
// (virt_irq_storm's "STORM_N="), and the host runs a patched copy, so that armvirt and QEMU load the same
// file with the same value.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

/** Writes a copy of the ELF at `path` with the u32 after `marker` set to `value`; returns the copy's path. */
export function patchFirmwareWord(path: string, marker: string, value: number): string {
  const bytes = readFileSync(path);
  const at = bytes.indexOf(marker, 0, 'latin1');
  if (at < 0) throw new Error(`${path}: no parameter marker '${marker}'`);
  if (bytes.indexOf(marker, at + 1, 'latin1') >= 0) throw new Error(`${path}: parameter marker '${marker}' occurs more than once`);
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) throw new RangeError(`${marker}${value}: expected a u32`);
  bytes.writeUInt32LE(value, at + marker.length);
  const copy = join(mkdtempSync(join(tmpdir(), 'armvirt-fw-')), basename(path));
  writeFileSync(copy, bytes);
  return copy;
}
