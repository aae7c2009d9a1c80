// PSCI (Arm DEN 0022D) as QEMU's virt offers it to a guest with one CPU: answered by the VMM on the HVC
// (or SMC) conduit the device tree advertises. SYSTEM_OFF and SYSTEM_RESET end the run with a clear
// reason; CPU_ON has no second CPU to start and says so with the proper error.
import type { HypercallInfo, Vcpu } from '../src/cpu/vcpu.js';
import { defineTraceEvent } from '../src/trace/index.js';

const tracePsci = defineTraceEvent('psci_call', 'function 0x%x (%s) -> %d');

export const PSCI_VERSION_1_1 = 0x0001_0001;

/** Function ids (SMC32 and SMC64 forms where both exist). */
const Fn = {
  VERSION: 0x8400_0000,
  CPU_SUSPEND: 0xc400_0001,
  CPU_OFF: 0x8400_0002,
  CPU_ON_32: 0x8400_0003,
  CPU_ON: 0xc400_0003,
  AFFINITY_INFO_32: 0x8400_0004,
  AFFINITY_INFO: 0xc400_0004,
  MIGRATE_INFO_TYPE: 0x8400_0006,
  SYSTEM_OFF: 0x8400_0008,
  SYSTEM_RESET: 0x8400_0009,
  FEATURES: 0x8400_000a,
} as const;

/** PSCI return codes. */
export const PsciStatus = {
  SUCCESS: 0,
  NOT_SUPPORTED: -1,
  INVALID_PARAMETERS: -2,
  ALREADY_ON: -4,
} as const;

const NAMES = new Map<number, string>(Object.entries(Fn).map(([k, v]) => [v, k.replace(/_32$/, '')]));
const MIGRATE_NOT_REQUIRED = 2;
const AFFINITY_ON = 0;

export interface PsciHost {
  /**
   * The guest asked to power off (SYSTEM_OFF, or CPU_OFF of the only CPU). `argument` is the low byte of
   * SYSTEM_OFF's x1, which PSCI ignores; the machine decides whether it means anything (on virt it does not).
   */
  powerOff(reason: string, argument: number): void;
  reset(reason: string): void;
}

export class Psci {
  constructor(
    private readonly host: PsciHost,
    readonly conduit: 'hvc' | 'smc' = 'hvc',
  ) {}

  /** The vCPU's hypercall handler: answers PSCI calls on our conduit, leaves anything else to stop the run. */
  handle(vcpu: Vcpu, call: HypercallInfo): boolean {
    if (call.conduit !== this.conduit || call.imm !== 0) return false;
    const fn = Number(vcpu.readRegister('x0') & 0xffff_ffffn);
    const name = NAMES.get(fn);
    if (name === undefined) {
      this.answer(vcpu, fn, 'unknown', PsciStatus.NOT_SUPPORTED);
      return true;
    }
    this.answer(vcpu, fn, name, this.call(fn, vcpu));
    return true;
  }

  private call(fn: number, vcpu: Vcpu): number {
    const arg = (n: 1 | 2 | 3) => vcpu.readRegister(`x${n}`);
    switch (fn) {
      case Fn.VERSION:
        return PSCI_VERSION_1_1;
      case Fn.FEATURES:
        return NAMES.has(Number(arg(1) & 0xffff_ffffn)) ? PsciStatus.SUCCESS : PsciStatus.NOT_SUPPORTED;
      case Fn.CPU_ON:
      case Fn.CPU_ON_32:
        // MPIDR affinity of the one CPU is 0: it is already on; there is no other to start.
        return (arg(1) & 0xff_00ff_ffffn) === 0n ? PsciStatus.ALREADY_ON : PsciStatus.INVALID_PARAMETERS;
      case Fn.AFFINITY_INFO:
      case Fn.AFFINITY_INFO_32:
        return (arg(1) & 0xff_00ff_ffffn) === 0n ? AFFINITY_ON : PsciStatus.INVALID_PARAMETERS;
      case Fn.MIGRATE_INFO_TYPE:
        return MIGRATE_NOT_REQUIRED;
      case Fn.CPU_SUSPEND:
        return PsciStatus.SUCCESS; // a power-down request may be treated as standby: return at once
      case Fn.CPU_OFF:
        this.host.powerOff('guest turned off its only CPU (PSCI CPU_OFF)', 0);
        return PsciStatus.SUCCESS;
      case Fn.SYSTEM_OFF:
        this.host.powerOff('guest powered off (PSCI SYSTEM_OFF)', Number(arg(1) & 0xffn));
        return PsciStatus.SUCCESS;
      case Fn.SYSTEM_RESET:
        this.host.reset('guest asked for a reset (PSCI SYSTEM_RESET)');
        return PsciStatus.SUCCESS;
      default:
        return PsciStatus.NOT_SUPPORTED;
    }
  }

  private answer(vcpu: Vcpu, fn: number, name: string, status: number): void {
    tracePsci(fn, name, status);
    vcpu.writeRegister('x0', BigInt.asUintN(64, BigInt(status)));
  }
}
