// Loads the native addon (native/: Unicorn vCPU and host memory) with an error that says how to build it.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** The addon's vCPU as seen from TS; src/cpu/vcpu.ts is the typed wrapper everything else uses. */
export interface NativeVcpu {
  setHandlers(read: () => number, write: () => void, sysreg: () => number | bigint, exception: () => boolean, args: Uint32Array): void;
  mapPointer(addr: number, backing: ArrayBuffer, offset: number, size: number): void;
  mapMmio(addr: number, size: number, regionId: number): void;
  unmap(addr: number, size: number): void;
  mappings(): { base: bigint; size: bigint; kind: 'pointer' | 'mmio' | 'shadow'; region?: number }[];
  readMemory(addr: number | bigint, length: number): Buffer;
  writeMemory(addr: number, bytes: Uint8Array): void;
  regRead(id: number): bigint;
  regWrite(id: number, value: bigint | number): void;
  cpRegRead(op0: number, op1: number, crn: number, crm: number, op2: number): bigint;
  cpRegWrite(op0: number, op1: number, crn: number, crm: number, op2: number, value: bigint | number): void;
  getPc(): number;
  setPc(pc: number | bigint): void;
  setIrqLine(fiq: boolean, level: boolean): void;
  trapSysreg(key: number, action: number): void;
  run(deadline: number): number;
  requestStop(): void;
  setDeadline(deadline: number): void;
  lastException(): { intno?: number; pc?: number; syndrome?: number; faultAddress?: number; error?: string; errorCode?: number };
  nowNs(): number;
  instructionCount(): number;
  advanceClock(ns: number): void;
  close(): void;
}

export interface NativeAddon {
  Vcpu: new (opts: { model?: number; deterministic?: boolean; nsPerInstruction?: number }) => NativeVcpu;
  allocateHostMemory(size: number): ArrayBuffer;
  unicornVersion(): number;
  registerIds: Record<string, number>;
}

const addonPath = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'native', 'build', 'Release', 'armvirt.node');

function load(): NativeAddon {
  if (!existsSync(addonPath)) {
    throw new Error(`the native addon is not built (${addonPath} is missing): run 'npm run setup'`);
  }
  return createRequire(import.meta.url)(addonPath) as NativeAddon;
}

export const native: NativeAddon = load();
