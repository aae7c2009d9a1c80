// Loads the native addon (native/: Unicorn vCPU, host memory, Linux VFIO calls) with an error that says how
// to build it.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { projectPath } from '../project-paths.js';

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
  lastException(): {
    intno?: number;
    pc?: number;
    syndrome?: number;
    faultAddress?: number;
    targetEl?: number;
    recursive?: boolean;
    error?: string;
    errorCode?: number;
  };
  setStrictHypercalls(on: boolean): void;
  deliveredExceptions(): number;
  nowNs(): number;
  instructionCount(): number;
  advanceClock(ns: number): void;
  close(): void;
  // Debugger support (vcpu-debug.ts)
  setBreakpoint(address: bigint, on: boolean): void;
  setWatchpoint(address: bigint, length: number, kind: number, on: boolean): void;
  setStep(on: boolean): void;
  lastDebugStop(): { kind: number; pc: bigint; dataAddress: bigint; watchKind: number; accessPc: bigint; accessWrite: boolean };
  readVector(n: number): Buffer;
  writeVector(n: number, bytes: Uint8Array): void;
  holdClock(held: boolean): void;
}

/**
 * File-descriptor calls for the linux VFIO backend (src/vfio/linux/). Failed system calls throw an Error with
 * `errno` (its name, e.g. 'EBUSY') and `operation` (e.g. 'open /dev/vfio/7', 'VFIO_DEVICE_SET_IRQS').
 */
export interface NativeVfio {
  /** open(2), always with O_CLOEXEC. */
  open(path: string, flags: number): number;
  close(fd: number): void;
  /**
   * A VFIO ioctl (other requests are refused). `arg`: none, a number (CHECK_EXTENSION, SET_IOMMU) or the
   * struct's bytes, which the kernel reads and updates in place. Returns the ioctl's result.
   */
  ioctl(fd: number, request: number, arg?: number | Uint8Array): number;
  pread(fd: number, offset: number, length: number): Buffer;
  pwrite(fd: number, offset: number, data: Uint8Array): number;
}

/** An eventfd watched from Node's event loop: once started, calls `callback` when readable, then stops. */
export interface NativeEventFdPoller {
  start(): void;
  stop(): void;
  close(): void;
}

/** What <linux/vfio.h> says, as compiled into the addon. */
export interface NativeVfioLayout {
  ioctl: Record<string, number>;
  size: Record<string, number>;
  /** 'struct.field' (without the vfio_ prefix) → byte offset */
  offset: Record<string, number>;
  /** VFIO_* constant name → value */
  constant: Record<string, number>;
}

export interface NativeAddon {
  Vcpu: new (opts: { model?: number; deterministic?: boolean; nsPerInstruction?: number }) => NativeVcpu;
  allocateHostMemory(size: number): ArrayBuffer;
  /** mmap(MAP_SHARED) of a page-aligned range of fd, PROT_READ and PROT_WRITE if `writable`. */
  mapSharedFile(fd: number, offset: number, size: number, writable: boolean): ArrayBuffer;
  /** munmap now and detach the buffer; false if it was already unmapped. Throws while a vCPU maps it. */
  unmapSharedFile(buffer: ArrayBuffer): boolean;
  /** The address of a buffer's memory in this process. */
  hostAddress(buffer: ArrayBuffer): bigint;
  vfio: NativeVfio;
  vfioLayout(): NativeVfioLayout;
  /** eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC) */
  eventfdCreate(): number;
  eventfdWrite(fd: number, value?: number): void;
  /** The counter, reset to zero; 0 if nothing was signalled. */
  eventfdRead(fd: number): number;
  /** `callback(errnoName)` is given the poll error, if any. */
  EventFdPoller: new (fd: number, callback: (error?: string) => void) => NativeEventFdPoller;
  /** The loaded engine's uc_version(): packed, and as text ('2.1.1'). */
  unicornVersion(): { packed: number; text: string };
  registerIds: Record<string, number>;
}

const addonPath = projectPath('native', 'build', 'Release', 'armvirt.node');

function load(): NativeAddon {
  if (!existsSync(addonPath)) {
    throw new Error(`the native addon is not built (${addonPath} is missing): run 'npm run setup'`);
  }
  return createRequire(import.meta.url)(addonPath) as NativeAddon;
}

export const native: NativeAddon = load();
