// Access sizes as register messages print them.

export function bytes(count: number): string {
  return count === 1 ? '1 byte' : `${count} bytes`;
}
