// What each machine type lets a machine config ask for, known before one is built: the RAM its memory map
// has room for, how far its platform bus window may grow, and whether it boots Linux with a device tree.
// The config model checks a config against these and knows no machine's memory map itself.
import { VIRT_MEMMAP } from './virt/memory-map.js';

export interface MachineTypeLimits {
  /** The most RAM the memory map has room for. */
  maxRamBytes: number;
  /** The platform bus window: where it starts and what ends it (it may grow up to there). */
  platformBus?: { base: number; end: number; endName: string };
  /** Set when the type boots no Linux: why kernel arguments, DTBs, devices and VFIO do not apply. */
  noLinuxBoot?: string;
}

/** RAM at 1 GiB up to the end of a 256 GiB physical space (QEMU virt without highmem RAM); the foundation board's RAM sits at the same place. */
const MAX_RAM_BYTES = 255 * 2 ** 30;

export const MACHINE_TYPES = {
  virt: {
    maxRamBytes: MAX_RAM_BYTES,
    platformBus: { base: VIRT_MEMMAP.platformBus.base, end: VIRT_MEMMAP.ram.base, endName: 'RAM' },
  },
  foundation: {
    maxRamBytes: MAX_RAM_BYTES,
    noLinuxBoot: "the foundation board has no device tree, platform bus or Linux boot; use machine 'virt'",
  },
} as const satisfies Record<string, MachineTypeLimits>;

export type MachineType = keyof typeof MACHINE_TYPES;
