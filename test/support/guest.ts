// A bare vCPU with RAM at 0x40000000 and inline guest code: the shape of most CPU tests.
import { HostMemory } from '../../src/cpu/host-memory.js';
import { Vcpu, type VcpuOptions } from '../../src/cpu/vcpu.js';
import { assemble } from './assemble.js';

export const RAM_BASE = 0x4000_0000;
export const RAM_SIZE = 0x20_0000;

/** Guest code that powers the machine off (PSCI SYSTEM_OFF over HVC, exit status 0). */
export const POWER_OFF = `
  ldr x0, =0x84000008
  mov x1, #0
  hvc #0`;

export interface TestGuest {
  vcpu: Vcpu;
  ram: HostMemory;
  logs: string[];
}

/**
 * A vCPU with 2 MiB of RAM at 0x40000000 holding `source`, PC at its start, log lines collected. Hypercalls
 * nobody answers end the run (strict), so `hvc #0` is a test's way to stop.
 */
export function guestWith(source: string, options: VcpuOptions = {}): TestGuest {
  const logs: string[] = [];
  const vcpu = new Vcpu({ log: (m) => logs.push(m), strictHypercalls: true, ...options });
  const ram = new HostMemory(RAM_SIZE);
  vcpu.mapMemory(RAM_BASE, ram);
  ram.bytes.set(assemble(source, RAM_BASE));
  vcpu.pc = RAM_BASE;
  return { vcpu, ram, logs };
}

/** A far-away deadline for tests that expect another stop first. */
export const FOREVER_NS = 1e12;
