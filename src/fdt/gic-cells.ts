// Interrupt specifiers of the arm,gic device-tree binding (interrupt-controller/arm,gic.yaml): three cells,
// the type (0 SPI, 1 PPI), the number within the type, and the trigger flags (4 level-high, 1 rising edge).

/** The `interrupts` cells of SPI `spi` (INTID - 32). */
export function gicSpiCells(spi: number, trigger: 'level' | 'edge'): number[] {
  return [0, spi, trigger === 'level' ? 4 : 1];
}
