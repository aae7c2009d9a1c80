// Assembles AArch64 snippets with Debian's cross binutils, so tests state their guest code inline.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cache = new Map<string, Uint8Array>();

/** Flat binary of `source`, linked at `base` (labels and `adr` resolve against it). */
export function assemble(source: string, base = 0x4000_0000): Uint8Array {
  const key = `${base}:${source}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const dir = mkdtempSync(join(tmpdir(), 'armvirt-asm-'));
  try {
    writeFileSync(join(dir, 'a.s'), `.text\n.global _start\n_start:\n${source}\n`);
    execFileSync('aarch64-linux-gnu-as', ['-o', join(dir, 'a.o'), join(dir, 'a.s')], { stdio: 'pipe' });
    execFileSync('aarch64-linux-gnu-ld', ['-Ttext', `0x${base.toString(16)}`, '-o', join(dir, 'a.elf'), join(dir, 'a.o')], { stdio: 'pipe' });
    execFileSync('aarch64-linux-gnu-objcopy', ['-O', 'binary', join(dir, 'a.elf'), join(dir, 'a.bin')], { stdio: 'pipe' });
    const bytes = new Uint8Array(readFileSync(join(dir, 'a.bin')));
    cache.set(key, bytes);
    return bytes;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
