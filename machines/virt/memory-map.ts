// QEMU virt's memory map and interrupt map (hw/arm/virt.c, base_memmap and a15irqmap), so the same
// guest images run on armvirt and on qemu-system-aarch64 -M virt.

export interface MapEntry {
  base: number;
  size: number;
}

export const VIRT_MEMMAP = {
  flash: { base: 0x0000_0000, size: 0x0800_0000 },
  gicDist: { base: 0x0800_0000, size: 0x0001_0000 },
  gicCpu: { base: 0x0801_0000, size: 0x0001_0000 },
  uart: { base: 0x0900_0000, size: 0x0000_1000 },
  rtc: { base: 0x0901_0000, size: 0x0000_1000 },
  gpio: { base: 0x0903_0000, size: 0x0000_1000 },
  platformBus: { base: 0x0c00_0000, size: 0x0200_0000 },
  ram: { base: 0x4000_0000, size: 0 /* the machine's memory size */ },
} as const satisfies Record<string, MapEntry>;

/** GIC SPI numbers (INTID - 32) of the fixed devices; the platform bus has 64 from 112. */
export const VIRT_IRQMAP = {
  uart: 1,
  rtc: 2,
  gpio: 7,
  platformBus: 112,
} as const;

/**
 * The places of the memory map a device type may claim (registerType's `plug.fixed`: `{ virt: { place:
 * 'rtc' } }`): the machine fills each claimed one, in this order (QEMU's order of creation), at its base
 * with its IRQ output 0 on its SPI. A place no type claims stays empty.
 */
export const VIRT_DEVICE_PLACES = ['uart', 'rtc', 'gpio'] as const satisfies readonly (keyof typeof VIRT_MEMMAP & keyof typeof VIRT_IRQMAP)[];

export const PLATFORM_BUS_NUM_IRQS = 64;

/** Generic timer PPIs (INTID - 16): secure physical, non-secure physical, virtual, hypervisor. */
export const VIRT_TIMER_PPIS = { secure: 13, physical: 14, virtual: 11, hypervisor: 10 } as const;
