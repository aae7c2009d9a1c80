// How armvirt prints an address, offset or register value in a message: 0x and lower-case hex digits,
// as QEMU and the kernel print them.

export function hex(n: number | bigint): string {
  return `0x${n.toString(16)}`;
}
