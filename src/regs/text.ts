// Numbers as register messages print them.

export function hex(value: number | bigint): string {
  return `0x${value.toString(16)}`;
}

export function bytes(count: number): string {
  return count === 1 ? '1 byte' : `${count} bytes`;
}
