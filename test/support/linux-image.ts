// A Linux arm64 Image (Documentation/arch/arm64/booting.rst header) around inline guest code, for tests that
// boot through the launcher's kernel loader the way a real kernel is booted.
import { writeFileSync } from 'node:fs';
import { assemble } from './assemble.js';

const HEADER_SIZE = 64;
const TEXT_OFFSET = 0x8_0000;
const RAM_BASE = 0x4000_0000;

/** Writes an Image to `path` whose code (after the 64-byte header) is `source`; returns the path. */
export function writeLinuxImage(path: string, source: string): string {
  const code = assemble(source, RAM_BASE + TEXT_OFFSET + HEADER_SIZE);
  const image = new Uint8Array(HEADER_SIZE + code.length);
  const view = new DataView(image.buffer);
  view.setUint32(0, 0x1400_0000 | (HEADER_SIZE / 4), true); // code0: b +64, over the header
  view.setBigUint64(8, BigInt(TEXT_OFFSET), true);
  view.setBigUint64(16, BigInt(image.length), true);
  view.setUint32(56, 0x644d_5241, true); // "ARM\x64"
  image.set(code, HEADER_SIZE);
  writeFileSync(path, image);
  return path;
}
