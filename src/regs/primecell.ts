// The identification registers at the end of every Arm PrimeCell's 4 KiB frame: PeriphID0-3 (0xfe0) hold
// the part number, designer and revision that Linux's AMBA bus matches drivers by, PCellID0-3 (0xff0) the
// PrimeCell preamble 0xb105f00d. Each register holds one byte of its 32-bit value, low byte first.

const PCELL_ID = 0xb105_f00d;

const byteOf = (value: number, i: number): number => (value >>> (8 * i)) & 0xff;

/**
 * The eight ID registers of a PrimeCell whose ID, as Linux's amba tables write it, is `ambaId`
 * (0x00041031: revision 0, designer 0x41 Arm, part 0x031), to spread into a register bank's declaration.
 */
export function primeCellIdRegisters(ambaId: number) {
  return {
    PeriphID: { offset: 0xfe0, access: 'RO', count: 4, onRead: (_value: number, i: number): number => byteOf(ambaId, i) },
    PCellID: { offset: 0xff0, access: 'RO', count: 4, onRead: (_value: number, i: number): number => byteOf(PCELL_ID, i) },
  } as const;
}
