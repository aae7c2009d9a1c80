// Growable big-endian byte buffer for building DTB blocks; every multi-byte field in a DTB is
// big-endian regardless of the host, so all writes go through DataView with littleEndian=false.

export class ByteBuffer {
  private bytes = new Uint8Array(256);
  private view = new DataView(this.bytes.buffer);
  private used = 0;

  get length(): number {
    return this.used;
  }

  u32(n: number): void {
    this.reserve(4);
    this.view.setUint32(this.used, n, false);
    this.used += 4;
  }

  u64(n: bigint): void {
    this.reserve(8);
    this.view.setBigUint64(this.used, n, false);
    this.used += 8;
  }

  append(data: Uint8Array): void {
    this.reserve(data.length);
    this.bytes.set(data, this.used);
    this.used += data.length;
  }

  /** Zero-pads to a multiple of `align`; padding must be zero so readers see clean tokens. */
  align(align: number): void {
    const pad = (align - (this.used % align)) % align;
    this.reserve(pad);
    this.bytes.fill(0, this.used, this.used + pad);
    this.used += pad;
  }

  /** A copy of the bytes written so far. */
  toBytes(): Uint8Array {
    return this.bytes.slice(0, this.used);
  }

  private reserve(extra: number): void {
    if (this.used + extra <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.used + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.used));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }
}
