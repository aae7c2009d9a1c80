// Runs the real dtc so tests can compare against it; dtc is installed by scripts/setup.mjs.

import { spawnSync } from 'node:child_process';

export interface DtcResult {
  stdout: string;
  stderr: string;
  status: number | null;
}

/** `dtc -I dtb -O dts -o -` with the blob on standard input. */
export function dtcDecompile(dtb: Uint8Array, extraArgs: string[] = []): DtcResult {
  return runDtc(['-I', 'dtb', '-O', 'dts', '-o', '-', ...extraArgs], dtb);
}

/** `dtc -I dts -O dtb` with the source on standard input, for blobs laid out the way dtc lays them out. */
export function dtcCompile(dts: string): Uint8Array {
  const r = spawnSync('dtc', ['-I', 'dts', '-O', 'dtb', '-o', '-', '-q'], { input: dts });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`dtc failed (${r.status}): ${r.stderr.toString()}`);
  return new Uint8Array(r.stdout);
}

function runDtc(args: string[], input: Uint8Array): DtcResult {
  const r = spawnSync('dtc', args, { input });
  if (r.error) throw r.error;
  return { stdout: r.stdout.toString('latin1'), stderr: r.stderr.toString(), status: r.status };
}

/** dtc's warnings on decompiling `dtb` ('' when clean); throws when dtc rejects it. */
export function dtcWarnings(dtb: Uint8Array): string {
  const r = dtcDecompile(dtb);
  if (r.status !== 0) throw new Error(`dtc rejected the DTB (exit ${r.status}): ${r.stderr}`);
  return r.stderr;
}
