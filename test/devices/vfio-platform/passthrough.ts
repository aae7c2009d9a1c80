// A virt machine with the fake VFIO host's test device passed through, driven qtest-style: guest physical
// reads and writes through the machine's address space, host events dispatched by hand, no guest code.
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VirtMachine, type VirtMachineOptions } from '../../../machines/virt/virt-machine.js';
import { VIRT_MEMMAP } from '../../../machines/virt/memory-map.js';
import { VfioPlatform } from '../../../devices/vfio-platform/vfio-platform.js';
import { cast } from '../../../src/qom/types.js';
import { FakeVfioHost } from '../../../src/vfio/fake/index.js';
import type { VfioBackend } from '../../../src/vfio/host.js';

export const TEST_DEVICE = 'a0000000.vfio-test';
export const HOSTS_DIR = fileURLToPath(new URL('../../../../machines/hosts/', import.meta.url));
export const BUS_BASE = VIRT_MEMMAP.platformBus.base;
/** Where the platform bus puts the test device's regions (first fit: 4 KiB, then 0x100). */
export const REGION0 = BUS_BASE;
export const REGION1 = BUS_BASE + 0x1000;
const GICD = VIRT_MEMMAP.gicDist.base;
const GICC = VIRT_MEMMAP.gicCpu.base;
/** GIC INTIDs of the device's two IRQs: platform-bus lines 0 and 1 are SPIs 112 and 113. */
export const INTID_LEVEL = 32 + 112;
export const INTID_EDGE = 32 + 113;

export interface Passthrough {
  vm: VirtMachine;
  host: FakeVfioHost;
  device: VfioPlatform;
  logs: string[];
  read32(address: number): number;
  write32(address: number, value: number): void;
  /** What the run loop does between slices: models catch up, signalled eventfds run their handlers. */
  dispatch(): void;
  close(): void;
}

export function machineWithHost(hostFile = 'test-device.json', wrap: (host: FakeVfioHost) => VfioBackend = (h) => h, options: VirtMachineOptions = {}) {
  const logs: string[] = [];
  const host = FakeVfioHost.load(isAbsolute(hostFile) ? hostFile : join(HOSTS_DIR, hostFile), { log: (m) => logs.push(`host: ${m}`) });
  const vm = new VirtMachine({ vfio: wrap(host), clock: 'deterministic', log: (m) => logs.push(m), ...options });
  return { vm, host, logs };
}

/** The test device on the platform bus with `options` (e.g. `x-irqfd=off`). */
export function passthrough(options = ''): Passthrough {
  const { vm, host, logs } = machineWithHost();
  let device: VfioPlatform;
  try {
    device = cast(vm.addDynamicDevice(`vfio-platform,host=${TEST_DEVICE}${options ? `,${options}` : ''}`), VfioPlatform);
  } catch (error) {
    vm.close();
    throw error;
  }
  const view = (address: number) => new DataView(vm.memory.read(address, 4).buffer);
  return {
    vm,
    host,
    device,
    logs,
    read32: (address) => view(address).getUint32(0, true),
    write32: (address, value) => {
      const bytes = new Uint8Array(4);
      new DataView(bytes.buffer).setUint32(0, value, true);
      vm.memory.write(address, bytes);
    },
    dispatch: () => host.dispatch(),
    close: () => vm.close(),
  };
}

/** The guest's side of the GIC: enable distributor and CPU interface, unmask priorities, enable `intids`. */
export function enableGic(t: Passthrough, intids: number[], edge: number[] = []): void {
  t.write32(GICD + 0x000, 1);
  t.write32(GICC + 0x004, 0xf0);
  t.write32(GICC + 0x000, 1);
  for (const intid of intids) {
    t.vm.memory.write(GICD + 0x800 + intid, Uint8Array.of(1)); // GICD_ITARGETSRn: CPU 0, as Linux writes it
    t.write32(GICD + 0x100 + 4 * Math.floor(intid / 32), 1 << (intid % 32));
  }
  for (const intid of edge) {
    const reg = GICD + 0xc00 + 4 * Math.floor(intid / 16);
    t.write32(reg, t.read32(reg) | (2 << (2 * (intid % 16))));
  }
}

/** GICC_IAR: acknowledges the highest-priority pending interrupt (1023 when none). */
export const acknowledge = (t: Passthrough) => t.read32(GICC + 0x00c) & 0x3ff;
/** GICC_EOIR */
export const endOfInterrupt = (t: Passthrough, intid: number) => t.write32(GICC + 0x010, intid);
/** GICD_ISPENDR bit of `intid`. */
export const isPending = (t: Passthrough, intid: number) => ((t.read32(GICD + 0x200 + 4 * Math.floor(intid / 32)) >>> (intid % 32)) & 1) === 1;
