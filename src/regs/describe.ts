// A register's value with its named fields decoded, for debug output: `UARTFR = 0x90 (TXFE=1 RXFF=0 BUSY=0)`.
import { hex } from '../util/hex.js';
import type { Register } from './layout.js';

export function describeRegister(register: Register, value: number | bigint): string {
  const fields = Object.entries(register.fields).map(([name, { bit, width = 1 }]) => {
    const field = (BigInt(value) >> BigInt(bit)) & ((1n << BigInt(width)) - 1n);
    return `${name}=${width === 1 ? field : hex(field)}`;
  });
  return `${register.name} = ${hex(value)}${fields.length > 0 ? ` (${fields.join(' ')})` : ''}`;
}
